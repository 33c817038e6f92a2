"""Generated documents: both formats from one content, versions, and an audited download."""

import datetime
import hashlib
import io
import json
from dataclasses import asdict

import pytest
from django.urls import reverse
from docx import Document
from docx.shared import Pt

from accounts.models import AuditEvent, Role
from cases.documents import (
    DocumentContent,
    Heading,
    Paragraph,
    SummaryList,
    Table,
    document_generate,
    document_get_or_prepare,
    document_preparation_run,
    pdf_url_fetcher,
    render_pdf,
)
from cases.models import CaseDocument, DocumentPreparation
from tests.cases.builders import agency_user
from tests.cases.factories import referred_case
from tests.readback import docx_text, pdf_text

pytestmark = pytest.mark.django_db


def _content(reference, extra=""):
    return DocumentContent("Master chronology", "Demo Partnership", reference).add(
        Heading("Scope"), Paragraph(f"First paragraph{extra}\n\nSecond paragraph"),
        SummaryList([("Scope from", "1 May 2026")]),
        Table(["Date", "Agency", "Details"], [["2 May 2026", "Police", "Home visit"]]))


@pytest.fixture
def case(partnership):
    return referred_case(partnership)


def test_both_formats_hold_the_same_content(case, make_user):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    document = document_generate(actor=officer, case=case,
                                 kind=CaseDocument.Kind.MASTER_CHRONOLOGY,
                                 content=_content(case.reference))
    words = docx_text(document.docx)
    assert "First paragraph" in words and "Home visit" in words and "1 May 2026" in words
    pdf = pdf_text(document.pdf)
    assert "First paragraph" in pdf and "Home visit" in pdf and case.reference in pdf
    assert "OFFICIAL-SENSITIVE" in pdf


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://169.254.169.254/latest/",
                                 "https://example.org/logo.png", "data:image/png;base64,AA=="])
def test_a_pdf_fetches_nothing_while_it_is_made(url):
    """Defence in depth (what is typed is escaped, so it is shown, never fetched): the
    renderer may fetch no file, no address inside the network, nothing."""
    with pytest.raises(ValueError, match="Documents fetch nothing"):
        pdf_url_fetcher(url)
    typed = f'<img src="{url}"><link rel="stylesheet" href="{url}">'
    content = DocumentContent(title="Notes", partnership="Alphashire", case_reference="A-1")
    shown = pdf_text(render_pdf(content.add(Paragraph(typed))), layout=False)
    assert "".join(typed.split()) in "".join(shown.split())  # wrapped across lines


def test_word_documents_are_a4_and_written_by_the_partnership(case):
    import io

    from docx import Document
    from docx.shared import Mm

    from cases.documents import render_docx

    for landscape in (False, True):
        content = _content(case.reference)
        content.landscape = landscape
        document = Document(io.BytesIO(render_docx(content)))
        section = document.sections[0]
        width, height = sorted((section.page_width, section.page_height))
        assert (round(width / Mm(1)), round(height / Mm(1))) == (210, 297)
        assert (section.page_width > section.page_height) is landscape
        assert document.core_properties.author == "Demo Partnership"
        assert "python-docx" not in (document.core_properties.author
                                     + document.core_properties.last_modified_by)


def test_unchanged_content_keeps_the_version_and_a_change_makes_the_next(case):
    kind = CaseDocument.Kind.MASTER_CHRONOLOGY
    first = document_generate(actor=None, case=case, kind=kind, content=_content(case.reference))
    again = document_generate(actor=None, case=case, kind=kind, content=_content(case.reference))
    changed = document_generate(actor=None, case=case, kind=kind,
                                content=_content(case.reference, extra=" changed"))
    assert first.pk == again.pk and first.version == 1
    assert changed.version == 2 and changed.content_sha256 != first.content_sha256
    first.refresh_from_db()
    assert first.version == 1  # earlier versions never change


def test_download_is_authorised_and_audited(client, case, make_user, partnership,
                                             other_partnership):
    document = document_generate(actor=None, case=case,
                                 kind=CaseDocument.Kind.MASTER_CHRONOLOGY,
                                 content=_content(case.reference))
    url = reverse("cases:document-download", args=[case.reference, document.pk, "docx"])
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-v1.docx"')
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD, actor=officer,
                                     object_id=str(document.pk)).count() == 1
    assert client.get(url.replace(".docx", ".exe")).status_code == 404
    client.force_login(agency_user(partnership))  # not addressed to that agency
    assert client.get(url).status_code == 404
    outsider = make_user(Role.BUSINESS_UNIT_OFFICER, partnership=other_partnership)
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_a_table_without_layout_hints_hashes_as_before_the_hints_existed(case):
    """Stored documents keep their content hash, so nothing is regenerated for nothing."""
    content = _content(case.reference)
    before = {"title": content.title, "partnership": content.partnership,
              "case_reference": content.case_reference, "landscape": False,
              "blocks": [[type(b).__name__, {k: v for k, v in asdict(b).items()
                                             if k not in ("widths", "compact")}]
                         for b in content.blocks]}
    assert content.sha256() == hashlib.sha256(
        json.dumps(before, sort_keys=True, default=str).encode()).hexdigest()
    hinted = DocumentContent("Master chronology", "Demo Partnership", case.reference).add(
        Table(["Date", "Details"], [["2 May 2026", "Home visit"]], widths=(20, 80)))
    plain = DocumentContent("Master chronology", "Demo Partnership", case.reference).add(
        Table(["Date", "Details"], [["2 May 2026", "Home visit"]]))
    assert hinted.sha256() != plain.sha256()


