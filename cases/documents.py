"""Generated documents: one content structure, rendered to DOCX and PDF, stored as versions.

Each app's ``documents.py`` builds a :class:`DocumentContent` from the record; this module
renders it the same way in both formats (python-docx, WeasyPrint), hashes it, and keeps
it as a :class:`~cases.models.CaseDocument` version. A download is served from the
stored version, so what was sent or signed is what is downloaded later.

A document with more entries than ``settings.DOCUMENT_INLINE_MAX_ENTRIES`` is not rendered
inside the web request: :func:`document_get_or_prepare` records a
:class:`~cases.models.DocumentPreparation` and queues ``cases.tasks.document_prepare``,
which calls the app's registered preparer (see :func:`document_preparer`).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Agency, AuditEvent, User

from .models import Case, CaseDocument, DocumentPreparation

PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"
logger = logging.getLogger(__name__)


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
    """``widths``: each column's share of the page width in per cent (fixed layout, the
    same in PDF and DOCX). ``compact``: small print and tight cells, for long tables."""

    headers: list[str]
    rows: list[list[str]]
    widths: tuple[int, ...] = ()
    compact: bool = False

    def __post_init__(self):
        if self.widths and len(self.widths) != len(self.headers):
            raise ValueError("One width per column")


COMPACT_PT = 8.5


def _hashed(block) -> dict:
    """The block's fields for the hash; layout hints left at their default are left out,
    so documents stored before the hints existed keep their hash."""
    fields = asdict(block)
    if isinstance(block, Table):
        for name in ("widths", "compact"):
            if not fields[name]:
                del fields[name]
    return fields


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
                   "blocks": [[type(b).__name__, _hashed(b)] for b in self.blocks]}
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
            usable = section.page_width - section.left_margin - section.right_margin
            _docx_table(document, block.headers, block.rows, widths=[
                int(usable * share / 100) for share in block.widths],
                size=Pt(COMPACT_PT) if block.compact else None)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_table(document, headers: list[str] | None, rows: list[list[str]], *,
                widths: list[int] | None = None, size=None) -> None:
    width = len(headers) if headers else len(rows[0]) if rows else 1
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    if widths:
        _docx_fixed_layout(table, widths)
    if headers:
        cells = table.add_row().cells
        for cell, text in zip(cells, headers, strict=True):
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
            if size:
                run.font.size = size
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            if size:
                cell.paragraphs[0].add_run(str(text)).font.size = size
            else:
                cell.text = str(text)


def _docx_fixed_layout(table, widths: list[int]) -> None:
    """Fixed column widths (python-docx copies the grid's width into each row added) and
    narrow cell margins, as in the PDF."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "57")  # twentieths of a point: 1 mm
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)


def render_pdf(content: DocumentContent) -> bytes:
    from weasyprint import HTML

    html = render_to_string("documents/document.html", {
        "content": content, "marking": PROTECTIVE_MARKING,
        "blocks": [(type(b).__name__, b) for b in content.blocks]})
    return HTML(string=html).write_pdf()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_current(*, case: Case, kind: str, content: DocumentContent,
                     related_key: str = "") -> CaseDocument | None:
    """The stored version when it holds exactly this content (nothing rendered)."""
    latest = (CaseDocument.objects.filter(case=case, kind=kind, related_key=related_key)
              .defer("docx", "pdf").order_by("-version").first())
    if latest is not None and latest.content_sha256 == content.sha256():
        return latest
    return None


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


# Off the request ---------------------------------------------------------------------------
class PreparationRefused(Exception):
    """The preparer will not make the document (the requester lost access, say); the
    message is shown on the page."""


Preparer = Callable[[DocumentPreparation], CaseDocument]
# A preparation still pending after this lost its task (a broker restart, say): asking
# again queues it again (the task is safe to run twice).
PREPARATION_STALE_AFTER = datetime.timedelta(minutes=10)
_PREPARERS: dict[str, Preparer] = {}


