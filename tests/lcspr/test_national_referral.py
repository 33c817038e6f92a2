"""Referring the case back to the Panel for a national review during the LCSPR: the
referral with its letter, and the Panel's reply, which stops the LCSPR only when the Panel
will carry out a national review instead."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from calendars.models import DeadlineStatus
from lcspr.models import NationalReferral
from lcspr.services import (
    national_referral_letter,
    national_referral_record,
    national_referral_reply_record,
)
from lcspr.services.target import target_deadline
from tests.lcspr.builders import appointed_reviewer, opened_lcspr
from tests.readback import docx_text, flat, has_name, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
d = datetime.date.fromisoformat
NEW = "The trial heard the child attended an unregistered school (fictional)"


def _refer(manager, lcspr, **kwargs):
    values = {"referred_on": d("2027-01-05"), "new_information": NEW,
              "grounds": ["educated_otherwise", "improvements"],
              "decided_by": "partners", **kwargs}
    return national_referral_record(actor=manager, lcspr=lcspr, **values)


def _reply(manager, referral, **kwargs):
    values = {"received_on": d("2027-01-06"), "outcome": "stays_local",
              "summary": "The Panel agrees the review should stay local (fictional)",
              "lcspr_continues": True, **kwargs}
    return national_referral_reply_record(actor=manager, referral=referral, **values)


def test_the_referral_is_recorded_with_its_letter(manager, lcspr):
    appointed_reviewer(lcspr, manager)
    referral = _refer(manager, lcspr)
    assert referral.grounds == ["improvements", "educated_otherwise"]  # in the Panel's order
    letter = national_referral_letter(actor=manager, referral=referral)
    assert letter.version == 1  # made with the referral, not again
    for text in (docx_text(letter.docx), pdf_text(letter.pdf, layout=False)):
        text = flat(text)
        for part in ("The Child Safeguarding Practice Review Panel", "Dear colleagues", NEW,
                     "educated otherwise than at school", "improvements needed",
                     "5 January 2027", "The three safeguarding partners",
                     "Robin Reviewer-Example", lcspr.case.reference,
                     "The local review continues", "Yours sincerely"):
            assert has_name(text, part), part
        for internal in ("seed", "NationalReferral", "educated_otherwise", "lcspr_"):
            assert internal not in text, internal


def test_what_a_referral_needs(manager, lcspr):
    with pytest.raises(ValidationError) as refused:
        national_referral_record(actor=manager, lcspr=lcspr, referred_on=None,
                                 new_information=" ", grounds=[], decided_by="")
    assert set(refused.value.message_dict) == {"referred_on", "new_information", "grounds",
                                               "decided_by"}
    with pytest.raises(ValidationError, match="on or after the LCSPR was commissioned"):
        _refer(manager, lcspr, referred_on=d("2026-12-01"))
    with pytest.raises(ValidationError, match="Select the criteria"):
        _refer(manager, lcspr, grounds=["made_up"])
    token = "4d0b7e4c-8d55-4f55-9a55-0d7d5e9e1a11"
    assert _refer(manager, lcspr, form_token=token) == _refer(manager, lcspr, form_token=token)
    assert NationalReferral.objects.count() == 1


def test_the_panels_reply_keeps_the_lcspr_going_unless_it_reviews_nationally(manager, lcspr):
    referral = _refer(manager, lcspr)
    with pytest.raises(ValidationError, match="stops only if the Panel will carry out"):
        _reply(manager, referral, lcspr_continues=False)
    with pytest.raises(ValidationError, match="on or after the referral"):
        _reply(manager, referral, received_on=d("2027-01-04"))
    token = "5e0b7e4c-8d55-4f55-9a55-0d7d5e9e1a11"
    replied = _reply(manager, referral, form_token=token)
    assert replied.lcspr_continues and replied.reply_outcome == "stays_local"
    assert _reply(manager, referral, form_token=token) == replied  # a double click
    with pytest.raises(ValidationError, match="already been recorded"):
        _reply(manager, referral)
    assert target_deadline(lcspr).status == DeadlineStatus.OPEN
    # A second referral: the Panel will review nationally, and the LCSPR stops.
    second = _refer(manager, lcspr, grounds=["range_of_abuse"])
    _reply(manager, second, outcome="national_review", lcspr_continues=False,
           summary="The Panel will carry out a national review (fictional)")
    target = target_deadline(lcspr)
    assert target.status == DeadlineStatus.WAIVED and "national review" in target.waived_reason


def test_the_referral_pages(client, partnership, manager, lcspr, make_user,
                            django_assert_max_num_queries):
    ref = lcspr.case.reference
    reviewer = appointed_reviewer(lcspr, manager).user
    client.force_login(manager)
    overview = client.get(reverse("lcspr:overview", args=[ref])).content.decode()
    assert reverse("lcspr:national-referrals", args=[ref]) in overview
    assert "Not referred" in overview
    url = reverse("lcspr:national-referral-add", args=[ref])
    response = client.post(url, {"referred_on_0": "5", "referred_on_1": "1",
                                 "referred_on_2": "2027", "decided_by": "partners",
                                 "new_information": NEW})
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Select the criteria" in page
    assert "unregistered school" in page  # what was typed is kept
    form = {"referred_on_0": "5", "referred_on_1": "1", "referred_on_2": "2027",
            "decided_by": "partners", "new_information": NEW,
            "grounds": ["institutional"], "form_token": "6a0b7e4c-8d55-4f55-9a55-0d7d5e9e1a11"}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302
    referral = NationalReferral.objects.get()
    with django_assert_max_num_queries(15):
        page = client.get(reverse("lcspr:national-referrals", args=[ref])).content.decode()
    assert "Awaiting the Panel's reply" in page and "institutional settings" in page
    reply_url = reverse("lcspr:national-referral-reply", args=[ref, referral.pk])
    assert reply_url in page
    response = client.post(reply_url, {"received_on_0": "6", "received_on_1": "1",
                                       "received_on_2": "2027", "outcome": "national_review",
                                       "summary": "National review (fictional)",
                                       "lcspr_continues": "no"})
    assert response.status_code == 302
    page = client.get(reverse("lcspr:national-referrals", args=[ref])).content.decode()
    assert "The LCSPR stops" in page
    letter = referral.lcspr.case.documents.get(kind="lcspr_national_referral")
    download = reverse("cases:document-download", args=[ref, letter.pk, "docx"])
    # The reviewer reads the page and the letter, and records nothing.
    client.force_login(reviewer)
    assert client.get(reverse("lcspr:national-referrals", args=[ref])).status_code == 200
    assert client.get(download).status_code == 200
    assert client.get(url).status_code == 404 and client.get(reply_url).status_code == 404
    # Another review's reviewer, an agency: nothing.
    other = opened_lcspr(partnership, manager)
    client.force_login(appointed_reviewer(other, manager, email="reviewer.two@example.org")
                       .user)
    for address in (reverse("lcspr:national-referrals", args=[ref]), download):
        assert client.get(address).status_code == 404
    client.force_login(make_user(Role.AGENCY_USER))
    assert client.get(reverse("lcspr:national-referrals", args=[ref])).status_code == 404
