"""The reviewer: independence declared, an account with the reviewer role that sees its own
LCSPR's overview and terms and nothing else, and the letter naming them to the Panel,
Ofsted and DfE with each sending recorded."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from accounts.models import Membership, Role, User
from lcspr.models import Reviewer, ReviewerLetterDispatch
from lcspr.services import (
    lcspr_terms_save,
    reviewer_appoint,
    reviewer_letter,
    reviewer_letter_dispatch_record,
)
from outbox.models import Message
from tests.lcspr.builders import appointed_reviewer, opened_lcspr
from tests.readback import docx_text, flat, has_name, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
d = datetime.date.fromisoformat


def test_a_reviewer_must_be_declared_independent(lcspr, manager):
    with pytest.raises(ValidationError) as refused:
        reviewer_appoint(actor=manager, lcspr=lcspr, name="A Reviewer", email="a@example.org",
                         organisation="Independent", no_line_management=True,
                         no_involvement=False, skills=[])
    assert "no involvement" in str(refused.value)
    assert not Reviewer.objects.exists()
    with pytest.raises(IntegrityError):
        Reviewer.objects.create(lcspr=lcspr, user=manager, name="x", email="x@example.org",
                                organisation="x", no_line_management=False,
                                no_involvement=True, appointed_on=d("2027-01-06"),
                                appointed_by=manager)


def test_appointing_makes_an_invited_reviewer_account(lcspr, manager):
    reviewer = appointed_reviewer(lcspr, manager)
    user = User.objects.get(email="reviewer.one@example.org")
    assert reviewer.user == user and not user.has_usable_password()
    assert Membership.objects.filter(user=user, role=Role.REVIEWER,
                                     partnership=lcspr.case.partnership).exists()
    invitation = Message.objects.get(to="reviewer.one@example.org", kind="invitation")
    assert "set your password" in invitation.body
    # Appointing again with the same email reuses the account.
    again = appointed_reviewer(lcspr, manager)
    assert again.pk == reviewer.pk and User.objects.filter(
        email="reviewer.one@example.org").count() == 1
    assert Message.objects.filter(to="reviewer.one@example.org").count() == 1


def test_a_reviewer_sees_their_own_review_only(client, partnership, manager, lcspr):
    reviewer = appointed_reviewer(lcspr, manager)
    lcspr_terms_save(actor=manager, lcspr=lcspr, questions="Q1 (fictional)",
                     scope_from=d("2026-01-01"), scope_to=d("2026-11-01"), agencies=[],
                     method="Systems", child_perspective="Child", practitioner_involvement="P",
                     family_involvement="F", communications_lead="Comms lead", version=0)
    other = opened_lcspr(partnership, manager)
    appointed_reviewer(other, manager, email="reviewer.two@example.org")
    client.force_login(reviewer.user)
    ref = lcspr.case.reference
    assert client.get(reverse("lcspr:overview", args=[ref])).status_code == 200
    assert client.get(reverse("lcspr:terms", args=[ref])).status_code == 200
    download = client.post(reverse("lcspr:terms-download", args=[ref, "docx"]), follow=True)
    assert download.status_code == 200 and "Q1 (fictional)" in docx_text(download.content)
    for name in ("lcspr:overview", "lcspr:terms"):
        assert client.get(reverse(name, args=[other.case.reference])).status_code == 404
    for name in ("lcspr:sub-group", "lcspr:reviewer", "lcspr:terms-edit", "lcspr:commission",
                 "lcspr:reviewer-letter", "cases:case-detail", "lcspr:publication-plan"):
        assert client.get(reverse(name, args=[ref])).status_code == 404, name
    # Their home page links to their review, and only to theirs.
    home = client.get(reverse("dashboards:home")).content.decode()
    assert reverse("lcspr:overview", args=[ref]) in home
    assert other.case.reference not in home
    # A replaced reviewer no longer sees it.
    appointed_reviewer(lcspr, manager, email="reviewer.three@example.org")
    assert client.get(reverse("lcspr:overview", args=[ref])).status_code == 404


def test_the_letter_names_the_reviewer_and_each_sending_is_recorded(lcspr, manager):
    appointed_reviewer(lcspr, manager)
    document = reviewer_letter(actor=manager, lcspr=lcspr)
    for text in (docx_text(document.docx), pdf_text(document.pdf, layout=False)):
        text = flat(text)
        for part in ("The Child Safeguarding Practice Review Panel", "Ofsted",
                     "The Department for Education", "Dear colleagues",
                     "Robin Reviewer-Example", "Independent (fictional)",
                     "no line management", "6 January 2027", "Yours sincerely",
                     lcspr.case.reference, "4 June 2027"):
            assert has_name(text, part), part
        for internal in ("seed", "Lcspr", "Reviewer object", "lcspr_"):
            assert internal not in text, internal
    with pytest.raises(ValidationError, match="today or in the past"):
        reviewer_letter_dispatch_record(actor=manager, lcspr=lcspr, recipient="panel",
                                        method="email", sent_on=d("2027-01-07"))
    sent = reviewer_letter_dispatch_record(actor=manager, lcspr=lcspr, recipient="panel",
                                           method="email", sent_on=d("2027-01-06"))
    assert sent.document == document
    with pytest.raises(ValidationError, match="already been recorded as sent"):
        reviewer_letter_dispatch_record(actor=manager, lcspr=lcspr, recipient="panel",
                                        method="email", sent_on=d("2027-01-06"))
    reviewer_letter_dispatch_record(actor=manager, lcspr=lcspr, recipient="ofsted",
                                    method="online", sent_on=d("2027-01-06"))
    assert ReviewerLetterDispatch.objects.count() == 2


def test_the_reviewer_pages_for_the_business_unit(client, lcspr, manager, make_user,
                                                  django_assert_max_num_queries):
    client.force_login(manager)
    ref = lcspr.case.reference
    url = reverse("lcspr:reviewer", args=[ref])
    assert url in client.get(reverse("lcspr:overview", args=[ref])).content.decode()
    page = client.get(url).content.decode()
    assert "Knowledge of safeguarding" in page and "Ability to write for a wide audience" in page
    response = client.post(url, {"name": "Robin Reviewer-Example",
                                 "email": "robin@example.org", "organisation": "Independent",
                                 "no_line_management": "on", "skills": ["writing"]})
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Confirm the reviewer has had no involvement" in page
    assert 'value="robin@example.org"' in page
    response = client.post(url, {"name": "Robin Reviewer-Example",
                                 "email": "robin@example.org", "organisation": "Independent",
                                 "no_line_management": "on", "no_involvement": "on",
                                 "skills": ["writing"]})
    assert response.status_code == 302
    letter_url = reverse("lcspr:reviewer-letter", args=[ref])
    assert letter_url in client.get(reverse("lcspr:overview", args=[ref])).content.decode()
    response = client.post(letter_url, {"recipient": "dfe", "method": "email",
                                        "sent_on_0": "6", "sent_on_1": "1",
                                        "sent_on_2": "2027"})
    assert response.status_code == 302
    with django_assert_max_num_queries(15):
        page = client.get(letter_url).content.decode()
    assert "The Department for Education" in page and "6 January 2027" in page
    # Only the business manager appoints; an officer records the letter.
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    assert client.get(url).status_code == 404
    assert client.get(letter_url).status_code == 200
