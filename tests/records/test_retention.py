"""Retention (checklist item 28, as issue 15 narrows it): rules per record type, a nightly
sweep that flags cases past retention for review and never deletes, legal hold, and the
page where the business manager decides."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from calendars.models import SweepRun
from cases.models import Case, Pathway, Stage
from cases.services import case_create
from dashboards.audit import describe
from records import services
from records.models import CaseRetention, RetentionDecision, RetentionRule
from records.tasks import retention_sweep

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 6)


def _closed(partnership, *, years_ago: float, pathway=Pathway.RAPID_REVIEW,
            stage=Stage.CLOSED) -> Case:
    case = case_create(actor=None, partnership=partnership, stage=stage)
    closed = timezone.now() - datetime.timedelta(days=round(365.25 * years_ago))
    Case.objects.filter(pk=case.pk).update(pathway=pathway, stage_changed_at=closed)
    return case


def _flags(case) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk),
                                          detail__retention="flagged_for_review"))


def test_the_rules_are_edited_on_a_question_page_with_errors_next_to_the_field(
        client, make_user, partnership):
    client.force_login(make_user(Role.ADMINISTRATOR))
    url = reverse("records:retention-rules")
    page = client.get(url)
    assert page.status_code == 200
    assert b"Default 40 years" in page.content and b"Default 6 years" in page.content
    response = client.post(url, {"reviewed_case": "0", "no_further_action": "six",
                                 "audit_trail": "40"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"reviewed_case": ["Enter a whole number of years from 1 to 100"],
                           "no_further_action": ["Enter a whole number of years"]}
    assert b"govuk-error-summary" in response.content and b"six" in response.content
    assert not RetentionRule.objects.exists()
    response = client.post(url, {"reviewed_case": "50", "no_further_action": "6",
                                 "audit_trail": "40"})
    assert response.status_code == 302
    (rule,) = RetentionRule.objects.all()  # only what differs from the default is stored
    assert (rule.record_type, rule.years) == ("reviewed_case", 50)
    assert AuditEvent.objects.filter(object_type="accounts.partnership",
                                     detail__retention_rules={"reviewed_case": 50}).exists()


def test_the_sweep_flags_a_case_past_retention_once_and_never_one_on_legal_hold(
        partnership, other_partnership, make_user):
    manager = make_user(Role.BUSINESS_MANAGER)
    old = _closed(partnership, years_ago=41)
    young = _closed(partnership, years_ago=39)
    not_taken_forward = _closed(partnership, years_ago=7, stage=Stage.NO_FURTHER_ACTION,
                                pathway=Pathway.NO_FURTHER_ACTION)
    held = _closed(partnership, years_ago=50)
    services.legal_hold_place(actor=manager, case=held, reason="Civil claim under way")
    open_case = case_create(actor=None, partnership=partnership)
    Case.objects.filter(pk=open_case.pk).update(
        stage_changed_at=timezone.now() - datetime.timedelta(days=365 * 60))
    # Another partnership keeps reviewed cases for 45 years: its 41-year-old case waits.
    RetentionRule.objects.create(partnership=other_partnership, record_type="reviewed_case",
                                 years=45, changed_by=manager)
    theirs = _closed(other_partnership, years_ago=41)

    assert retention_sweep.apply().get() == {"flagged": 2}
    assert retention_sweep.apply().get() == {"flagged": 0}  # twice: flagged once

    flagged = set(CaseRetention.objects.filter(flagged_on__isnull=False)
                  .values_list("case_id", flat=True))
    assert flagged == {old.pk, not_taken_forward.pk}
    assert len(_flags(old)) == 1 and _flags(old)[0].partnership_id == partnership.pk
    assert _flags(old)[0].detail == {"retention": "flagged_for_review",
                                     "rule": "reviewed_case", "years": 40}
    assert describe(_flags(old))[0].what == f"Flagged for retention review case {old.reference}"
    assert not _flags(held) and not _flags(young) and not _flags(theirs)
    assert Case.objects.filter(pk__in=[old.pk, held.pk, young.pk]).count() == 3  # never deleted
    run = SweepRun.objects.get(kind=SweepRun.Kind.RETENTION_REVIEW)
    assert run.planned == 2


def test_keeping_releasing_and_reviewing_are_audited_with_their_reason(partnership, make_user):
    manager = make_user(Role.BUSINESS_MANAGER)
    case = _closed(partnership, years_ago=41)
    services.retention_sweep(today=TODAY)
    first = services.retention_keep(actor=manager, case=case, years=5, reason="Inquest pending",
                                    today=TODAY)
    again = services.retention_keep(actor=manager, case=case, years=5,  # a double click
                                    reason="Inquest pending", today=TODAY)
    assert again == first and case.retention_decisions.count() == 1
    retention = CaseRetention.objects.get(case=case)
    assert retention.flagged_on is None and retention.keep_until == datetime.date(2031, 12, 6)
    assert services.retention_sweep(today=TODAY) == 0  # kept: not flagged before 2031
    assert services.retention_sweep(today=datetime.date(2031, 12, 6)) == 1
    services.legal_hold_place(actor=manager, case=case, reason="Litigation")
    assert CaseRetention.objects.get(case=case).flagged_on is None  # held: off the list
    services.legal_hold_release(actor=manager, case=case, reason="Claim settled")
    assert services.retention_sweep(today=datetime.date(2031, 12, 7)) == 1
    services.retention_mark_reviewed(actor=manager, case=case,
                                     reason="Destroyed under the disposal procedure")
    assert services.retention_sweep(today=datetime.date(2032, 1, 1)) == 0  # reviewed: done
    kinds = list(RetentionDecision.objects.filter(case=case).order_by("id")
                 .values_list("kind", flat=True))
    assert kinds == ["keep", "hold", "release", "reviewed"]
    audited = AuditEvent.objects.filter(object_id=str(case.pk), actor=manager,
                                        detail__has_key="retention")
    assert sorted(audited.values_list("detail__retention", flat=True)) == sorted(kinds)
    assert not audited.filter(detail__icontains="Litigation").exists()  # reasons stay out


def test_the_review_page_lists_the_flagged_cases_in_bounded_queries(
        client, make_user, partnership, django_assert_max_num_queries):
    manager = make_user(Role.BUSINESS_MANAGER)
    cases = [_closed(partnership, years_ago=41 + n) for n in range(60)]
    held = _closed(partnership, years_ago=41)
    services.legal_hold_place(actor=manager, case=held, reason="Police investigation")
    services.retention_sweep()
    client.force_login(manager)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("records:review"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 60
    assert len(response.context["page"].object_list) == 50
    body = response.content.decode()
    assert cases[-1].reference in body  # the longest closed first
    assert held.reference in body.split('id="holds"')[1]
    with django_assert_max_num_queries(15):
        assert client.get(reverse("records:review"), {"page": 2}).status_code == 200
    with django_assert_max_num_queries(15):  # the business manager's home: ten and a count
        home = client.get(reverse("dashboards:home"))
    assert home.context["queues"]["records"].total == 60
    assert cases[-1].reference in home.content.decode().split('id="records-to-review"')[1]


def test_the_decision_page_keeps_a_case_with_errors_next_to_the_fields(
        client, make_user, partnership):
    manager = make_user(Role.BUSINESS_MANAGER)
    case = _closed(partnership, years_ago=41)
    services.retention_sweep()
    client.force_login(manager)
    url = reverse("records:case-retention", args=[case.reference])
    response = client.post(url, {"decision": "keep", "years": "", "reason": ""})
    assert response.context["form"].errors == {
        "years": ["Enter for how many more years to keep it"], "reason": ["Enter the reason"]}
    response = client.post(url, {"decision": "hold", "reason": "Solicitor's letter"})
    assert response.status_code == 302
    page = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    assert "On legal hold" in page.split('id="legal-hold"')[1].split("</div>")[0]
    assert client.get(reverse("records:review")).context["page"].paginator.count == 0


def test_another_partnerships_case_is_404_and_changes_nothing(
        client, make_user, partnership, other_partnership):
    theirs = _closed(other_partnership, years_ago=41)
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    url = reverse("records:case-retention", args=[theirs.reference])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "hold", "reason": "Probe"}).status_code == 404
    assert not CaseRetention.objects.exists()


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_on_a_real_worker_flag_each_case_once(celery_worker, partnership):
    queue, _mail = celery_worker
    cases = [_closed(partnership, years_ago=41) for _ in range(5)]
    runs = [retention_sweep.apply_async(queue=queue) for _ in range(2)]
    results = [run.get(timeout=120) for run in runs]
    assert sum(r["flagged"] for r in results) == 5
    for case in cases:
        assert len(_flags(case)) == 1
    assert SweepRun.objects.filter(kind=SweepRun.Kind.RETENTION_REVIEW).count() == 1