def document_preparer(kind: str) -> Callable[[Preparer], Preparer]:
    """Register the app function the task calls to generate a ``kind`` of document. It
    makes the same authorisation decisions as the view, for ``requested_by``, and raises
    :class:`PreparationRefused` when they fail."""
    def register(function: Preparer) -> Preparer:
        _PREPARERS[kind] = function
        return function
    return register


def document_get_or_prepare(*, actor: User, case: Case, kind: str, content: DocumentContent,
                            entries: int, related_key: str = "", filters: dict | None = None
                            ) -> CaseDocument | DocumentPreparation:
    """The stored document for this content if there is one; else rendered now when
    small; else a preparation queued (or the one already pending, so a second click
    queues nothing)."""
    current = document_current(case=case, kind=kind, content=content, related_key=related_key)
    if current is not None:
        return current
    if entries <= settings.DOCUMENT_INLINE_MAX_ENTRIES:
        return document_generate(actor=actor, case=case, kind=kind, content=content,
                                 related_key=related_key)
    return document_preparation_request(actor=actor, case=case, kind=kind,
                                        related_key=related_key, filters=filters or {})


@transaction.atomic
def document_preparation_request(*, actor: User, case: Case, kind: str, related_key: str = "",
                                 filters: dict | None = None) -> DocumentPreparation:
    """Record the request and queue the task once the request is committed; while one is
    pending, return it and queue nothing (unless it is stale)."""
    from .tasks import document_prepare

    preparation, created = DocumentPreparation.objects.get_or_create(
        case=case, kind=kind, related_key=related_key, finished_at=None,
        defaults={"filters": filters or {}, "requested_by": actor})
    if created:
        audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=preparation,
                     partnership=case.partnership,
                     detail={"case": case.pk, "kind": kind, "related_key": related_key})
    if created or preparation.requested_at < timezone.now() - PREPARATION_STALE_AFTER:
        transaction.on_commit(lambda: document_prepare.delay(preparation.pk))
    return preparation


def document_preparation_run(*, preparation_id: int) -> DocumentPreparation:
    """Generate the document of a preparation; safe to run twice (the row is locked and a
    finished one is left alone). Any failure is recorded on the row for the page."""
    with transaction.atomic():
        preparation = (DocumentPreparation.objects.select_for_update(of=("self",))
                       .select_related("case__partnership", "requested_by")
                       .get(pk=preparation_id))
        if preparation.finished_at is not None:
            return preparation
        try:
            with transaction.atomic():
                preparer = _PREPARERS.get(preparation.kind)
                if preparer is None:
                    raise RuntimeError(f"No preparer for {preparation.kind}")
                preparation.document = preparer(preparation)
        except PreparationRefused as refused:
            preparation.failed, preparation.message = True, str(refused)[:300]
        except Exception:  # recorded for the page; the worker log has the traceback
            logger.exception("Document preparation %s failed", preparation.pk)
            preparation.failed = True
            preparation.message = ("Something went wrong while preparing the document. "
                                   "Try again, and tell the service team if it fails again")
        preparation.finished_at = timezone.now()
        preparation.save(update_fields=["document", "failed", "message", "finished_at"])
    return preparation


def document_preparation_latest(*, case: Case, kind: str, related_key: str = ""
                                ) -> DocumentPreparation | None:
    """The last preparation of this document, for the page to show it is pending or has
    failed (1 query; 2 after a failure, which a later stored version makes old news)."""
    preparation = (DocumentPreparation.objects
                   .filter(case=case, kind=kind, related_key=related_key)
                   .order_by("-requested_at", "-pk").first())
    if preparation is not None and preparation.failed and CaseDocument.objects.filter(
            case=case, kind=kind, related_key=related_key,
            created_at__gt=preparation.finished_at).exists():
        return None
    return preparation


FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def document_filename(document: CaseDocument, fmt: str) -> str:
    slug = document.get_kind_display().split(" (")[0].lower().replace(" ", "-")
    return f"{document.case.reference}-{slug}-v{document.version}.{fmt}"
