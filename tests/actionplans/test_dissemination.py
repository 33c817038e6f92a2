"""Sharing the learning: the business unit plans what is shared, how, with whom and when,
and records it done; the agencies' safeguarding leads give feedback for their own agency;
the business unit sees all of it, each agency only its own."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from actionplans import services
from actionplans.models import Dissemination, DisseminationFeedback
from cases.services import CaseError
from tests.actionplans.doc_builders import plan_with_actions
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(partnership):
    return plan_with_actions(partnership)


def _date(prefix: str, value: datetime.date) -> dict:
    return {f"{prefix}_0": value.day, f"{prefix}_1": value.month, f"{prefix}_2": value.year}


def _shared(built, **extra) -> Dissemination:
    dissemination = services.dissemination_add(
        actor=built.officer, plan=built.plan, what="The learning about home conditions",
        method=Dissemination.Method.SEVEN_MINUTE_BRIEFING,
        audience="Every agency's practitioners", planned_on=timezone.localdate(), **extra)
    return services.dissemination_done(actor=built.officer, dissemination=dissemination,
                                       done_on=timezone.localdate())


def test_the_business_unit_adds_and_records_what_is_shared(client, built):
    ref = built.plan.case.reference
    client.force_login(built.officer)
    add = reverse("actionplans:dissemination-add", args=[ref])
    planned = timezone.localdate() + datetime.timedelta(days=20)
    data = {"what": "Escalation policy reminder", "method": "newsletter",
            "audience": "Designated safeguarding leads in schools",
            "form_token": "0b7c6a34-3c0b-4bfa-b1ae-0c0d0e0f1a2b", **_date("planned_on", planned)}
    assert client.post(add, data).status_code == 302
    assert client.post(add, data).status_code == 302  # a double click adds it once
    dissemination = Dissemination.objects.get()
    assert (dissemination.method, dissemination.planned_on) == ("newsletter", planned)
    page = client.get(reverse("actionplans:dissemination", args=[ref])).content.decode()
    assert "Escalation policy reminder" in page and "Newsletter" in page and "Planned" in page
    done = reverse("actionplans:dissemination-done", args=[ref, dissemination.pk])
    future = client.post(done, _date("done_on", timezone.localdate()
                                     + datetime.timedelta(days=3)))
    assert "must be today or in the past" in future.content.decode()
    assert client.post(done, _date("done_on", timezone.localdate())).status_code == 302
    dissemination.refresh_from_db()
    assert dissemination.done_on == timezone.localdate()
    assert list(AuditEvent.objects.filter(
        object_type="actionplans.dissemination", object_id=str(dissemination.pk))
        .order_by("pk").values_list("action", flat=True)) == [
        AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE]


def test_a_missing_answer_is_shown_next_to_its_field_and_keeps_what_was_typed(client, built):
    client.force_login(built.officer)
    response = client.post(reverse("actionplans:dissemination-add",
                                   args=[built.plan.case.reference]),
                           {"what": "Kept text (fictional)", "audience": ""})
    html = response.content.decode()
    assert "Select how the learning is shared" in html
    assert "Enter who the learning is shared with" in html
    assert "Kept text (fictional)" in html
    assert not Dissemination.objects.exists()


def test_agency_leads_give_feedback_for_their_own_agency_only(client, built):
    dissemination = _shared(built)
    ref = built.plan.case.reference
    url = reverse("actionplans:dissemination-feedback", args=[ref, dissemination.pk])
    client.force_login(built.police.user)
    page = client.get(reverse("actionplans:dissemination", args=[ref])).content.decode()
    assert url in page
    assert reverse("actionplans:dissemination-add", args=[ref]) not in page
    # The lead is not asked which agency: another agency's, posted, is not taken.
    response = client.post(url, {"agency": built.school.agency.pk,
                                 "text": "Officers found it useful (fictional)"})
    assert response.status_code == 302
    feedback = DisseminationFeedback.objects.get()
    assert feedback.agency == built.police.agency and feedback.given_by == built.police.user
    with pytest.raises(CaseError):
        services.dissemination_feedback_give(actor=built.police.user,
                                             dissemination=dissemination,
                                             agency=built.school.agency, text="Not mine")


def test_the_business_unit_sees_all_feedback_and_an_agency_only_its_own(client, built):
    dissemination = _shared(built)
    for who, text in ((built.police, "Police feedback (fictional)"),
                      (built.school, "School feedback (fictional)")):
        services.dissemination_feedback_give(actor=who.user, dissemination=dissemination,
                                             agency=who.agency, text=text)
    url = reverse("actionplans:dissemination", args=[built.plan.case.reference])
    client.force_login(built.officer)
    page = client.get(url).content.decode()
    assert "Police feedback (fictional)" in page and "School feedback (fictional)" in page
    client.force_login(built.school.user)
    page = client.get(url).content.decode()
    assert "School feedback (fictional)" in page
    assert "Police feedback (fictional)" not in page


def test_no_feedback_before_the_learning_is_shared(client, built):
    planned = services.dissemination_add(
        actor=built.officer, plan=built.plan, what="Event", method="learning_event",
        audience="All", planned_on=timezone.localdate())
    client.force_login(built.police.user)
    assert client.get(reverse("actionplans:dissemination-feedback",
                              args=[built.plan.case.reference, planned.pk])).status_code == 404
    with pytest.raises(CaseError):
        services.dissemination_feedback_give(actor=built.police.user, dissemination=planned,
                                             agency=built.police.agency, text="Too soon")


def test_agency_users_cannot_add_or_record_and_others_get_404(client, built, other_partnership):
    dissemination = _shared(built)
    ref = built.plan.case.reference
    client.force_login(built.police.user)
    assert client.get(reverse("actionplans:dissemination-add", args=[ref])).status_code == 404
    assert client.get(reverse("actionplans:dissemination-done",
                              args=[ref, dissemination.pk])).status_code == 404
    outsider = MembershipFactory(partnership=other_partnership, role=Role.AGENCY_USER).user
    client.force_login(outsider)
    for name, args in (("dissemination", [ref]),
                       ("dissemination-feedback", [ref, dissemination.pk])):
        assert client.get(reverse(f"actionplans:{name}", args=args)).status_code == 404


def test_the_learning_page_is_bounded(client, built, django_assert_max_num_queries):
    for _ in range(5):
        dissemination = _shared(built)
        services.dissemination_feedback_give(actor=built.police.user,
                                             dissemination=dissemination,
                                             agency=built.police.agency, text="Fictional")
    url = reverse("actionplans:dissemination", args=[built.plan.case.reference])
    for user in (built.officer, built.police.user):
        client.force_login(user)
        with django_assert_max_num_queries(15):
            response = client.get(url)
        assert response.content.decode().count("Fictional") == 5
