"""The documents a Panel reader receives, read back as they would read them: A4 pages, the
covering letter's parts, the report and decision record as signed (with a partner's
disagreement and how it was resolved), the master chronology's columns and plurals, the
terms of reference's version and return date, and no internal references anywhere."""

import datetime
import io
import re
import shutil
import subprocess
import zipfile

import pytest
import time_machine
from docx import Document
from docx.shared import Mm

from accounts.models import Role, StatutoryPartner
from cases.models import CaseDocument
from notifications.services import letter_generate
from rapid_review.documents.chronology import MASTER_COLUMNS
from rapid_review.models import ReviewReport, TermsOfReference
from rapid_review.selectors.papers import review_papers
from rapid_review.services import (
    collated_returns_generate,
    master_chronology_generate,
    terms_agree,
    terms_document,
    terms_save,
)
from rapid_review.services.signoff import (
    disagreement_resolve,
    report_changed,
    report_disagree,
    report_send_for_signature,
    report_sign,
)
from rapid_review.services.submission import submission_pack
from tests.factories import MembershipFactory
from tests.notifications.builders import partner_representatives
from tests.rapid_review.builders import (
    agency_with_user,
    held_quorate_meeting,
    review_for,
    send_requests,
    submitted_return,
)
from tests.rapid_review.chronology_builders import add_entries
from tests.readback import docx_text, flat, has_name, pdf_text

pytestmark = pytest.mark.django_db
NOTIFIED = datetime.date(2026, 11, 2)
MEETING = datetime.date(2026, 11, 17)
SIGNED = datetime.datetime(2026, 11, 19, 12, tzinfo=datetime.UTC)
ROLES = {StatutoryPartner.LOCAL_AUTHORITY: "Director of Children's Services",
         StatutoryPartner.POLICE: "Chief Superintendent",
         StatutoryPartner.ICB: "Chief Nurse"}
DISSENT = "The report understates the missed health appointments (fictional)"
RESOLUTION = "Section 4 now sets out each missed appointment (fictional)"


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def manager(partnership):
    return MembershipFactory(partnership=partnership, role=Role.BUSINESS_MANAGER,
                             user__full_name="Morgan Example-Manager").user


@pytest.fixture
def partners(partnership):
    return partner_representatives(partnership)


def _whole_review(partnership, officer, partners, *, dissent=True):
    """A review as the demo runs one: requests, a return with a chronology, the terms
    agreed, the letters, the meeting, a report a partner disagrees with until it is
    changed, then signed by all three."""
    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)):
        review = review_for(partnership, officer, notified_on=NOTIFIED)
        school = agency_with_user(partnership, "Alphashire Primary School (fictional)")
        [request] = send_requests(review, [school.agency], officer)
        terms = terms_save(actor=officer, review=review,
                           children=list(review.case.children.all()), people=[],
                           scope_from=datetime.date(2025, 11, 1),
                           scope_to=datetime.date(2026, 11, 1), meeting_dates=[MEETING],
                           returns_due_on=datetime.date(2026, 11, 20))
        for kind in ("partner_letter", "review_group_letter", "rapid_review_letter"):
            letter_generate(actor=officer, case=review.case, kind=kind)
    with time_machine.travel(datetime.datetime(2026, 11, 6, 12, tzinfo=datetime.UTC)):
        for partner in StatutoryPartner.values:
            terms_agree(actor=partners[partner], terms=terms, version=terms.version)
        add_entries(request.agency_return, 1, start=datetime.date(2026, 3, 2))
        submitted_return(request, school.user)
        master_chronology_generate(actor=officer, review=review)
        collated_returns_generate(actor=officer, review=review)
    with time_machine.travel(SIGNED):
        meeting = held_quorate_meeting(review, officer, MEETING)
        report = ReviewReport.objects.create(
            review=review, sections={"introduction": "A rapid review (fictional)."},
            decision=ReviewReport.Decision.NO_FURTHER_REVIEW, decision_meeting=meeting,
            no_further_learning_reason="Learning already known (fictional)",
            dissemination="Seven-minute briefing (fictional)", updated_by=officer)
        version = report_send_for_signature(actor=officer, report=report)
        if dissent:
            police = partners[StatutoryPartner.POLICE]
            disagreement = report_disagree(actor=police, version=version,
                                           content_sha256=version.content_sha256,
                                           comment=DISSENT, signer_role=ROLES["police"])
            disagreement_resolve(actor=officer, signature=disagreement, resolution=RESOLUTION)
            report.sections = {**report.sections, "background": "Each missed appointment."}
            report.save()
            report_changed(actor=officer, report=report)
            version = report.versions.get(voided_at__isnull=True)
        for partner in StatutoryPartner.values:
            report_sign(actor=partners[partner], version=version,
                        content_sha256=version.content_sha256, signer_role=ROLES[partner])
        terms_document(actor=officer, terms=TermsOfReference.objects.get(review=review))
        _name, data = submission_pack(actor=officer, review=review)
    return review, version, zipfile.ZipFile(io.BytesIO(data))


