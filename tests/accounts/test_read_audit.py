"""Every read of a child's record is audited, and every refusal (accounts/read_audit.py).

The walk takes the role matrix's pages and objects (test_authorisation.py) and, for every
page that shows a child's data, GETs it as a role allowed it and as a role refused it.
"""

import pytest
from django.urls import resolve, reverse
from django.utils.crypto import salted_hmac

from accounts.models import AuditEvent, Role
from accounts.read_audit import NO_CHILD_DATA
from cases.models import Case, Challenge, Referral
from dashboards.audit import describe
from rapid_review.models import InformationRequest
from tests.accounts.test_authorisation import (  # noqa: F401 - url_for: its fixture
    MATRIX,
    PUBLIC,
    _named_patterns,
    _named_urls,
    url_for,
)
from tests.cases.builders import agency_user, complete_draft
from tests.cases.factories import referred_case

pytestmark = pytest.mark.django_db

READS = {AuditEvent.Action.VIEW, AuditEvent.Action.DOWNLOAD}
CHILD_PAGES = sorted(set(MATRIX) - NO_CHILD_DATA)
# Who GETs each page: the first of these the matrix allows, and the first it refuses.
ALLOWED_FIRST = [Role.BUSINESS_MANAGER, Role.AGENCY_USER, Role.REVIEWER,
                 Role.PARTNER_REPRESENTATIVE]
REFUSED_FIRST = [Role.AGENCY_USER, Role.BUSINESS_MANAGER, Role.REVIEWER]
# The agency's pages under information-requests/<pk>/, which name the request, not the case.
REQUEST_PAGES = {"return", "return-section", "return-nil", "return-attachments",
                 "return-submit", "return-attachment", "return-chronology",
                 "chronology-entry-add", "chronology-entry-edit", "chronology-entry-remove",
                 "chronology-upload", "chronology-upload-status"}


def test_the_pages_said_to_show_no_child_data_exist_and_show_none():
    """A renamed page must not leave its old name here (and so its new one unaudited)."""
    assert set(_named_urls()) >= NO_CHILD_DATA
    # Every case page is audited: nothing reviewed as "no child data" is about a case.
    assert not {name for name in NO_CHILD_DATA if "reference" in _kwargs_of(name)}
    assert PUBLIC <= NO_CHILD_DATA


def _kwargs_of(name: str) -> set[str]:
    return set(dict(_named_patterns())[name])


def _case_named_by(url: str) -> int | None:
    """The case a page's URL names, worked out here without the read audit's finders."""
    match = resolve(url)
    kwargs, name = match.kwargs, match.url_name
    if "reference" in kwargs:
        return Case.objects.get(reference=kwargs["reference"]).pk
    if "key" in kwargs:
        return Referral.objects.get(draft_key=kwargs["key"]).case_id
    if match.namespace == "rapid_review" and name in REQUEST_PAGES:
        return InformationRequest.objects.get(pk=kwargs["pk"]).review.case_id
    if match.view_name == "cases:challenge-resolve":
        return Challenge.objects.get(pk=kwargs["pk"]).decision.case_id
    return None  # a list


def _names_case(event: AuditEvent, case_id: int) -> bool:
    return ((event.object_type == "cases.case" and event.object_id == str(case_id))
            or event.detail.get("case") == case_id)


def _read_or_refused(**filters):
    """What a person read or was refused (signing in is audited too)."""
    return AuditEvent.objects.filter(action__in=READS | {AuditEvent.Action.REFUSED}, **filters)


def _who(roles: set, order: list, *, allowed: bool):
    return next((r for r in order if (r in roles) == allowed), None)


@pytest.mark.slow
def test_every_page_showing_a_child_is_audited_when_read_and_when_refused(
        client, make_user, url_for, partnership):  # noqa: F811
    users = {Role.BUSINESS_MANAGER: make_user(Role.BUSINESS_MANAGER),
             Role.AGENCY_USER: url_for.referrer, Role.REVIEWER: url_for.reviewer,
             Role.PARTNER_REPRESENTATIVE: make_user(Role.PARTNER_REPRESENTATIVE)}
    visits = []  # (role, page, allowed)
    for name in CHILD_PAGES:
        visits.append((_who(MATRIX[name], ALLOWED_FIRST, allowed=True), name, True))
        visits.append((_who(MATRIX[name], REFUSED_FIRST, allowed=False), name, False))
    visits.sort(key=lambda v: ALLOWED_FIRST.index(v[0]))  # one sign-in per person
    signed_in = None
    for role, name, allowed in visits:
        user = users[role]
        if user != signed_in:
            client.force_login(user)
            signed_in = user
        url = url_for(name)
        case_id = _case_named_by(url)
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.get(url)
        assert response.status_code == (200 if allowed else 404), (role, name)
        events = list(AuditEvent.objects.filter(id__gt=last, actor=user))
        if allowed:
            reads = [e for e in events if e.action in READS]
            assert len(reads) == 1, (role, name, reads)
            event = reads[0]
            if case_id is None:  # a list (the overdue dashboards name their own page)
                assert event.detail["page"], name
                assert event.partnership_id == partnership.pk, name
            else:
                assert _names_case(event, case_id), (name, event.object_type, event.detail)
                assert event.partnership_id == partnership.pk, name
        else:
            assert not [e for e in events if e.action in READS], (role, name)
            (event,) = [e for e in events if e.action == AuditEvent.Action.REFUSED]
            assert event.detail["path"] == url, name
            if case_id is not None:
                assert (event.object_type, event.object_id) == ("cases.case", str(case_id)), name
        assert event.request_id == response["X-Request-ID"], name
        assert event.ip_address == "127.0.0.1", name


