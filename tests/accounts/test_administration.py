"""Administration in the service: administrators manage people and their roles, agencies
(shared by several partnerships) and the partnership's settings with GOV.UK pages; the
business unit is warned before a request would reach nobody."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse

from accounts import rules, selectors, services
from accounts.models import Agency, AuditEvent, Membership, Role, User
from outbox.models import Message
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.rapid_review.builders import agency_with_user, officer_of, review_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR)


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def _person_form(**overrides):
    return {"full_name": "Nia Newperson", "email": "Nia.Newperson@Test.Example",
            "job_title": "Safeguarding lead", "phone": "", "role": Role.AGENCY_USER,
            "statutory_partner": "", **overrides}


def _audited(action, obj):
    return AuditEvent.objects.filter(action=action, object_type=obj._meta.label_lower,
                                     object_id=str(obj.pk))


# --------------------------------------------------------------------------- people


def test_administrator_adds_a_person_who_sets_a_password_from_the_invitation(
        admin_client, client, partnership, admin):
    agency = AgencyFactory(partnerships=[partnership])
    response = admin_client.post(reverse("accounts:person-add"),
                                 _person_form(agency=agency.pk))
    person = User.objects.get(email="nia.newperson@test.example")
    assert response.status_code == 302
    assert response.url == reverse("accounts:person", args=[person.pk])
    membership = Membership.objects.get(user=person)
    assert (membership.partnership, membership.role, membership.agency) == (
        partnership, Role.AGENCY_USER, agency)
    assert person.job_title == "Safeguarding lead" and not person.has_usable_password()
    assert _audited(AuditEvent.Action.CREATE, person).filter(actor=admin).exists()
    assert _audited(AuditEvent.Action.CREATE, membership).filter(
        actor=admin, partnership=partnership).exists()

    invitation = Message.objects.get(kind="invitation")
    assert invitation.to == person.email and invitation.secret
    assert invitation.partnership_id == partnership.pk
    link = re.search(r"https?://\S+(/invitation/\S+/)", invitation.body).group(1)

    client.logout()
    form_page = client.get(link, follow=True)
    assert "Set your password" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "a-long-new-passphrase-42", "new_password2": "a-long-new-passphrase-42"})
    assert done.status_code == 302
    assert client.login(request=HttpRequest(), username=person.email,
                        password="a-long-new-passphrase-42")
    client.logout()
    assert "expired or was already used" in client.get(link).content.decode()


def test_the_invitation_lasts_a_week_where_a_reset_link_lasts_two_hours(partnership):
    person = UserFactory()
    token = services.invitation_tokens.make_token(person)

    class Later(services.InvitationTokenGenerator):
        def __init__(self, days):
            super().__init__()
            self.days = days

        def _now(self):
            return datetime.datetime.now() + datetime.timedelta(days=self.days)

    assert Later(3).check_token(person, token)
    assert not Later(8).check_token(person, token)
    from django.contrib.auth.tokens import default_token_generator
    assert not default_token_generator.check_token(person, token)


def test_posting_add_person_twice_adds_one_person_one_role_and_one_email(admin_client,
                                                                         partnership):
    form = _person_form(role=Role.PARTNER_REPRESENTATIVE, statutory_partner="police")
    first = admin_client.post(reverse("accounts:person-add"), form)
    second = admin_client.post(reverse("accounts:person-add"), form)
    assert first.status_code == second.status_code == 302
    assert User.objects.filter(email="nia.newperson@test.example").count() == 1
    assert Membership.objects.filter(user__email="nia.newperson@test.example").count() == 1
    assert Message.objects.filter(kind="invitation").count() == 1


def test_add_person_errors_are_shown_by_their_field_and_keep_what_was_typed(admin_client):
    response = admin_client.post(reverse("accounts:person-add"),
                                 _person_form(email="not-an-email"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Enter an email address in the correct format" in html
    assert "Select the agency this person works for" in html
    assert 'href="#id_agency"' in html
    assert 'value="Nia Newperson"' in html and 'value="Safeguarding lead"' in html
    assert not User.objects.filter(full_name="Nia Newperson").exists()

    response = admin_client.post(reverse("accounts:person-add"), _person_form(
        role=Role.PARTNER_REPRESENTATIVE))
    assert "Select the safeguarding partner this person represents" in \
        response.content.decode()


def test_someone_with_an_account_elsewhere_keeps_it_and_is_told_of_the_new_role(
        admin_client, partnership, other_partnership):
    existing = MembershipFactory(partnership=other_partnership, role=Role.SCRUTINEER).user
    response = admin_client.post(reverse("accounts:person-add"), _person_form(
        email=existing.email.upper(), full_name="Another Name", role=Role.MANAGER))
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.full_name != "Another Name"
    assert set(existing.memberships.values_list("partnership", "role")) == {
        (other_partnership.pk, Role.SCRUTINEER), (partnership.pk, Role.MANAGER)}
    message = Message.objects.get(kind="invitation")
    assert message.subject.startswith("You are now a manager") and "/invitation/" not in \
        message.body


def test_giving_and_removing_roles(admin_client, partnership, admin):
    person = MembershipFactory(partnership=partnership, role=Role.SCRUTINEER).user
    url = reverse("accounts:role-give", args=[person.pk])
    response = admin_client.post(url, {"role": Role.SCRUTINEER})
    assert "is already a scrutineer here" in response.content.decode()
    response = admin_client.post(url, {"role": Role.PARTNER_REPRESENTATIVE,
                                       "statutory_partner": "icb"})
    assert response.status_code == 302
    given = Membership.objects.get(user=person, role=Role.PARTNER_REPRESENTATIVE)
    assert given.statutory_partner == "icb"
    assert Message.objects.filter(kind="invitation", to=person.email).exists()

    remove = reverse("accounts:role-remove", args=[person.pk, given.pk])
    assert "Remove the role safeguarding partner representative?" in \
        admin_client.get(remove).content.decode()
    assert admin_client.post(remove).url == reverse("accounts:person", args=[person.pk])
    assert admin_client.post(remove).status_code == 302  # twice: still one removal
    assert not Membership.objects.filter(pk=given.pk).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETE,
                                     object_id=str(given.pk)).count() == 1

    own = Membership.objects.get(user=admin, role=Role.ADMINISTRATOR)
    response = admin_client.post(reverse("accounts:role-remove", args=[admin.pk, own.pk]))
    assert "You cannot remove your own administrator role" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_switching_an_account_off_and_on(admin_client, client, partnership, admin):
    person = MembershipFactory(partnership=partnership, role=Role.BUSINESS_UNIT_OFFICER).user
    response = admin_client.post(reverse("accounts:person-deactivate", args=[person.pk]))
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    assert _audited(AuditEvent.Action.UPDATE, person).filter(
        detail={"is_active": False}).exists()
    people = admin_client.get(reverse("accounts:people")).content.decode()
    assert "Switched off" in people
    admin_client.post(reverse("accounts:person-reactivate", args=[person.pk]))
    person.refresh_from_db()
    assert person.is_active


def test_an_account_with_roles_elsewhere_or_ones_own_cannot_be_switched_off(
        admin_client, partnership, other_partnership, admin):
    both = MembershipFactory(partnership=partnership, role=Role.SCRUTINEER).user
    MembershipFactory(user=both, partnership=other_partnership, role=Role.MANAGER)
    response = admin_client.post(reverse("accounts:person-deactivate", args=[both.pk]))
    assert "roles in partnerships you do not administer" in response.content.decode()
    response = admin_client.post(reverse("accounts:person-deactivate", args=[admin.pk]))
    assert "You cannot switch off your own account" in response.content.decode()
    assert User.objects.filter(pk__in=[both.pk, admin.pk], is_active=True).count() == 2


def test_sending_the_invitation_again_sends_one_a_day(admin_client, partnership):
    admin_client.post(reverse("accounts:person-add"), _person_form(role=Role.MANAGER))
    person = User.objects.get(email="nia.newperson@test.example")
    url = reverse("accounts:invitation-resend", args=[person.pk])
    admin_client.post(url)
    admin_client.post(url)
    assert Message.objects.filter(kind="invitation", to=person.email).count() == 2


def test_people_of_another_partnership_are_not_found(admin_client, other_partnership):
    stranger = MembershipFactory(partnership=other_partnership, role=Role.MANAGER)
    for name in ("accounts:person", "accounts:role-give", "accounts:person-deactivate"):
        assert admin_client.get(reverse(name, args=[stranger.user_id])).status_code == 404
    assert admin_client.get(reverse("accounts:role-remove", args=[
        stranger.user_id, stranger.pk])).status_code == 404
    assert admin_client.post(reverse("accounts:person-deactivate",
                                     args=[stranger.user_id])).status_code == 404


def test_the_business_unit_reads_people_but_cannot_manage_them(client, make_user):
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    html = client.get(reverse("accounts:people")).content.decode()
    assert "Add a person" not in html
    assert client.get(reverse("accounts:person-add")).status_code == 404


def test_people_page_is_paginated_in_a_fixed_number_of_queries(
        admin_client, partnership, django_assert_max_num_queries):
    agency = AgencyFactory(partnerships=[partnership])
    for _ in range(60):
        MembershipFactory(partnership=partnership, role=Role.AGENCY_USER, agency=agency)
    with django_assert_max_num_queries(15):
        response = admin_client.get(reverse("accounts:people"))
    assert len(response.context["page"].object_list) == 50
    with django_assert_max_num_queries(15):
        second = admin_client.get(reverse("accounts:people") + "?page=2")
    assert len(second.context["page"].object_list) == 11  # 60 and the administrator


# --------------------------------------------------------------------------- agencies


def test_administrator_adds_an_agency_with_a_named_contact(admin_client, partnership, admin):
    response = admin_client.post(reverse("accounts:agency-add"), {
        "name": "Alphashire Youth Service (fictional)", "sector": "other",
        "contact_name": "Yara Lead", "contact_email": "Yara.Lead@Youth.Example"})
    agency = Agency.objects.get(name="Alphashire Youth Service (fictional)")
    assert response.url == reverse("accounts:agency-detail", args=[agency.pk])
    assert list(agency.partnerships.all()) == [partnership]
    assert agency.contact_email == "yara.lead@youth.example" and agency.has_named_contact
    assert _audited(AuditEvent.Action.CREATE, agency).filter(partnership=partnership).exists()

    response = admin_client.post(reverse("accounts:agency-edit", args=[agency.pk]), {
        "name": agency.name, "sector": "other", "contact_name": "Yara Lead",
        "contact_email": ""})
    assert "Enter the named contact&#x27;s email address" in response.content.decode()
    assert 'value="Yara Lead"' in response.content.decode()


def test_an_agency_name_already_in_the_service_is_refused(admin_client, other_partnership):
    AgencyFactory(name="Shared Police (fictional)", partnerships=[other_partnership])
    response = admin_client.post(reverse("accounts:agency-add"), {
        "name": "shared police (fictional)", "sector": "police"})
    assert "Ask an administrator of a partnership it serves to share it with yours" in \
        response.content.decode()
    assert Agency.objects.count() == 1


def test_agencies_without_a_named_contact_are_flagged(admin_client, partnership,
                                                      django_assert_max_num_queries):
    AgencyFactory(partnerships=[partnership], name="Has Contact (fictional)",
                  contact_name="Cara Contact", contact_email="cara@agency.example")
    AgencyFactory(partnerships=[partnership], name="Mailbox Only (fictional)",
                  email="safeguarding@agency.example")
    for _ in range(60):
        AgencyFactory(partnerships=[partnership])
    with django_assert_max_num_queries(15):
        response = admin_client.get(reverse("accounts:agency-list"))
    html = response.content.decode()
    assert html.count("No named contact") == 49 and "Cara Contact" in html
    assert "Add an agency" in html


def test_sharing_an_agency_keeps_its_partnership_and_adds_the_other(
        admin_client, client, partnership, other_partnership, admin, make_user):
    """The bug: sharing an agency with a second partnership did not save."""
    MembershipFactory(user=admin, partnership=other_partnership, role=Role.ADMINISTRATOR)
    agency = AgencyFactory(partnerships=[partnership])
    url = reverse("accounts:agency-share", args=[agency.pk])
    assert other_partnership.name in admin_client.get(url).content.decode()
    first = admin_client.post(url, {"partnership": other_partnership.pk})
    second = admin_client.post(url, {"partnership": other_partnership.pk})
    assert first.status_code == second.status_code == 302
    assert set(Agency.objects.get(pk=agency.pk).partnerships.all()) == {
        partnership, other_partnership}
    assert AuditEvent.objects.filter(object_id=str(agency.pk),
                                     detail__shared_with=other_partnership.pk).count() == 2
    officer = make_user(Role.BUSINESS_UNIT_OFFICER, partnership=other_partnership)
    client.force_login(officer)
    assert client.get(reverse("accounts:agency-detail", args=[agency.pk])).status_code == 200


def test_an_agency_is_shared_only_with_partnerships_the_administrator_administers(
        admin_client, partnership, other_partnership, admin):
    MembershipFactory(user=admin, partnership=other_partnership, role=Role.MANAGER)
    agency = AgencyFactory(partnerships=[partnership])
    response = admin_client.post(reverse("accounts:agency-share", args=[agency.pk]),
                                 {"partnership": other_partnership.pk})
    assert response.status_code == 200
    assert list(agency.partnerships.all()) == [partnership]
    with pytest.raises(ValidationError):
        services.agency_share(actor=admin, agency=agency, partnership=other_partnership)
    elsewhere = AgencyFactory(partnerships=[other_partnership])
    assert admin_client.get(reverse("accounts:agency-edit",
                                    args=[elsewhere.pk])).status_code == 404
    assert admin_client.get(reverse("accounts:agency-share",
                                    args=[elsewhere.pk])).status_code == 404


# --------------------------------------------------------------------------- settings


def test_administrator_changes_the_partnerships_settings(admin_client, partnership, admin):
    url = reverse("accounts:partnership-settings")
    html = admin_client.get(url).content.decode()
    assert "Who endorses the signed rapid review" in html
    assert "How should people get their deadline reminders?" in html
    assert re.search(r'name="reminder_digest"[^>]*value="no"\s+checked', html)  # the default
    response = admin_client.post(url, {
        "triage_needs_executive_approval": "yes", "rapid_review_endorsement": "executive",
        "letter_signatory_name": "Sam Signer", "letter_signatory_role": "",
        "reminder_digest": "yes"})
    assert "Enter the name and the role of the person who signs" in \
        response.content.decode()
    response = admin_client.post(url, {
        "triage_needs_executive_approval": "yes", "rapid_review_endorsement": "executive",
        "letter_signatory_name": "Sam Signer", "letter_signatory_role": "Business manager",
        "reminder_digest": "yes"})
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.triage_needs_executive_approval and partnership.reminder_digest
    assert partnership.rapid_review_endorsement == "executive"
    assert (partnership.letter_signatory_name, partnership.letter_signatory_role) == (
        "Sam Signer", "Business manager")
    event = _audited(AuditEvent.Action.UPDATE, partnership).get(actor=admin)
    assert set(event.detail["changed"]) == set(services.SETTINGS_FIELDS)


def test_only_administrators_have_administration_in_the_menu(client, make_user):
    for role in Role:
        user = make_user(role)
        labels = [item.label for item in selectors.navigation_for(user, rules.memberships_of(
            user)[0].partnership)]
        assert ("Administration" in labels) == (role == Role.ADMINISTRATOR), role


# --------------------------------------------------------------------------- requests

SENT = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)


@time_machine.travel(SENT)
def test_the_business_unit_is_warned_before_a_request_would_reach_nobody(
        client, partnership, django_assert_max_num_queries):
    review = review_for(partnership)
    client.force_login(officer_of(partnership))
    nobody = AgencyFactory(partnerships=[partnership], name="Unreachable Clinic (fictional)")
    named = AgencyFactory(partnerships=[partnership], name="Named Contact Trust (fictional)",
                          contact_name="Nell Named", contact_email="nell@trust.example")
    with_user = agency_with_user(partnership, "Has A User (fictional)").agency
    for _ in range(20):
        agency_with_user(partnership)
    url = reverse("rapid_review:requests-send", args=[review.case.reference])
    with django_assert_max_num_queries(15):
        html = client.get(url).content.decode()
    warning = html.split('id="nobody-to-email"')[1].split("</div>")[0]
    assert "Nobody will be emailed at Unreachable Clinic (fictional)" in warning
    assert named.name not in warning and with_user.name not in warning

    response = client.post(url, {
        "agencies": [nobody.pk, named.pk], f"reason_{nobody.pk}": "child",
        f"reason_{named.pk}": "child"}, follow=True)
    page = response.content.decode()
    assert "Nobody was emailed at Unreachable Clinic (fictional)" in page
    assert page.count("Nobody was emailed") == 2  # the banner and the request's row
    request = review.information_requests.get(agency=named)
    assert (request.contact_name, request.contact_email) == ("Nell Named",
                                                             "nell@trust.example")
    assert set(Message.objects.filter(kind="information_request").values_list(
        "to", flat=True)) == {"nell@trust.example"}


def test_switching_off_twice_keeps_the_roles_and_is_audited_once(partnership, admin):
    person = MembershipFactory(partnership=partnership, role=Role.SCRUTINEER).user
    services.person_deactivate(actor=admin, person=person, partnership=partnership)
    services.person_deactivate(actor=admin, person=person, partnership=partnership)
    assert Membership.objects.filter(user=person).exists()
    assert _audited(AuditEvent.Action.UPDATE, person).count() == 1