def _pack_text(pack, part: str, fmt: str) -> str:
    [name] = [n for n in pack.namelist() if n.endswith(f"{part}.{fmt}")]
    data = pack.read(name)
    return docx_text(data) if fmt == "docx" else flat(pdf_text(data, layout=False))


def test_the_covering_letter_to_the_panel_is_a_letter_signed_by_the_three_partners(
        partnership, officer, partners):
    _review, version, pack = _whole_review(partnership, officer, partners)
    for fmt in ("docx", "pdf"):
        letter = _pack_text(pack, "3-covering-letter", fmt)
        assert "19 November 2026" in letter  # dated the day the last partner signed
        assert "Child Safeguarding Practice Review Panel" in letter
        assert "Mailbox.NationalReviewPanel@education.gov.uk" in letter
        assert "Dear Chair" in letter and "Yours sincerely" in letter
        assert letter.index("Dear Chair") < letter.index("Yours sincerely")
        for partner, user in partners.items():
            assert has_name(letter, user.full_name)
            assert ROLES[partner] in letter
        assert f"version {version.number}" in letter
        assert "Our reference" in letter


def test_the_report_in_the_pack_says_which_version_was_signed_by_whom_and_when(
        partnership, officer, partners):
    _review, version, pack = _whole_review(partnership, officer, partners)
    for fmt in ("docx", "pdf"):
        report = _pack_text(pack, "1-rapid-review-report", fmt)
        assert "for signature" not in report.lower()
        assert f"Version {version.number}, signed by the three safeguarding partners" in report
        for partner, user in partners.items():
            assert has_name(report, user.full_name) and ROLES[partner] in report
        assert "19 November 2026" in report


def test_a_partners_disagreement_and_its_resolution_are_in_the_signed_record_and_the_pack(
        partnership, officer, partners):
    review, version, pack = _whole_review(partnership, officer, partners)
    assert version.number == 2
    signed = CaseDocument.objects.filter(
        case=review.case, kind=CaseDocument.Kind.DECISION_RECORD,
        related_key=f"report-version-{version.number}-signed").order_by("-version").first()
    for text in (docx_text(signed.docx), flat(pdf_text(signed.pdf, layout=False)),
                 _pack_text(pack, "2-decision-record-signed", "docx"),
                 _pack_text(pack, "2-decision-record-signed", "pdf")):
        assert "Disagreements and how they were resolved" in text
        assert flat(DISSENT) in flat(text) and flat(RESOLUTION) in flat(text)
        assert has_name(text, partners["police"].full_name)
    letter = _pack_text(pack, "3-covering-letter", "docx")
    assert DISSENT in letter and RESOLUTION in letter


def test_no_document_of_a_whole_review_carries_an_internal_reference(
        partnership, officer, partners, manager):
    review, _version, pack = _whole_review(partnership, officer, partners)
    documents = CaseDocument.objects.filter(case=review.case)
    kinds = set(documents.values_list("kind", flat=True))
    assert {CaseDocument.Kind.MASTER_CHRONOLOGY, CaseDocument.Kind.COLLATED_RETURNS,
            CaseDocument.Kind.TERMS_OF_REFERENCE, CaseDocument.Kind.PARTNER_LETTER,
            CaseDocument.Kind.INFORMATION_REQUEST, CaseDocument.Kind.SUBMISSION_LETTER,
            CaseDocument.Kind.DECISION_RECORD_LETTER} <= kinds
    texts = [(f"{d.kind} v{d.version} docx", docx_text(d.docx)) for d in documents]
    texts += [(f"{d.kind} v{d.version} pdf", pdf_text(d.pdf)) for d in documents]
    texts += [(name, docx_text(pack.read(name)) if name.endswith(".docx")
               else pdf_text(pack.read(name))) for name in pack.namelist()
              if name.endswith((".docx", ".pdf"))]
    for where, text in texts:
        assert not re.search(r"\bseeds?\b", text, re.IGNORECASE), where
        assert "Appendix F" not in text, where


def test_the_business_units_letters_are_dated_addressed_and_signed(
        partnership, officer, partners, manager):
    review, _version, _pack = _whole_review(partnership, officer, partners, dissent=False)
    letter = CaseDocument.objects.filter(case=review.case,
                                         kind=CaseDocument.Kind.PARTNER_LETTER).first()
    for text in (docx_text(letter.docx), flat(pdf_text(letter.pdf, layout=False))):
        assert "2 November 2026" in text
        assert "Dear safeguarding partners" in text and "Yours sincerely" in text
        assert has_name(text, manager.full_name) and "Business manager" in text
        for user in partners.values():
            assert has_name(text, user.full_name)


