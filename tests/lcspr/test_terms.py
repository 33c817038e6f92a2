"""The LCSPR's terms of reference: prefilled from the key lines of enquiry, versioned with
no lost update, agreed by the sub-group only once the three statutory partners sit on it,
and generated as Word and PDF."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role, StatutoryPartner
from cases.services import EditConflict
from lcspr.models import LcsprTermsAgreement
from lcspr.services import (
    lcspr_terms_agree,
    lcspr_terms_document,
    lcspr_terms_save,
    subgroup_member_add,
    subgroup_member_remove,
)
from lcspr.services.subgroup import partners_missing
from tests.factories import AgencyFactory
from tests.lcspr.builders import appointed_reviewer, full_sub_group, opened_lcspr
from tests.readback import docx_text, flat, has_name, pdf_text

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2027, 1, 6, 12, tzinfo=datetime.UTC)
d = datetime.date.fromisoformat
TERMS = {"questions": "1. How well did agencies share information? (fictional)",
         "scope_from": d("2026-01-01"), "scope_to": d("2026-11-01"),
         "method": "A systems methodology", "child_perspective": "Through the child's diary",
         "practitioner_involvement": "Individual conversations and a practitioner event",
         "family_involvement": "The mother will be offered a meeting",
         "communications_lead": "Partnership communications officer",
         "criminal_proceedings": "Contact with the senior investigating officer",
         "coroner": ""}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def lcspr(partnership, officer):
    return opened_lcspr(partnership, officer)


def test_each_save_is_a_new_version_and_a_stale_save_is_refused(lcspr, officer, make_user):
    first = lcspr_terms_save(actor=officer, lcspr=lcspr, agencies=[], version=0, **TERMS)
    assert first.version == 1
    colleague = make_user()
    lcspr_terms_save(actor=colleague, lcspr=lcspr, agencies=[], version=1,
                     **{**TERMS, "method": "Their method"})
    with pytest.raises(EditConflict) as refused:
        lcspr_terms_save(actor=officer, lcspr=lcspr, agencies=[], version=1,
                         **{**TERMS, "method": "My method"})
    assert refused.value.current == 2 and "saved version 2" in str(refused.value)
    first.refresh_from_db()
    assert first.method == "Their method"
    with pytest.raises(ValidationError, match="on or after its start"):
        lcspr_terms_save(actor=officer, lcspr=lcspr, agencies=[], version=2,
                         **{**TERMS, "scope_to": d("2025-12-31")})


def test_agreement_is_refused_until_the_three_partners_sit_on_the_sub_group(lcspr, officer):
    terms = lcspr_terms_save(actor=officer, lcspr=lcspr, agencies=[], version=0, **TERMS)
    subgroup_member_add(actor=officer, lcspr=lcspr, name="Co-opted GP (fictional)",
                        job_title="GP", organisation="Surgery", represents="co_opted")
    subgroup_member_add(actor=officer, lcspr=lcspr, name="Police lead (fictional)",
                        job_title="DI", organisation="Police", represents=StatutoryPartner.POLICE)
    assert partners_missing(lcspr) == ["Local authority", "Integrated Care Board"]
    with pytest.raises(ValidationError, match="local authority, integrated care board"):
        lcspr_terms_agree(actor=officer, terms=terms, version=1, agreed_on=d("2027-01-06"),
                          agreed_by="Sub-group meeting")
    full_sub_group(lcspr, officer)
    with pytest.raises(ValidationError, match="changed to version 1"):
        lcspr_terms_agree(actor=officer, terms=terms, version=0, agreed_on=d("2027-01-06"),
                          agreed_by="Sub-group meeting")
    agreement = lcspr_terms_agree(actor=officer, terms=terms, version=1,
                                  agreed_on=d("2027-01-05"), agreed_by="Sub-group meeting")
    assert agreement.version == 1
    with pytest.raises(ValidationError, match="already been agreed"):
        lcspr_terms_agree(actor=officer, terms=terms, version=1, agreed_on=d("2027-01-06"),
                          agreed_by="Again")
    assert LcsprTermsAgreement.objects.count() == 1
    # Removing a partner's only member stops the next version being agreed.
    police = lcspr.members.filter(represents=StatutoryPartner.POLICE)
    for member in police:
        subgroup_member_remove(actor=officer, member=member)
    subgroup_member_remove(actor=officer, member=member)  # twice: nothing happens
    terms = lcspr_terms_save(actor=officer, lcspr=lcspr, agencies=[], version=1, **TERMS)
    with pytest.raises(ValidationError, match="Add a member for: police"):
        lcspr_terms_agree(actor=officer, terms=terms, version=2, agreed_on=d("2027-01-06"),
                          agreed_by="Sub-group meeting")


def test_the_terms_document_has_every_part_and_no_internal_words(partnership, lcspr,
                                                                  officer, make_user):
    agency = AgencyFactory(partnerships=[partnership], name="Alphashire Hospital (fictional)")
    appointed_reviewer(lcspr, make_user(Role.BUSINESS_MANAGER))
    full_sub_group(lcspr, officer)
    terms = lcspr_terms_save(actor=officer, lcspr=lcspr, agencies=[agency], version=0, **TERMS)
    lcspr_terms_agree(actor=officer, terms=terms, version=1, agreed_on=d("2027-01-05"),
                      agreed_by="Sub-group meeting, chaired by the ICB lead")
    terms.refresh_from_db()
    document = lcspr_terms_document(actor=officer, terms=terms)
    for text in (docx_text(document.docx), pdf_text(document.pdf, layout=False)):
        text = flat(text)
        for part in (TERMS["questions"], "1 January 2026 to 1 November 2026",
                     "Alphashire Hospital (fictional)", "A systems methodology",
                     "Through the child's diary", "practitioner event",
                     "The mother will be offered a meeting",
                     "Partnership communications officer", "senior investigating officer",
                     "Coroner", "None known", "Robin Reviewer-Example",
                     "Member police (fictional)", "Version 1 agreed by the review sub-group",
                     "Sub-group meeting, chaired by the ICB lead", "4 June 2027",
                     lcspr.case.reference):
            assert has_name(text, part), part
        for internal in ("seed", "Lcspr", "LcsprTerms", "lcspr_"):
            assert internal not in text, internal


def test_the_terms_pages_prefill_keep_what_was_typed_and_record_agreement(
        client, lcspr, officer, make_user, django_assert_max_num_queries):
    client.force_login(officer)
    ref = lcspr.case.reference
    overview = client.get(reverse("lcspr:overview", args=[ref])).content.decode()
    assert reverse("lcspr:terms", args=[ref]) in overview
    assert reverse("lcspr:sub-group", args=[ref]) in overview
    edit = reverse("lcspr:terms-edit", args=[ref])
    page = client.get(edit).content.decode()
    assert "How well did agencies share information? (fictional)" in page
    assert "systems methodology" in page
    data = {"questions": "Q (fictional)", "scope_from_0": "1", "scope_from_1": "1",
            "scope_from_2": "2026", "scope_to_0": "1", "scope_to_1": "11",
            "scope_to_2": "2026", "method": "Systems", "child_perspective": "Child",
            "practitioner_involvement": "", "family_involvement": "Family meeting",
            "communications_lead": "Comms", "version": "0"}
    page = client.post(edit, data).content.decode()
    assert "Enter how practitioners will be involved" in page and "Family meeting" in page
    assert client.post(edit, {**data, "practitioner_involvement": "Event"}).status_code == 302
    # A second editor who read version 0 is refused, and keeps what they typed.
    page = client.post(edit, {**data, "practitioner_involvement": "Mine",
                              "family_involvement": "My family plan"}).content.decode()
    assert "saved version 1 of the terms of reference" in page
    assert "My family plan" in page and 'name="version" value="1"' in page
    terms_url = reverse("lcspr:terms", args=[ref])
    page = client.get(terms_url).content.decode()
    assert "cannot be agreed until the review sub-group" in page
    agree = reverse("lcspr:terms-agree", args=[ref])
    page = client.post(agree, {"agreed_by": "Meeting", "agreed_on_0": "6", "agreed_on_1": "1",
                               "agreed_on_2": "2027", "version": "1"}).content.decode()
    assert "cannot be agreed until the review sub-group" in page
    # The sub-group pages.
    add = reverse("lcspr:sub-group-add", args=[ref])
    page = client.post(add, {"name": "LA lead", "job_title": "", "organisation": "Council",
                             "represents": "local_authority"}).content.decode()
    assert "Enter the member&#x27;s role or job title" in page or \
        "Enter the member's role or job title" in page
    for partner in ("local_authority", "police", "icb"):
        assert client.post(add, {"name": f"{partner} lead", "job_title": "Lead",
                                 "organisation": "Org", "represents": partner}
                           ).status_code == 302
    member = lcspr.members.first()
    remove = reverse("lcspr:sub-group-remove", args=[ref, member.pk])
    assert client.get(remove).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("lcspr:sub-group", args=[ref])).status_code == 200
    assert client.post(agree, {"agreed_by": "Meeting", "agreed_on_0": "6", "agreed_on_1": "1",
                               "agreed_on_2": "2027", "version": "1"}).status_code == 302
    with django_assert_max_num_queries(15):
        page = client.get(terms_url).content.decode()
    assert "Version 1 agreed on 6 January 2027 by Meeting" in page
    with django_assert_max_num_queries(15):
        page = client.get(reverse("lcspr:overview", args=[ref])).content.decode()
    assert page.count("Completed") >= 2
    pdf = client.post(reverse("lcspr:terms-download", args=[ref, "pdf"]), follow=True)
    assert pdf.status_code == 200 and "Q (fictional)" in pdf_text(pdf.content)