def test_a_search_of_the_case_list_is_audited_once_with_no_name_in_it(
        client, make_user, partnership):
    manager = make_user(Role.BUSINESS_MANAGER)
    client.force_login(manager)
    response = client.get(reverse("cases:case-list"),
                          {"search": "Jane Example", "stage": "triage", "page": "2"})
    assert response.status_code == 200
    (event,) = _read_or_refused(actor=manager)
    assert event.action == AuditEvent.Action.VIEW
    assert (event.object_type, event.partnership_id) == ("", partnership.pk)
    assert event.detail["page"] == "cases:case-list"
    searched = event.detail["searched"]
    assert searched["page"] == "2"
    # An investigator who knows the name finds the search; the trail holds no name.
    digest = salted_hmac("accounts.read_audit.search", "jane example",
                         algorithm="sha256").hexdigest()[:32]
    assert searched["search"] == f"digest:{digest}"
    assert "jane" not in str(event.detail).lower()
    # The same words typed another way are the same search.
    client.get(reverse("cases:case-list"), {"search": "  JANE example "})
    assert _read_or_refused(actor=manager).first().detail["searched"]["search"] == \
        searched["search"]


def test_a_page_whose_view_audits_itself_is_audited_once(client, make_user, partnership):
    case = referred_case(partnership, agency_user(partnership))
    manager = make_user(Role.BUSINESS_MANAGER)
    client.force_login(manager)
    assert client.get(reverse("cases:case-detail", args=[case.reference])).status_code == 200
    (event,) = _read_or_refused(actor=manager)
    assert (event.action, event.object_type, event.object_id) == (
        AuditEvent.Action.VIEW, "cases.case", str(case.pk))


def test_a_draft_page_names_the_draft_and_its_partnership(client, partnership):
    """The drafts' pages did not audit themselves: the read audit finds the case by key."""
    referrer = agency_user(partnership)
    draft = complete_draft(partnership, referrer)
    client.force_login(referrer)
    url = reverse("cases:referral-children", kwargs={"key": draft.draft_key})
    assert client.get(url).status_code == 200
    (event,) = _read_or_refused(actor=referrer)
    assert (event.action, event.object_type, event.object_id, event.partnership_id) == (
        AuditEvent.Action.VIEW, "cases.case", str(draft.case_id), partnership.pk)
    assert event.detail == {"page": "cases:referral-children", "path": url}


def test_a_case_of_another_partnership_is_refused_in_that_partnerships_trail(
        client, make_user, partnership, other_partnership):
    theirs = referred_case(other_partnership, agency_user(other_partnership))
    prober = make_user(Role.BUSINESS_MANAGER)
    client.force_login(prober)
    url = reverse("cases:case-detail", args=[theirs.reference])
    assert client.get(url).status_code == 404
    (event,) = _read_or_refused(actor=prober)
    assert event.action == AuditEvent.Action.REFUSED
    assert (event.object_type, event.object_id) == ("cases.case", str(theirs.pk))
    assert event.partnership_id == other_partnership.pk
    assert event.detail == {"page": "cases:case-detail", "path": url, "method": "GET"}
    # POSTing to it is probing too.
    client.post(reverse("rapid_review:terms-agree", args=[theirs.reference]))
    assert _read_or_refused(actor=prober, action="refused").first().detail[
        "method"] == "POST"


def test_a_record_that_does_not_exist_is_refused_in_the_persons_own_trail(
        client, make_user, partnership):
    prober = make_user(Role.BUSINESS_MANAGER)
    client.force_login(prober)
    url = reverse("cases:case-detail", args=["ALPHA-2026-999"])
    assert client.get(url).status_code == 404
    (event,) = _read_or_refused(actor=prober)
    assert (event.action, event.object_type, event.object_id) == ("refused", "", "")
    assert event.partnership_id == partnership.pk
    assert event.detail["path"] == url
    # A path that is no page at all (a browser's /favicon.ico) is not recorded.
    assert client.get("/favicon.ico").status_code == 404
    assert _read_or_refused(actor=prober).count() == 1


def test_the_address_is_the_connections_not_a_header_anyone_can_send(
        client, make_user, partnership):
    case = referred_case(partnership, agency_user(partnership))
    manager = make_user(Role.BUSINESS_MANAGER)
    client.force_login(manager)
    response = client.get(reverse("cases:case-detail", args=[case.reference]),
                          REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1",
                          HTTP_X_REQUEST_ID="chosen-by-the-client")
    assert response.status_code == 200
    (event,) = _read_or_refused(actor=manager)
    assert event.ip_address == "203.0.113.7"
    assert event.request_id == response["X-Request-ID"] != "chosen-by-the-client"


def test_nothing_is_recorded_for_someone_not_signed_in(client, partnership):
    case = referred_case(partnership, agency_user(partnership))
    assert client.get(reverse("cases:case-detail", args=[case.reference])).status_code == 302
    assert client.get(reverse("cases:case-detail", args=["NONE-2026-001"])).status_code == 302
    assert not _read_or_refused().exists()


def test_the_trail_says_what_was_refused_and_which_list_was_read(
        client, make_user, partnership):
    case = referred_case(partnership, agency_user(partnership))
    agency = agency_user(partnership)
    client.force_login(agency)
    client.get(reverse("cases:case-detail", args=[case.reference]))
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    client.get(reverse("cases:referral-inbox"))
    lines = [line.what for line in describe(list(_read_or_refused().order_by("id")))]
    assert lines == [f"Refused access to case {case.reference}", "Viewed the referral inbox"]