def _page_sizes(data: bytes, tmp_path) -> set[tuple[int, int]]:
    """Each page's MediaBox in points, as pdfinfo (poppler-utils) reads it."""
    path = tmp_path / "document.pdf"
    path.write_bytes(bytes(data))
    info = subprocess.run([shutil.which("pdfinfo"), "-box", "-f", "1", "-l", "999",  # noqa: S603
                           str(path)], capture_output=True, check=True).stdout.decode()
    return {(round(float(w)), round(float(h))) for w, h in re.findall(
        r"MediaBox:\s+0\.00\s+0\.00\s+([\d.]+)\s+([\d.]+)", info)}


def test_pdf_and_word_pages_are_a4(partnership, officer, partners, tmp_path):
    review, _version, pack = _whole_review(partnership, officer, partners, dissent=False)
    for name in pack.namelist():
        data = pack.read(name)
        if name.endswith(".pdf"):
            assert _page_sizes(data, tmp_path) == {(595, 842)}, name
        elif name.endswith(".docx"):
            section = Document(io.BytesIO(data)).sections[0]
            assert abs(section.page_width - Mm(210)) < Mm(1), name
            assert abs(section.page_height - Mm(297)) < Mm(1), name
    chronology = CaseDocument.objects.filter(
        case=review.case, kind=CaseDocument.Kind.MASTER_CHRONOLOGY).first()
    assert _page_sizes(chronology.pdf, tmp_path) == {(842, 595)}  # A4 landscape


def test_the_master_chronology_has_whole_headings_one_agency_column_and_plurals(
        partnership, officer, partners):
    review, _version, _pack = _whole_review(partnership, officer, partners, dissent=False)
    document = CaseDocument.objects.filter(
        case=review.case, kind=CaseDocument.Kind.MASTER_CHRONOLOGY).order_by("-version").first()
    table = next(t for t in Document(io.BytesIO(bytes(document.docx))).tables
                 if t.rows[0].cells[0].text == "Date")
    headings = [c.text for c in table.rows[0].cells]
    assert headings == MASTER_COLUMNS
    assert sum("agency" in h.lower() for h in headings) == 1
    words = docx_text(document.docx)
    assert "1 entry from the agencies' submitted returns" in words
    assert "1 entries" not in words
    text = pdf_text(document.pdf, layout=False)
    tokens = set(re.findall(r"[A-Za-z()]+", text))
    for heading in MASTER_COLUMNS:
        for word in re.findall(r"[A-Za-z()]+", heading):
            assert word in tokens, f"{word!r} of {heading!r} is broken in the PDF"
    assert "informatio n" not in flat(text)


def test_the_terms_of_reference_give_one_version_and_the_requests_return_date(
        partnership, officer, partners):
    review, _version, _pack = _whole_review(partnership, officer, partners, dissent=False)
    terms = TermsOfReference.objects.get(review=review)
    request = review.information_requests.select_related("return_deadline").get()
    # The terms asked for 20 November; the request, sent on 2 November, is due by the
    # partnership's calendar: the terms give the request's date.
    assert request.due_on != datetime.date(2026, 11, 20)
    document = CaseDocument.objects.filter(
        case=review.case, kind=CaseDocument.Kind.TERMS_OF_REFERENCE).order_by("-version").first()
    text = flat(docx_text(document.docx))
    assert f"by 9am on {request.due_on:%-d %B %Y}" in text
    assert "20 November 2026" not in text
    assert f"version {terms.version}" in text
    assert not re.search(rf"version (?!{terms.version}\b)\d+", text, re.IGNORECASE)
    page = review_papers(partners["police"], partnership,
                         today=datetime.date(2026, 11, 19))
    [row] = page.reviews
    [paper] = [p for p in row.papers if p.document.kind == CaseDocument.Kind.TERMS_OF_REFERENCE]
    assert paper.version == terms.version == row.terms_version


def test_the_signatory_the_administrator_sets_signs_the_letters(partnership, manager):
    from notifications.documents import business_unit_signatory

    assert business_unit_signatory(partnership).name == manager.full_name
    partnership.letter_signatory_name = "Dana Chair-Example"
    partnership.letter_signatory_role = "Independent scrutineer (fictional)"
    partnership.save()
    signatory = business_unit_signatory(partnership)
    assert (signatory.name, signatory.role) == ("Dana Chair-Example",
                                                "Independent scrutineer (fictional)")
