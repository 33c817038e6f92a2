"""The copy for publication: the confirmed list applied to every section and
recommendation of the approved report, a version of its own, and the family's embargoed
copy."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from cases.models import CaseDocument, Child, Person
from cases.versioning import snapshot_sha256
from lcspr.services import lcspr_publication_plan
from lcspr.services.redaction import (
    anonymised_copy_make,
    anonymised_copy_ready,
    family_copy_document,
    redact,
    redaction_suggestions,
    redaction_term_add,
    redaction_terms_confirm,
    redaction_terms_suggest,
)
from tests.lcspr.builders import (
    appointed_reviewer,
    approved_version,
    written_report,
)
from tests.notifications.builders import partner_representatives
from tests.readback import docx_text, flat, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def people(lcspr):
    Child.objects.create(case=lcspr.case, full_name="Ada Example-Child", gender="female",
                         date_of_birth=datetime.date(2021, 3, 1),
                         address="1 Fictional Road, Alphatown")
    Person.objects.create(case=lcspr.case, full_name="Bea Example-Parent",
                          relationship="parent", address="1 Fictional Road, Alphatown")
    return lcspr


@pytest.fixture
def approved(people, manager, partnership):
    written_report(people, manager)
    from lcspr.services.report import report_section_save

    report_section_save(actor=manager, lcspr=people, key="the_case",
                        revision=people.overview_report.revision,
                        text="Ada, born on 1 March 2021, lived with Bea Example-Parent at 1 "
                             "Fictional Road. The health visitor Dana Staff-Example visited.")
    return approved_version(people, manager, partner_representatives(partnership))


def test_suggestions_come_from_the_childrens_and_peoples_records(people):
    suggested = {term: replacement for term, replacement, _c in redaction_suggestions(people)}
    assert suggested["Ada Example-Child"] == "Child A" and suggested["Ada"] == "Child A"
    assert suggested["1 March 2021"] == "[date of birth]"
    assert suggested["01/03/2021"] == "[date of birth]"
    assert suggested["1 Fictional Road"] == "[address]"
    assert suggested["Bea Example-Parent"] == "Parent"


def test_redaction_replaces_whole_words_whatever_their_case_longest_first():
    terms = [["Ada", "Child A"], ["Ada Example-Child", "Child A"], ["Dana", "the nurse"]]
    assert redact("ADA EXAMPLE-CHILD met Ada; Adam and Danatown did not.", terms) == \
        "Child A met Child A; Adam and Danatown did not."


def test_the_anonymised_copy_applies_the_confirmed_list_to_every_section_and_recommendation(
        approved, manager, django_capture_on_commit_callbacks):
    lcspr = approved.report.lcspr
    with pytest.raises(ValidationError, match="Confirm the suggested terms"):
        redaction_terms_suggest(actor=manager, lcspr=lcspr)
        anonymised_copy_make(actor=manager, lcspr=lcspr)
    redaction_terms_confirm(actor=manager, lcspr=lcspr)
    redaction_term_add(actor=manager, lcspr=lcspr, term="Dana Staff-Example",
                       replacement="the health visitor", category="staff")
    with pytest.raises(ValidationError, match="already on the list"):
        redaction_term_add(actor=manager, lcspr=lcspr, term="dana staff-example",
                           replacement="x", category="staff")
    with django_capture_on_commit_callbacks(execute=True):
        copy = anonymised_copy_make(actor=manager, lcspr=lcspr)
    assert copy.content_sha256 == snapshot_sha256(copy.content) != approved.content_sha256
    everything = " ".join([*copy.content["sections"].values(),
                           *[r["what"] + r["owner"] + r["measure"]
                             for r in copy.content["recommendations"]]])
    for name in ("Ada", "Example-Child", "Bea Example-Parent", "1 March 2021",
                 "1 Fictional Road", "Dana Staff-Example"):
        assert name not in everything
    assert "Child A, born on [date of birth], lived with Parent at [address]" in everything
    assert "children like Child A" in everything
    assert "The health visitor the health visitor visited" in everything
    # The signed report is kept as it was.
    approved.refresh_from_db()
    assert "Ada" in approved.content["sections"]["the_case"]
    document = CaseDocument.objects.get(case=lcspr.case, related_key="anonymised-1")
    for text in (flat(pdf_text(document.pdf, layout=False)), flat(docx_text(document.docx))):
        assert "Child A" in text and copy.content_sha256 in text
        assert "Ada" not in text and "Example-Child" not in text


def test_the_copy_is_marked_ready_on_the_hash_read_and_the_family_copy_is_embargoed(
        approved, manager):
    lcspr = approved.report.lcspr
    copy = anonymised_copy_make(actor=manager, lcspr=lcspr)
    with pytest.raises(ValidationError, match="changed while you were reading it"):
        anonymised_copy_ready(actor=manager, copy=copy, content_sha256="0" * 64)
    with pytest.raises(ValidationError, match="Mark the anonymised copy ready"):
        family_copy_document(actor=manager, lcspr=lcspr)
    anonymised_copy_ready(actor=manager, copy=copy, content_sha256=copy.content_sha256)
    with pytest.raises(ValidationError, match="Plan the publication date"):
        family_copy_document(actor=manager, lcspr=lcspr)
    lcspr_publication_plan(actor=manager, case=lcspr.case,
                           planned_on=datetime.date(2027, 3, 31))
    lcspr.refresh_from_db()
    document = family_copy_document(actor=manager, lcspr=lcspr)
    for text in (flat(pdf_text(document.pdf, layout=False)), flat(docx_text(document.docx))):
        assert "EMBARGOED until 31 March 2027" in text and "Confidential" in text
    newer = anonymised_copy_make(actor=manager, lcspr=lcspr)
    with pytest.raises(ValidationError, match="no longer the latest"):
        anonymised_copy_ready(actor=manager, copy=copy, content_sha256=copy.content_sha256)
    assert newer.number == 2


def test_the_copy_needs_an_approved_report(people, manager):
    written_report(people, manager)
    with pytest.raises(ValidationError, match="approve the report"):
        anonymised_copy_make(actor=manager, lcspr=people)


def test_the_page_is_the_case_readers_and_stays_within_bounds(
        client, approved, manager, make_user, django_assert_max_num_queries):
    lcspr = approved.report.lcspr
    reference = lcspr.case.reference
    client.force_login(manager)
    assert client.post(reverse("lcspr:redaction-suggest", args=[reference])).status_code == 302
    assert client.post(reverse("lcspr:redaction-copy", args=[reference])).status_code == 400
    assert client.post(reverse("lcspr:redaction-confirm", args=[reference])).status_code == 302
    assert client.post(reverse("lcspr:redaction-copy", args=[reference])).status_code == 302
    with django_assert_max_num_queries(15):
        page = client.get(reverse("lcspr:redaction", args=[reference])).content.decode()
    assert "Child A" in page and "To review" in page
    response = client.post(reverse("lcspr:redaction-add", args=[reference]),
                           {"term": "", "replacement": "the GP", "category": "staff"})
    assert "Enter the word or phrase to replace" in response.content.decode()
    assert 'value="the GP"' in response.content.decode()
    client.force_login(appointed_reviewer(lcspr, manager).user)
    assert client.get(reverse("lcspr:redaction", args=[reference])).status_code == 404
    client.force_login(make_user(Role.SCRUTINEER))
    assert client.get(reverse("lcspr:redaction", args=[reference])).status_code == 200
    assert client.get(reverse("lcspr:redaction-add", args=[reference])).status_code == 404


def test_an_uploaded_word_report_is_anonymised_too(people, manager, partnership):
    import io

    from docx import Document

    from lcspr.services.report import report_upload_add

    draft = Document()
    draft.add_paragraph("Ada Example-Child lived at 1 Fictional Road.")
    table = draft.add_table(rows=1, cols=1)
    table.rows[0].cells[0].text = "Seen by Dana Staff-Example"
    out = io.BytesIO()
    draft.save(out)
    written_report(people, manager)
    report_upload_add(actor=manager, lcspr=people, filename="report.docx", data=out.getvalue())
    approved_version(people, manager, partner_representatives(partnership))
    redaction_terms_suggest(actor=manager, lcspr=people)
    redaction_terms_confirm(actor=manager, lcspr=people)
    redaction_term_add(actor=manager, lcspr=people, term="Dana Staff-Example",
                       replacement="the health visitor", category="staff")
    copy = anonymised_copy_make(actor=manager, lcspr=people)
    stored = CaseDocument.objects.get(case=people.case, related_key="anonymised-1-upload")
    assert copy.content["upload"]["sha256"] == stored.docx_sha256
    text = docx_text(stored.docx)
    assert "Child A lived at [address]." in text and "Seen by the health visitor" in text
    assert "Ada" not in text and "Dana" not in text
