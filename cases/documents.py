"""Generated documents: one content structure, rendered to DOCX and PDF, stored as versions.

Each app's ``documents.py`` builds a :class:`DocumentContent` from the record; this module
renders it the same way in both formats (python-docx, WeasyPrint), hashes it, and keeps
it as a :class:`~cases.models.CaseDocument` version. A download is served from the
stored version, so what was sent or signed is what is downloaded later.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string

from accounts.audit import audit_record
from accounts.models import Agency, AuditEvent, User

from .models import Case, CaseDocument

PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class SummaryList:
    """Label and value pairs (a GOV.UK summary list; a two-column table in Word)."""

    rows: list[tuple[str, str]]


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class DocumentContent:
    title: str
    partnership: str
    case_reference: str
    blocks: list = field(default_factory=list)
    landscape: bool = False

    def add(self, *blocks) -> DocumentContent:
        self.blocks.extend(blocks)
        return self

    def sha256(self) -> str:
        """Hash of the content itself, independent of renderer versions."""
        payload = {"title": self.title, "partnership": self.partnership,
                   "case_reference": self.case_reference, "landscape": self.landscape,
                   "blocks": [[type(b).__name__, asdict(b)] for b in self.blocks]}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str)
                              .encode()).hexdigest()


def render_docx(content: DocumentContent) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    document = Document()
    section = document.sections[0]
    if content.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.header.paragraphs[0].text = f"{PROTECTIVE_MARKING} · {content.partnership}"
    section.footer.paragraphs[0].text = f"{content.case_reference} · {PROTECTIVE_MARKING}"
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = content.title
    document.add_heading(content.title, level=1)
    for block in content.blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=min(block.level, 4))
        elif isinstance(block, Paragraph):
            for line in block.text.split("\n\n"):
                document.add_paragraph(line)
        elif isinstance(block, SummaryList):
            _docx_table(document, None, [[k, v] for k, v in block.rows])
        elif isinstance(block, Table):
            _docx_table(document, block.headers, block.rows)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_table(document, headers: list[str] | None, rows: list[list[str]]) -> None:
    width = len(headers) if headers else len(rows[0]) if rows else 1
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    if headers:
        cells = table.add_row().cells
        for cell, text in zip(cells, headers, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)


def render_pdf(content: DocumentContent) -> bytes:
    from weasyprint import HTML

    html = render_to_string("documents/document.html", {
        "content": content, "marking": PROTECTIVE_MARKING,
        "blocks": [(type(b).__name__, b) for b in content.blocks]})
    return HTML(string=html).write_pdf()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def document_generate(*, actor: User | None, case: Case, kind: str,
                      content: DocumentContent, related_key: str = "",
                      agency: Agency | None = None) -> CaseDocument:
    """Store the next version of a document; the same content is not stored twice."""
    latest = (CaseDocument.objects.filter(case=case, kind=kind, related_key=related_key)
              .defer("docx", "pdf").order_by("-version").first())
    digest = content.sha256()
    if latest is not None and latest.content_sha256 == digest:
        return latest
    version = (CaseDocument.objects.filter(case=case, kind=kind, related_key=related_key)
               .aggregate(v=Max("version"))["v"] or 0) + 1
    docx, pdf = render_docx(content), render_pdf(content)
    document = CaseDocument.objects.create(
        case=case, kind=kind, related_key=related_key, agency=agency, version=version,
        title=content.title, content_sha256=digest, docx=docx, docx_sha256=_sha(docx),
        pdf=pdf, pdf_sha256=_sha(pdf), created_by=actor)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=document,
                 partnership=case.partnership,
                 detail={"case": case.pk, "kind": kind, "version": version})
    return document


FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def document_filename(document: CaseDocument, fmt: str) -> str:
    slug = document.get_kind_display().split(" (")[0].lower().replace(" ", "-")
    return f"{document.case.reference}-{slug}-v{document.version}.{fmt}"