def test_compact_table_has_the_same_fixed_widths_in_docx_and_pdf(case):
    with pytest.raises(ValueError, match="One width per column"):
        Table(["Date", "Details"], [], widths=(100,))
    content = DocumentContent("Master chronology", "Demo Partnership", case.reference,
                              landscape=True).add(
        Table(["Date", "Agency", "Details"], [["2 May 2026", "Police", "Home visit " * 40]],
              widths=(15, 15, 70), compact=True))
    document = document_generate(actor=None, case=case,
                                 kind=CaseDocument.Kind.MASTER_CHRONOLOGY, content=content)
    docx = Document(io.BytesIO(bytes(document.docx)))
    table = docx.tables[0]
    section = docx.sections[0]
    usable = section.page_width - section.left_margin - section.right_margin
    widths = [cell.width for cell in table.rows[1].cells]
    assert [round(w / usable * 100) for w in widths] == [15, 15, 70]
    sizes = {run.font.size for row in table.rows for cell in row.cells
             for run in cell.paragraphs[0].runs}
    assert sizes == {Pt(8.5)}
    assert "Home visit Home visit" in pdf_text(document.pdf)


def test_word_table_cells_keep_their_text_as_typed(case):
    """Rows are written as XML in one piece: what a cell holds reads back as typed (line
    breaks and tabs, spaces at either end, markup characters), headers bold, and a pasted
    control character, which Word cannot hold, is dropped rather than failing the file."""
    typed = ["  Seen at home <b>&amp;</b> \"quoted\"  ", "Line one\nLine two\tTabbed",
             "Bell\x07 and form feed\x0c", ""]
    content = DocumentContent("Master chronology", "Demo Partnership", case.reference).add(
        Table(["Date", "Details", "Notes", "Empty"], [typed, ["a", "b", "c", "d"]]),
        SummaryList([("Scope from", "1 May\n2026")]))
    document = document_generate(actor=None, case=case,
                                 kind=CaseDocument.Kind.MASTER_CHRONOLOGY, content=content)
    docx = Document(io.BytesIO(bytes(document.docx)))
    table, summary = docx.tables
    assert [cell.text for cell in table.rows[1].cells] == [
        typed[0], "Line one\nLine two\tTabbed", "Bell and form feed", ""]
    assert [cell.text for cell in table.rows[2].cells] == ["a", "b", "c", "d"]
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    assert not any(run.bold for cell in table.rows[1].cells for run in cell.paragraphs[0].runs)
    assert [cell.text for cell in summary.rows[0].cells] == ["Scope from", "1 May\n2026"]
    assert len(table.rows) == 3 and len(table.columns) == 4


def test_small_documents_render_inline_and_large_ones_are_prepared_once(
        case, make_user, settings, django_capture_on_commit_callbacks):
    settings.DOCUMENT_INLINE_MAX_ENTRIES = 1
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    kind = CaseDocument.Kind.MASTER_CHRONOLOGY
    inline = document_get_or_prepare(actor=officer, case=case, kind=kind, entries=1,
                                     content=_content(case.reference))
    assert isinstance(inline, CaseDocument)
    same = document_get_or_prepare(actor=officer, case=case, kind=kind, entries=2,
                                   content=_content(case.reference))
    assert same.pk == inline.pk  # unchanged content: the stored version, however long
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = document_get_or_prepare(actor=officer, case=case, kind=kind, entries=2,
                                        content=_content(case.reference, " changed"))
        second = document_get_or_prepare(actor=officer, case=case, kind=kind, entries=2,
                                         content=_content(case.reference, " changed"))
    assert isinstance(first, DocumentPreparation) and first.pk == second.pk
    assert len(queued) == 1 and CaseDocument.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="cases.documentpreparation").count() == 1
    # Still pending long after it was queued: its task was lost, so asking again queues it
    # again.
    DocumentPreparation.objects.filter(pk=first.pk).update(
        queued_at=first.queued_at - datetime.timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        third = document_get_or_prepare(actor=officer, case=case, kind=kind, entries=2,
                                        content=_content(case.reference, " changed"))
    assert third.pk == first.pk and len(queued) == 1


def test_a_preparation_that_crashes_is_recorded_failed_and_not_run_again(
        case, make_user, monkeypatch):
    import cases.documents as documents

    calls = []

    def crashing(preparation):
        calls.append(preparation.pk)
        raise RuntimeError("renderer crashed")

    monkeypatch.setitem(documents._PREPARERS, CaseDocument.Kind.MASTER_CHRONOLOGY, crashing)
    preparation = DocumentPreparation.objects.create(
        case=case, kind=CaseDocument.Kind.MASTER_CHRONOLOGY,
        requested_by=make_user(Role.BUSINESS_UNIT_OFFICER))
    done = document_preparation_run(preparation_id=preparation.pk)
    assert done.failed and done.finished_at and done.document is None
    assert "Something went wrong" in done.message and "crashed" not in done.message
    assert document_preparation_run(preparation_id=preparation.pk).finished_at == \
        done.finished_at
    assert calls == [preparation.pk]  # the second run found it finished
