"""Terms of reference (seed 002 Appendix E): set by the business unit, agreed by each of
the three partners for one version, read by the review group."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role, StatutoryPartner
from cases.models import CaseDocument, Person
from rapid_review.models import TermsAgreement, TermsMember, TermsOfReference
from rapid_review.services import (
    terms_agree,
    terms_defaults,
    terms_member_add,
    terms_save,
)
from tests.notifications.builders import notified_case, partner_representatives
from tests.readback import docx_text, pdf_text

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)
d = datetime.date.fromisoformat


def _date(prefix: str, value: str) -> dict:
    year, month, day = value.split("-")
    return {f"{prefix}_0": day, f"{prefix}_1": month, f"{prefix}_2": year}


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def case(partnership, officer):
    with time_machine.travel(TODAY):
        case = notified_case(partnership, officer)
    Person.objects.create(case=case, relationship="parent", full_name="Parentname Fictional")
    return case


@pytest.fixture
def partners(partnership):
    return partner_representatives(partnership)


def _save(officer, case, **overrides):
    values = dict(children=list(case.children.all()), people=list(case.people.all()),
                  scope_from=d("2025-11-01"), scope_to=d("2026-11-20"),
                  earlier_history="Earlier referral in 2023 (fictional)",
                  other_contributors="School nurse service", meeting_dates=[d("2026-12-03")],
                  returns_due_on=d("2026-11-27"))
    values.update(overrides)
    return terms_save(actor=officer, review=case.rapid_review, **values)


def _form(case, **overrides):
    data = {"children": [c.pk for c in case.children.all()],
            "people": [p.pk for p in case.people.all()],
            **_date("scope_from", "2025-11-01"), **_date("scope_to", "2026-11-20"),
            "earlier_history": "Earlier referral in 2023 (fictional)",
            "other_contributors": "School nurse service",
            **_date("meeting_date_1", "2026-12-03"), **_date("meeting_date_2", "2026-12-04"),
            **_date("returns_due_on", "2026-11-27")}
    data.update(overrides)
    return data


@time_machine.travel(TODAY)
def test_defaults_come_from_the_notification_and_the_procedure(case):
    defaults = terms_defaults(case.rapid_review)
    assert defaults["children"] == list(case.panel_notification.children.all())
    # Notified on Wednesday 18 November: requests on day 2, returns 5 working days later.
    assert defaults["returns_due_on"] == d("2026-11-27")


@time_machine.travel(TODAY)
def test_the_edit_page_is_prefilled_then_saves_version_1(client, officer, case):
    client.force_login(officer)
    url = reverse("rapid_review:terms-edit", args=[case.reference])
    html = client.get(url).content.decode()
    child = case.children.get()
    assert f'value="{child.pk}"' in html and 'checked' in html
    assert 'name="returns_due_on_0" value="27"' in html
    assert "Parentname Fictional (parent)" in html

    response = client.post(url, _form(case))
    assert response.status_code == 302
    terms = TermsOfReference.objects.get(review=case.rapid_review)
    assert terms.version == 1
    assert terms.meeting_dates == ["2026-12-03", "2026-12-04"]
    assert list(terms.people.all()) == list(case.people.all())
    page = client.get(response.url).content.decode()
    assert "Version 1" in page and "School nurse service" in page
    assert "Waiting for the local authority, the police and the integrated care board" in page


@time_machine.travel(TODAY)
def test_scope_must_run_forwards_and_what_was_typed_is_kept(client, officer, case):
    client.force_login(officer)
    url = reverse("rapid_review:terms-edit", args=[case.reference])
    response = client.post(url, _form(case, **_date("scope_to", "2025-10-01"),
                                      other_contributors="Kept text"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "The end of the scope period must be the same as or after its start" in html
    assert "Kept text" in html and 'name="scope_to_2" value="2025"' in html
    assert not TermsOfReference.objects.exists()
    response = client.post(url, _form(case, meeting_date_1_0="", meeting_date_1_1="",
                                      meeting_date_1_2=""))
    assert "Enter the date of the first meeting" in response.content.decode()


@time_machine.travel(TODAY)
def test_every_change_is_a_new_version_and_needs_agreeing_again(officer, case, partners):
    terms = _save(officer, case)
    terms_agree(actor=partners["police"], terms=terms, version=1)
    terms = _save(officer, case, scope_from=d("2025-06-01"))
    assert terms.version == 2
    member = terms_member_add(actor=officer, terms=terms, role=TermsMember.Role.CHAIR,
                              name="Chairname Fictional")
    terms.refresh_from_db()
    assert terms.version == 3 and member.terms == terms
    with pytest.raises(ValidationError, match="changed since you opened them"):
        terms_agree(actor=partners["icb"], terms=terms, version=2)
    assert not TermsAgreement.objects.filter(version=3).exists()


@time_machine.travel(TODAY)
def test_each_partner_agrees_once_for_their_own_partner_only(client, officer, case, partners):
    terms = _save(officer, case)
    url = reverse("rapid_review:terms-agree", args=[case.reference])
    page = reverse("rapid_review:terms", args=[case.reference])
    client.force_login(partners["police"])
    assert "Agree for Police" in client.get(page).content.decode()
    # Naming another partner in the form changes nothing: the partner is the user's own.
    response = client.post(url, {"version": 1, "partner": StatutoryPartner.ICB})
    assert response.status_code == 302
    agreement = TermsAgreement.objects.get()
    assert agreement.partner == StatutoryPartner.POLICE and agreement.version == 1
    html = client.get(page).content.decode()
    assert "You have agreed version 1 for the police" in html and "Agree for Police" not in html

    response = client.post(url, {"version": 1})
    assert response.status_code == 400
    assert "The police has already agreed version 1" in response.content.decode()
    assert TermsAgreement.objects.count() == 1

    client.force_login(officer)  # the business unit cannot agree for anyone
    assert client.post(url, {"version": 1}).status_code == 404
    assert terms.agreements.count() == 1


@time_machine.travel(TODAY)
def test_the_page_says_agreed_by_all_three_partners(client, officer, case, partners):
    _save(officer, case)
    page = reverse("rapid_review:terms", args=[case.reference])
    for user in partners.values():
        client.force_login(user)
        assert "Agreed by all three partners" not in client.get(page).content.decode()
        client.post(reverse("rapid_review:terms-agree", args=[case.reference]), {"version": 1})
    assert "Agreed by all three partners" in client.get(page).content.decode()
    _save(officer, case, returns_due_on=d("2026-11-30"))
    html = client.get(page).content.decode()
    assert "Agreed by all three partners" not in html and "Version 2" in html


@time_machine.travel(TODAY)
def test_the_document_has_the_appendix_e_headings_and_the_record(
        officer, case, partners, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # stored once each change commits
        terms = _save(officer, case)
        terms_agree(actor=partners["local_authority"], terms=terms, version=1)
    document = CaseDocument.objects.filter(case=case, kind="terms_of_reference",
                                           related_key="").order_by("-version").first()
    text = pdf_text(document.pdf)
    for heading in ("Terms of Reference for the Rapid Review", "Background", "Purpose",
                    "Child and other significant others in scope", "Scope Period",
                    "Contributors", "Methodology", "Reporting", "Membership", "Assumptions",
                    "Changes to the Terms of Reference", "Approval"):
        assert heading in text, heading
    for fact in ("Testchild Example", "Parentname Fictional", "1 November 2025",
                 "20 November 2026", "27 November 2026", "3 December 2026",
                 "School nurse service", "Agreed for the Local authority"):
        assert fact in text, fact
        assert fact in docx_text(document.docx), fact


@time_machine.travel(TODAY)
def test_partner_representatives_read_but_do_not_edit(client, officer, case, partners,
                                                      make_user, django_assert_max_num_queries,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        terms = _save(officer, case)
        terms_agree(actor=partners["police"], terms=terms, version=1)
    client.force_login(partners["icb"])
    page = reverse("rapid_review:terms", args=[case.reference])
    client.get(page)  # the session's first page reads what later ones do not
    # Children, people, an agreement, the document, and the ICB still to agree.
    with django_assert_max_num_queries(15):
        html = client.get(page).content.decode()
    assert "Agree for " in html
    assert "Change the terms of reference" not in html and "Remove" not in html
    document = CaseDocument.objects.get(case=case, kind="terms_of_reference")
    download = reverse("cases:document-download", args=[case.reference, document.pk, "pdf"])
    assert download in html
    assert client.get(download).status_code == 200
    member = terms_member_add(actor=officer, terms=terms, role="chair", name="Chair Person")
    for url in (reverse("rapid_review:terms-edit", args=[case.reference]),
                reverse("rapid_review:terms-member-add", args=[case.reference]),
                reverse("rapid_review:terms-member-remove", args=[case.reference, member.pk]),
                reverse("cases:case-detail", args=[case.reference])):
        assert client.get(url).status_code == 404, url
    # The overview they read, as the review group (issue 11).
    assert client.get(reverse("rapid_review:overview", args=[case.reference])).status_code \
        == 200
    client.force_login(make_user(Role.AGENCY_USER))
    assert client.get(reverse("rapid_review:terms", args=[case.reference])).status_code == 404


@time_machine.travel(TODAY)
def test_members_are_added_and_removed_on_their_pages(client, officer, case):
    _save(officer, case)
    client.force_login(officer)
    add = reverse("rapid_review:terms-member-add", args=[case.reference])
    response = client.post(add, {"role": "", "name": "", "organisation": "Keep me"})
    html = response.content.decode()
    assert "Select the member&#x27;s role" in html and 'value="Keep me"' in html
    response = client.post(add, {"role": "legal_adviser", "name": "Legalname Fictional",
                                 "organisation": "Alphashire Council Legal"})
    assert response.status_code == 302
    member = TermsMember.objects.get()
    page = client.get(response.url).content.decode()
    assert "Legal adviser" in page and "Legalname Fictional" in page and "Version 2" in page
    remove = reverse("rapid_review:terms-member-remove", args=[case.reference, member.pk])
    assert "Are you sure you want to remove Legalname Fictional" in client.get(
        remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not TermsMember.objects.exists()
    assert TermsOfReference.objects.get().version == 3


@time_machine.travel(TODAY)
def test_another_partnerships_partner_cannot_see_or_agree(client, officer, case,
                                                          other_partnership):
    _save(officer, case)
    outsider = partner_representatives(other_partnership)["police"]
    client.force_login(outsider)
    assert client.get(reverse("rapid_review:terms", args=[case.reference])).status_code == 404
    assert client.post(reverse("rapid_review:terms-agree", args=[case.reference]),
                       {"version": 1}).status_code == 404
    assert reverse("rapid_review:terms", args=[case.reference]) not in client.get(
        reverse("rapid_review:papers")).content.decode()


@time_machine.travel(TODAY)
def test_the_papers_page_lists_reviews_in_bounded_queries(
        client, officer, partnership, partners, django_assert_max_num_queries,
        django_capture_on_commit_callbacks):
    cases = [notified_case(partnership, officer, plan=(n == 0)) for n in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        _save(officer, cases[0])
    client.force_login(partners["police"])
    url = reverse("rapid_review:papers")
    with django_assert_max_num_queries(12) as few:
        html = client.get(url).content.decode()
    for c in cases:
        assert c.reference in html
    assert "Working day 5 of 15" in html
    assert "Rapid review terms of reference (PDF, version 1)" in html
    for c in [notified_case(partnership, officer, plan=False) for _ in range(3)]:
        with django_capture_on_commit_callbacks(execute=True):
            _save(officer, c)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("Rapid review terms of reference (PDF") == 4
    nav = client.get(reverse("dashboards:home")).context["navigation"]
    assert "Rapid reviews" in [item.label for item in nav]
