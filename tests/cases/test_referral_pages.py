"""The agency user's referral pages: start, sections, check and submit, follow, answer."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AuditEvent, Role
from cases import services
from cases.models import Case, Child, Incident, Involvement, Person, Referral, Stage
from tests.factories import AgencyFactory, MembershipFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)
NOW = time_machine.travel(TODAY)


def _date(prefix: str, value: str) -> dict:
    year, month, day = value.split("-") if value else ("", "", "")
    return {f"{prefix}_0": day, f"{prefix}_1": month, f"{prefix}_2": year}


def _child(**extra) -> dict:
    data = {"full_name": "Testchild Example", **_date("date_of_birth", "2019-03-04"),
            **_date("date_of_death", ""), "gender": "female", "ethnicity": "White British",
            "disability": "", "address": "1 Test Street", "nhs_number": "943 476 5919",
            "education_provision": "Test Primary School", "legal_status": "none",
            **_date("protection_plan_start", ""), "protection_plan_category": "",
            "other_services": ""}
    data.update(extra)
    return data


def _incident(**extra) -> dict:
    data = {**_date("occurred_on", "2026-11-20"), "occurred_time": "14:30",
            "place": "The family home", "in_partnership_area": "yes",
            "description": "Fictional test incident", "immediate_actions": "Sibling placed safely",
            "harm": "serious_harm", "concern": "neglect", "certainty": "suspected",
            "characteristics": ["neglect_recent"], "characteristics_other": "",
            "looked_after_child_death": "no", "media_interest": "no"}
    data.update(extra)
    return data


@pytest.fixture
def agency(partnership):
    return AgencyFactory(partnerships=[partnership], name="Alphashire Community Health")


@pytest.fixture
def referrer(partnership, agency):
    return MembershipFactory(partnership=partnership, role=Role.AGENCY_USER, agency=agency).user


@pytest.fixture
def colleague(partnership, agency):
    """Another user of the same agency."""
    return MembershipFactory(partnership=partnership, role=Role.AGENCY_USER, agency=agency).user


@pytest.fixture
def outsider(partnership):
    """A user of another agency of the same partnership."""
    return MembershipFactory(partnership=partnership, role=Role.AGENCY_USER,
                             agency=AgencyFactory(partnerships=[partnership])).user


@pytest.fixture
def draft(partnership, agency, referrer):
    return services.referral_start(actor=referrer, agency=agency, partnership=partnership)


def _complete(referral: Referral) -> Referral:
    user = referral.referrer
    services.child_save(actor=user, referral=referral, full_name="Testchild Example",
                        date_of_birth=datetime.date(2019, 3, 4), gender="female")
    services.incident_save(
        actor=user, referral=referral, occurred_on=datetime.date(2026, 11, 20),
        place="Home", description="Fictional", immediate_actions="Sibling safe",
        harm=Incident.Harm.SERIOUS_HARM, concern=Incident.Concern.NEGLECT,
        certainty=Incident.Certainty.SUSPECTED)
    services.referral_update(actor=user, referral=referral,
                             request_type=Referral.RequestType.PARTNER_NOTIFICATION,
                             reason="Serious harm, neglect suspected",
                             lead_officer_name="Sam Lead", lead_officer_role="Named nurse")
    return referral


@pytest.fixture
def submitted(draft):
    with NOW:
        _complete(draft)
        services.referral_submit(actor=draft.referrer, referral=draft)
    draft.refresh_from_db()
    return draft


def url(name: str, referral: Referral, **kwargs) -> str:
    return reverse(name, kwargs={"key": referral.draft_key, **kwargs})


# --- Start ------------------------------------------------------------------------------

def test_start_now_opens_a_draft_for_the_users_agency(client, referrer, agency, partnership):
    client.force_login(referrer)
    page = client.get(reverse("cases:referral-start")).content.decode()
    assert "Start now" in page and "not available yet" not in page
    response = client.post(reverse("cases:referral-start"))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == url("cases:referral-tasklist", referral)
    assert (referral.referrer, referral.referring_agency) == (referrer, agency)
    assert referral.case.stage == Stage.DRAFT and referral.case.partnership == partnership


def test_someone_acting_for_two_agencies_would_choose_one(agency, partnership):
    """A membership holds one agency per partnership today; the start form is ready for
    more (it then asks which agency refers)."""
    from accounts.models import Agency
    from cases.forms.referral import StartReferralForm

    second = AgencyFactory(partnerships=[partnership], name="Alphashire Police")
    both = Agency.objects.filter(pk__in=[agency.pk, second.pk])
    form = StartReferralForm({}, agencies=both)
    assert not form.is_valid()
    assert form.errors["agency"] == ["Select the agency you are referring for"]
    stranger = AgencyFactory(partnerships=[partnership])
    assert StartReferralForm({"agency": stranger.pk}, agencies=both).errors["agency"] == [
        "Select one of your agencies"]
    form = StartReferralForm({"agency": second.pk}, agencies=both)
    assert form.is_valid() and form.chosen_agency() == second
    only = StartReferralForm({}, agencies=Agency.objects.filter(pk=agency.pk))
    assert "agency" not in only.fields and only.is_valid() and only.chosen_agency() == agency


@pytest.mark.parametrize("role", [r for r in Role if r != Role.AGENCY_USER])
def test_only_agency_users_refer_and_follow_referrals(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("cases:referral-start")).status_code == 404
    assert client.post(reverse("cases:referral-start")).status_code == 404
    assert client.get(reverse("cases:my-referrals")).status_code == 404
    assert not Referral.objects.exists()


# --- Task list and sections -------------------------------------------------------------

def _statuses(client, referral) -> dict:
    response = client.get(url("cases:referral-tasklist", referral))
    return {t.key: t.status for t in response.context["tasks"]}


def test_task_list_shows_each_sections_status(client, draft, referrer):
    client.force_login(referrer)
    page = client.get(url("cases:referral-tasklist", draft)).content.decode()
    assert "govuk-task-list" in page and "Check answers and submit" in page
    assert set(_statuses(client, draft).values()) == {"Not yet started"}
    with NOW:
        services.child_save(actor=referrer, referral=draft, full_name="A Child",
                            date_of_birth=datetime.date(2020, 1, 1), gender="male")
        services.incident_save(actor=referrer, referral=draft,
                               occurred_on=datetime.date(2026, 11, 20), place="Home",
                               description="x", immediate_actions="y")
        services.referral_update(actor=referrer, referral=draft,
                                 request_type=Referral.RequestType.PARTNER_NOTIFICATION,
                                 reason="Because", lead_officer_role="Named nurse")
    statuses = _statuses(client, draft)
    assert statuses == {"children": "Completed", "family": "Not yet started",
                        "professionals": "Not yet started",
                        # a partner notification needs harm and abuse or neglect answered
                        "incident": "Incomplete", "reason": "Completed",
                        "authorisation": "Incomplete"}


def test_a_child_with_a_wrong_nhs_number_is_explained_and_kept(client, draft, referrer):
    client.force_login(referrer)
    response = client.post(url("cases:referral-child-add", draft),
                           _child(nhs_number="9434765918", ethnicity="Mixed heritage"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid NHS number" in html and "Error:" in html
    assert response.context["form"].errors["nhs_number"]
    assert 'value="Testchild Example"' in html and 'value="Mixed heritage"' in html
    assert not Child.objects.exists()
    response = client.post(url("cases:referral-child-add", draft), _child())
    assert response.status_code == 302
    assert response.url == url("cases:referral-children", draft)
    assert Child.objects.get().nhs_number == "9434765919"


def test_missing_child_answers_say_what_to_do(client, draft, referrer):
    client.force_login(referrer)
    response = client.post(url("cases:referral-child-add", draft),
                           _child(full_name="", gender="", legal_status="",
                                  **_date("date_of_birth", "")))
    errors = response.context["form"].errors
    assert errors["full_name"] == ["Enter the child's full name"]
    assert errors["date_of_birth"] == ["Enter the child's date of birth"]
    assert errors["gender"] == ["Select the child's gender"]
    assert errors["legal_status"] == ["Select the child's legal status"]
    assert 'class="govuk-error-summary"' in response.content.decode()


@NOW
def test_the_services_date_rules_show_next_to_the_field(client, draft, referrer):
    client.force_login(referrer)
    add = url("cases:referral-child-add", draft)
    response = client.post(add, _child(**_date("date_of_death", "2019-03-01")))
    assert response.context["form"].errors["date_of_death"] == [
        "Date of death must be the same as or after the date of birth"]
    assert 'value="Testchild Example"' in response.content.decode()
    response = client.post(add, _child(**_date("date_of_birth", "2026-12-01")))
    assert response.context["form"].errors["date_of_birth"] == [
        "Date of birth must be today or in the past"]
    services.incident_save(actor=referrer, referral=draft,
                           occurred_on=datetime.date(2019, 1, 1), place="x",
                           description="x", immediate_actions="x")
    response = client.post(add, _child())
    assert response.context["form"].errors["date_of_birth"] == [
        "Date of birth must be before the date of the incident"]
    assert not Child.objects.exists()


@NOW
def test_child_protection_plan_asks_when_and_which_category(client, draft, referrer):
    client.force_login(referrer)
    response = client.post(url("cases:referral-child-add", draft),
                           _child(legal_status="child_protection_plan"))
    child = Child.objects.get()
    plan = url("cases:referral-child-protection-plan", draft, pk=child.pk)
    assert (response.status_code, response.url) == (302, plan)
    assert _statuses(client, draft)["children"] == "Incomplete"
    response = client.post(plan, {**_date("protection_plan_start", ""),
                                  "protection_plan_category": ""})
    errors = response.context["form"].errors
    assert errors["protection_plan_start"] == ["Enter the date the child protection plan started"]
    assert errors["protection_plan_category"] == [
        "Select the category of the child protection plan"]
    response = client.post(plan, {**_date("protection_plan_start", "2026-12-01"),
                                  "protection_plan_category": "neglect"})
    assert response.context["form"].errors["protection_plan_start"] == [
        "The date the plan started must be today or in the past"]
    response = client.post(plan, {**_date("protection_plan_start", "2026-06-01"),
                                  "protection_plan_category": "neglect"})
    assert response.url == url("cases:referral-children", draft)
    child.refresh_from_db()
    assert (child.protection_plan_start, child.protection_plan_category) == (
        datetime.date(2026, 6, 1), "neglect")
    assert _statuses(client, draft)["children"] == "Completed"
    assert "Started 1 June 2026, category: neglect" in client.get(
        url("cases:referral-children", draft)).content.decode()
    # Another status: the plan's details no longer apply, and its page is gone.
    response = client.post(url("cases:referral-child-edit", draft, pk=child.pk),
                           _child(legal_status="looked_after"))
    assert response.url == url("cases:referral-children", draft)
    child.refresh_from_db()
    assert (child.legal_status, child.protection_plan_start, child.protection_plan_category) \
        == ("looked_after", None, "")
    assert client.get(plan).status_code == 404


@NOW
def test_change_and_remove_a_child(client, draft, referrer):
    client.force_login(referrer)
    client.post(url("cases:referral-child-add", draft), _child())
    child = Child.objects.get()
    edit = url("cases:referral-child-edit", draft, pk=child.pk)
    assert 'value="Testchild Example"' in client.get(edit).content.decode()
    client.post(edit, _child(full_name="Renamed Child"))
    child.refresh_from_db()
    assert child.full_name == "Renamed Child"
    listing = client.get(url("cases:referral-children", draft)).content.decode()
    assert "Renamed Child" in listing and "Add another child" in listing
    remove = url("cases:referral-child-remove", draft, pk=child.pk)
    assert "Are you sure you want to remove Renamed Child?" in client.get(remove).content.decode()
    assert Child.objects.exists()  # asking is not removing
    response = client.post(remove)
    assert response.status_code == 302 and not Child.objects.exists()
    assert AuditEvent.objects.filter(object_type="cases.child",
                                     action=AuditEvent.Action.DELETE).exists()


@NOW
def test_family_and_network(client, draft, referrer):
    client.force_login(referrer)
    add = url("cases:referral-person-add", draft)
    response = client.post(add, {"relationship": "", "full_name": "",
                                 **_date("date_of_birth", "")})
    errors = response.context["form"].errors
    assert errors["relationship"] == ["Select the person's relationship to the child"]
    assert errors["full_name"] == ["Enter the person's full name"]
    response = client.post(add, {"relationship": "parent", "full_name": "Test Parent",
                                 **_date("date_of_birth", "2027-01-01"), "address": "",
                                 "nhs_number": "4010232137"})
    assert response.context["form"].errors["date_of_birth"] == [
        "Date of birth must be today or in the past"]
    assert 'value="Test Parent"' in response.content.decode()
    response = client.post(add, {"relationship": "parent", "full_name": "Test Parent",
                                 **_date("date_of_birth", "1990-02-03"), "address": "",
                                 "nhs_number": "4010232137"})
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.relationship, person.nhs_number) == ("parent", "4010232137")
    client.post(url("cases:referral-person-remove", draft, pk=person.pk))
    assert not Person.objects.exists()


@NOW
def test_professional_network_offers_only_the_partnerships_agencies(
        client, draft, referrer, agency, other_partnership):
    elsewhere = AgencyFactory(partnerships=[other_partnership], name="Betashire Council")
    client.force_login(referrer)
    add = url("cases:referral-involvement-add", draft)
    html = client.get(add).content.decode()
    assert agency.name in html and elsewhere.name not in html
    response = client.post(add, {"agency": elsewhere.pk, "nature": "",
                                 **_date("from_date", ""), **_date("to_date", "")})
    errors = response.context["form"].errors
    assert errors["agency"] == ["Select an agency from the list"]
    assert errors["nature"] == ["Enter what the agency did with the child or family"]
    response = client.post(add, {"agency": agency.pk, "nature": "Health visiting",
                                 **_date("from_date", "2026-05-01"),
                                 **_date("to_date", "2026-04-01")})
    assert response.context["form"].errors["to_date"] == [
        "The end date must be the same as or after the start date"]
    response = client.post(add, {"agency": agency.pk, "nature": "Health visiting",
                                 **_date("from_date", "2026-12-01"), **_date("to_date", "")})
    assert response.context["form"].errors["from_date"] == [
        "The start date must be today or in the past"]
    client.post(add, {"agency": agency.pk, "nature": "Health visiting",
                      **_date("from_date", "2026-04-01"), **_date("to_date", "")})
    assert Involvement.objects.get().agency == agency


@NOW
def test_names_typed_by_people_are_escaped_in_hints(client, draft, referrer, partnership):
    """GOV.UK's form templates show hints and labels as markup: a partnership named with
    markup is shown as text, never run."""
    partnership.name = '<script>alert("name")</script> Partnership'
    partnership.save(update_fields=["name"])
    client.force_login(referrer)
    html = client.get(url("cases:referral-incident", draft)).content.decode()
    assert '<script>alert("name")</script>' not in html
    assert "The area &lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; Partnership covers" \
        in html


@NOW
def test_the_incident_page(client, draft, referrer):
    client.force_login(referrer)
    page = url("cases:referral-incident", draft)
    response = client.post(page, _incident(place="", certainty="",
                                           characteristics=["other"], harm=""))
    errors = response.context["form"].errors
    assert errors["place"] == ["Enter where the incident happened"]
    assert errors["certainty"] == ["Select whether the abuse or neglect is known or suspected"]
    assert errors["characteristics_other"] == ["Describe the other characteristics"]
    assert errors["harm"] == ["Select whether the child died or was seriously harmed"]
    response = client.post(page, _incident(**_date("occurred_on", "2026-11-26")))
    assert response.context["form"].errors["occurred_on"] == [
        "The date of the incident must be today or in the past"]
    response = client.post(page, _incident(harm="none", concern="none", certainty="known",
                                           media_interest="yes"))
    assert response.status_code == 302
    assert response.url == url("cases:referral-tasklist", draft)
    incident = Incident.objects.get()
    assert (incident.harm, incident.certainty, incident.media_interest) == ("", "", True)
    assert incident.occurred_time == datetime.time(14, 30)
    again = client.get(page).context["form"]
    assert again.initial["harm"] == "none" and again.initial["media_interest"] == "yes"


def test_reason_and_authorisation_pages(client, draft, referrer):
    client.force_login(referrer)
    reason = url("cases:referral-reason", draft)
    response = client.post(reason, {"request_type": "", "reason": "  "})
    errors = response.context["form"].errors
    assert errors["request_type"] == ["Select what you are asking the partnership to do"]
    assert errors["reason"] == ["Explain why you think the case meets the criteria"]
    client.post(reason, {"request_type": "learning_review", "reason": "A near miss"})
    authorisation = url("cases:referral-authorisation", draft)
    response = client.post(authorisation, {"lead_officer_name": "", "lead_officer_role": "",
                                           "referrer_phone": ""})
    assert set(response.context["form"].errors) == {"lead_officer_name", "lead_officer_role",
                                                    "referrer_phone"}
    client.post(authorisation, {"lead_officer_name": "Sam Lead", "lead_officer_role": "SLO",
                                "referrer_phone": "01234 567890"})
    draft.refresh_from_db()
    assert (draft.request_type, draft.reason, draft.lead_officer_name, draft.referrer_phone) \
        == ("learning_review", "A near miss", "Sam Lead", "01234 567890")


def _draft_urls(referral, child, person, involvement) -> list[str]:
    names = ["cases:referral-tasklist", "cases:referral-children", "cases:referral-child-add",
             "cases:referral-people", "cases:referral-person-add",
             "cases:referral-involvements", "cases:referral-involvement-add",
             "cases:referral-incident", "cases:referral-reason", "cases:referral-authorisation",
             "cases:referral-check"]
    return [url(n, referral) for n in names] + [
        url("cases:referral-child-edit", referral, pk=child.pk),
        url("cases:referral-child-remove", referral, pk=child.pk),
        url("cases:referral-child-protection-plan", referral, pk=child.pk),
        url("cases:referral-person-edit", referral, pk=person.pk),
        url("cases:referral-person-remove", referral, pk=person.pk),
        url("cases:referral-involvement-edit", referral, pk=involvement.pk),
        url("cases:referral-involvement-remove", referral, pk=involvement.pk)]


@NOW
def test_a_draft_is_only_for_its_author(client, draft, referrer, colleague, outsider, agency,
                                        make_user):
    child = services.child_save(actor=referrer, referral=draft, full_name="A Child",
                                date_of_birth=datetime.date(2020, 1, 1), gender="male",
                                legal_status="child_protection_plan")
    person = services.person_save(actor=referrer, referral=draft, relationship="parent",
                                  full_name="A Parent")
    involvement = services.involvement_save(actor=referrer, referral=draft, agency=agency,
                                            nature="Health visiting")
    urls = _draft_urls(draft, child, person, involvement)
    client.force_login(referrer)
    assert all(client.get(u).status_code == 200 for u in urls)
    for user in (colleague, outsider, make_user(Role.BUSINESS_UNIT_OFFICER)):
        client.force_login(user)
        for u in urls:
            assert client.get(u).status_code == 404, (user, u)
        assert client.post(url("cases:referral-child-edit", draft, pk=child.pk),
                           _child(full_name="Hijacked")).status_code == 404
        assert client.post(url("cases:referral-check", draft)).status_code == 404
    child.refresh_from_db()
    assert child.full_name == "A Child" and draft.case.stage == Stage.DRAFT


@NOW
def test_items_of_another_draft_are_404(client, draft, referrer, agency, partnership):
    other = services.referral_start(actor=referrer, agency=agency, partnership=partnership)
    theirs = services.child_save(actor=referrer, referral=other, full_name="Other Child",
                                 date_of_birth=datetime.date(2020, 1, 1), gender="male")
    client.force_login(referrer)
    assert client.get(url("cases:referral-child-edit", draft, pk=theirs.pk)).status_code == 404
    assert client.post(url("cases:referral-child-remove", draft,
                           pk=theirs.pk)).status_code == 404
    assert Child.objects.filter(pk=theirs.pk).exists()


# --- Check answers and submit -----------------------------------------------------------

@NOW
def test_check_answers_links_each_missing_section(client, draft, referrer):
    client.force_login(referrer)
    check = url("cases:referral-check", draft)
    assert "There is a problem" not in client.get(check).content.decode()
    response = client.post(check)
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in html
    assert dict(response.context["problems"]) == {
        "Add at least one child": url("cases:referral-child-add", draft),
        "Describe the incident": url("cases:referral-incident", draft),
        "Select what you are asking the partnership to do": url("cases:referral-reason", draft),
        "Enter the safeguarding lead officer who authorised it":
            url("cases:referral-authorisation", draft)}
    assert f'href="{url("cases:referral-incident", draft)}"' in html
    assert draft.case.stage == Stage.DRAFT


@NOW
def test_missing_harm_answers_link_to_the_incident_page(client, draft, referrer):
    _complete(draft)
    Incident.objects.update(harm="")
    client.force_login(referrer)
    problems = client.post(url("cases:referral-check", draft)).context["problems"]
    assert [link for _message, link in problems] == [url("cases:referral-incident", draft)]


@NOW
def test_check_answers_shows_everything_with_change_links(client, draft, referrer):
    _complete(draft)
    client.force_login(referrer)
    html = client.get(url("cases:referral-check", draft)).content.decode()
    for text in ("Testchild Example", "4 March 2019", "Serious harm", "Neglect", "Suspected",
                 "Partner notification of a serious incident", "Sam Lead", "Named nurse",
                 "Submit referral"):
        assert text in html, text
    child = Child.objects.get()
    for target in (url("cases:referral-child-edit", draft, pk=child.pk),
                   url("cases:referral-incident", draft), url("cases:referral-reason", draft),
                   url("cases:referral-authorisation", draft)):
        assert f'href="{target}"' in html, target


@NOW
def test_submitting_twice_creates_one_case_and_both_go_to_the_confirmation(
        client, draft, referrer):
    _complete(draft)
    client.force_login(referrer)
    first = client.post(url("cases:referral-check", draft))
    second = client.post(url("cases:referral-check", draft))
    case = Case.objects.get(pk=draft.case_id)
    confirmation = reverse("cases:referral-confirmation", args=[case.reference])
    assert case.reference == "ALPHA-2026-001" and case.stage == Stage.REFERRED
    assert (first.status_code, first.url) == (302, confirmation)
    assert (second.status_code, second.url) == (302, confirmation)
    assert Case.objects.exclude(stage=Stage.DRAFT).count() == 1
    page = client.get(confirmation).content.decode()
    assert "govuk-panel--confirmation" in page and "ALPHA-2026-001" in page
    assert "What happens next" in page


def test_a_submitted_referrals_draft_pages_go_to_its_status_page(client, submitted, referrer):
    client.force_login(referrer)
    status_page = reverse("cases:my-referral", args=[submitted.case.reference])
    for name in ("cases:referral-tasklist", "cases:referral-incident", "cases:referral-check"):
        response = client.get(url(name, submitted))
        assert (response.status_code, response.url) == (302, status_page), name
    response = client.post(url("cases:referral-incident", submitted), _incident(place="Changed"))
    assert response.status_code == 302
    assert Incident.objects.get().place == "Home"


def test_another_agencys_user_gets_404_for_a_submitted_referral(
        client, submitted, outsider, make_user):
    reference = submitted.case.reference
    pages = [reverse("cases:my-referral", args=[reference]),
             reverse("cases:referral-confirmation", args=[reference]),
             url("cases:referral-tasklist", submitted), url("cases:referral-check", submitted)]
    for user in (outsider, make_user(Role.BUSINESS_UNIT_OFFICER)):
        client.force_login(user)
        for page in pages:
            assert client.get(page).status_code == 404, (user, page)
    client.force_login(outsider)
    assert reference not in client.get(reverse("cases:my-referrals")).content.decode()


# --- Following referrals ----------------------------------------------------------------

def _row_status(client, reference_or_none) -> str:
    rows = client.get(reverse("cases:my-referrals")).context["rows"]
    return next(status.label for referral, status in rows
                if referral.case.reference == reference_or_none)


def test_my_referrals_in_words_an_agency_user_understands(
        client, submitted, referrer, colleague, agency, partnership, make_user):
    from cases.models import TriageDecision

    mine = services.referral_start(actor=referrer, agency=agency, partnership=partnership)
    client.force_login(referrer)
    html = client.get(reverse("cases:my-referrals")).content.decode()
    assert submitted.case.reference in html and "Continue" in html
    assert f'href="{url("cases:referral-tasklist", mine)}"' in html
    assert _row_status(client, None) == "Draft"
    assert _row_status(client, submitted.case.reference) == "Submitted"
    rows = client.get(reverse("cases:my-referrals")).context["rows"]
    assert {r.child_count for r, _s in rows} == {0, 1}

    # A colleague sees the agency's submitted referral, not someone else's draft.
    client.force_login(colleague)
    html = client.get(reverse("cases:my-referrals")).content.decode()
    assert submitted.case.reference in html and "Continue" not in html

    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    case = submitted.case
    client.force_login(referrer)
    with NOW:
        services.referral_query_ask(actor=officer, referral=submitted, question="Which school?")
        assert _row_status(client, case.reference) == "More information requested"
        services.referral_query_answer(actor=referrer, query=submitted.queries.get(),
                                       answer="Test Primary")
        services.case_take_to_triage(actor=officer, case=case)
        assert _row_status(client, case.reference) == "Being considered"
        services.triage_decide(actor=officer, case=case, meeting_date=datetime.date(2026, 11, 25),
                               attendees="Group", attending_agencies=[], criteria_met=[],
                               decision=TriageDecision.Decision.RAPID_REVIEW, rationale="Met")
    assert _row_status(client, case.reference) == \
        "Decision made: Rapid review: a notifiable serious incident"


@NOW
def test_a_recommendation_awaiting_the_executive_is_not_shown(client, submitted, referrer,
                                                              partnership, make_user):
    from cases.models import TriageDecision

    partnership.triage_needs_executive_approval = True
    partnership.save()
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    services.case_take_to_triage(actor=officer, case=submitted.case)
    services.triage_decide(actor=officer, case=submitted.case,
                           meeting_date=datetime.date(2026, 11, 25), attendees="Group",
                           attending_agencies=[], criteria_met=[],
                           decision=TriageDecision.Decision.NO_FURTHER_ACTION,
                           rationale="Private reasons of the group")
    client.force_login(referrer)
    response = client.get(reverse("cases:my-referral", args=[submitted.case.reference]))
    html = response.content.decode()
    assert response.context["status"].label == "Being considered"
    assert "No further action" not in html and "Private reasons" not in html


def test_the_status_page_shows_the_referral_and_is_audited(client, submitted, colleague):
    client.force_login(colleague)
    response = client.get(reverse("cases:my-referral", args=[submitted.case.reference]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Submitted" in html and "Testchild Example" in html
    assert "Change" not in html and "Deadline" not in html
    assert AuditEvent.objects.filter(actor=colleague, action=AuditEvent.Action.VIEW,
                                     object_type="cases.case",
                                     object_id=str(submitted.case_id)).count() == 1


@NOW
def test_answering_the_business_units_question(client, submitted, referrer, outsider,
                                               make_user):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    query = services.referral_query_ask(actor=officer, referral=submitted,
                                        question="Which school does the child attend?")
    reference = submitted.case.reference
    status_page = reverse("cases:my-referral", args=[reference])
    answer_url = reverse("cases:referral-query-answer", args=[reference, query.pk])

    client.force_login(outsider)
    assert client.get(answer_url).status_code == 404
    assert client.post(answer_url, {f"q{query.pk}-answer": "x"}).status_code == 404

    client.force_login(referrer)
    html = client.get(status_page).content.decode()
    assert "Which school does the child attend?" in html
    assert f'action="{answer_url}"' in html and "More information requested" in html
    response = client.post(answer_url, {f"q{query.pk}-answer": "  "})
    assert response.status_code == 200
    assert "Enter your answer" in response.content.decode()
    assert "Which school does the child attend?" in response.content.decode()
    response = client.post(answer_url, {f"q{query.pk}-answer": "Test Primary School"})
    assert (response.status_code, response.url) == (302, status_page)
    query.refresh_from_db()
    assert (query.answer, query.answered_by) == ("Test Primary School", referrer)
    submitted.case.refresh_from_db()
    assert submitted.case.stage == Stage.REFERRED
    html = client.get(status_page).content.decode()
    assert "Test Primary School" in html and f'action="{answer_url}"' not in html
    assert client.get(answer_url).status_code == 302  # answered: back to the status page
    response = client.post(answer_url, {f"q{query.pk}-answer": "Again"})
    assert "This question has already been answered" in response.content.decode()
