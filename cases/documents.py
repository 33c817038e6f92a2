"""Generated documents: one content structure, rendered to DOCX and PDF, stored as versions.

Each app's ``documents.py`` builds a :class:`DocumentContent` from the record; this module
renders it the same way in both formats (python-docx, WeasyPrint), hashes it, and keeps
it as a :class:`~cases.models.CaseDocument` version. A download is served from the
stored version, so what was sent or signed is what is downloaded later.

A document with more entries than ``settings.DOCUMENT_INLINE_MAX_ENTRIES`` is not rendered
inside the web request: :func:`document_get_or_prepare` records a
:class:`~cases.models.DocumentPreparation` and queues ``cases.tasks.document_prepare``,
which calls the app's registered preparer (see :func:`document_preparer`). When the broker
cannot take the task, the page says the document is waiting and the sweep
(:func:`document_preparations_requeue`) queues it later.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from xml.sax.saxutils import escape as xml_escape

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Agency, AuditEvent, User
from config.celery import publish_after_commit

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
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    # A4, as the business unit prints it (python-docx's blank document is US Letter).
    section.page_width, section.page_height = Mm(210), Mm(297)
    if content.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.header.paragraphs[0].text = f"{PROTECTIVE_MARKING} · {content.partnership}"
    section.footer.paragraphs[0].text = f"{content.case_reference} · {PROTECTIVE_MARKING}"
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    properties = document.core_properties
    properties.title, properties.author = content.title, content.partnership
    properties.last_modified_by, properties.comments = content.partnership, ""
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
        _docx_rows(table, [headers], bold=True, size=size)
    _docx_rows(table, rows, size=size)


# Characters XML 1.0 cannot hold (a pasted control character would otherwise fail the
# whole document).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_RUN_BREAKS = re.compile("(\t|\r|\n)")


def _docx_run(text: str, properties: str) -> str:
    """A run as python-docx writes one (a tab or line break as its own element)."""
    parts = []
    for piece in _RUN_BREAKS.split(_NOT_XML.sub("", text)):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            parts.append(f'<w:t xml:space="preserve">{xml_escape(piece)}</w:t>')
    return f"<w:r>{properties}{''.join(parts)}</w:r>"


def _docx_rows(table, rows: list[list[str]], *, bold: bool = False, size=None) -> None:
    """Append the rows as XML parsed a chunk at a time: the same XML python-docx writes cell
    by cell, which took 2.5 s for a 2,000-entry chronology (under 1 s this way)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    properties = ("<w:b/>" if bold else "") + (
        f'<w:sz w:val="{round(size.pt * 2)}"/>' if size else "")  # half-points
    properties = f"<w:rPr>{properties}</w:rPr>" if properties else ""
    cell_properties = [
        f'<w:tcPr><w:tcW w:type="dxa" w:w="{col.get(qn("w:w"))}"/></w:tcPr>'
        if col.get(qn("w:w")) is not None else ""
        for col in table._tbl.tblGrid.gridCol_lst]
    chunk = 500  # rows per parse: a bounded string however long the table
    for start in range(0, len(rows), chunk):
        xml = "".join(
            "<w:tr>" + "".join(
                f"<w:tc>{tc_pr}<w:p>{_docx_run(str(text), properties)}</w:p></w:tc>"
                for tc_pr, text in zip(cell_properties, row, strict=True)) + "</w:tr>"
            for row in rows[start:start + chunk])
        table._tbl.extend(list(parse_xml(f"<w:tbl {nsdecls('w')}>{xml}</w:tbl>")))


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


def pdf_url_fetcher(url: str, *args, **kwargs):
    """What a PDF may fetch while it is made: nothing. The template carries its own styles
    and no images, so any URL (a file on the server, an internal address) is refused."""
    raise ValueError(f"Documents fetch nothing ({url[:40]!r} refused)")


def render_pdf(content: DocumentContent) -> bytes:
    from weasyprint import HTML

    html = render_to_string("documents/document.html", {
        "content": content, "marking": PROTECTIVE_MARKING,
        "blocks": [(type(b).__name__, b) for b in content.blocks]})
    return HTML(string=html, url_fetcher=pdf_url_fetcher).write_pdf()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _pdf_or_why_not(content: DocumentContent, kind: str) -> tuple[bytes, str]:
    """The PDF, or no PDF and why not in words for the page ("the PDF renderer failed
    (...)"): a renderer failure (WeasyPrint, a font, an image) never costs the Word
    version or the change that asked for the document."""
    try:
        return render_pdf(content), ""
    except Exception as error:  # any renderer failure is recorded with the document
        logger.exception("The PDF of a %s document could not be made", kind)
        reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
        words = f"the PDF renderer failed ({type(error).__name__}"
        return b"", (f"{words}: {reason})" if reason else f"{words})")[:300]


def document_pdf_retry(*, actor: User | None, document: CaseDocument,
                       content: DocumentContent) -> CaseDocument:
    """Try again the PDF of a stored version whose PDF failed, from the same content (the
    Word version and the hashes of the content never change)."""
    if not document.pdf_error or document.content_sha256 != content.sha256():
        return document
    pdf, why_not = _pdf_or_why_not(content, document.kind)
    document.pdf, document.pdf_sha256, document.pdf_error = pdf, _sha(pdf) if pdf else "", why_not
    document.save(update_fields=["pdf", "pdf_sha256", "pdf_error"])
    if pdf:
        audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=document,
                     partnership_id=document.case.partnership_id,
                     detail={"case": document.case_id, "kind": document.kind,
                             "version": document.version, "pdf_made": True})
    return document


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
    """Store the next version of a document; the same content is not stored twice. When
    the PDF cannot be made, the Word version is stored with the reason (``pdf_error``), and
    generating the same content again tries the PDF again."""
    latest = (CaseDocument.objects.filter(case=case, kind=kind, related_key=related_key)
              .defer("docx", "pdf").order_by("-version").first())
    digest = content.sha256()
    if latest is not None and latest.content_sha256 == digest:
        if latest.pdf_error:
            latest.case = case
            return document_pdf_retry(actor=actor, document=latest, content=content)
        return latest
    version = (CaseDocument.objects.filter(case=case, kind=kind, related_key=related_key)
               .aggregate(v=Max("version"))["v"] or 0) + 1
    docx = render_docx(content)
    pdf, why_not = _pdf_or_why_not(content, kind)
    try:
        with transaction.atomic():
            document = CaseDocument.objects.create(
                case=case, kind=kind, related_key=related_key, agency=agency,
                version=version, title=content.title, content_sha256=digest, docx=docx,
                docx_sha256=_sha(docx), pdf=pdf, pdf_sha256=_sha(pdf) if pdf else "",
                pdf_error=why_not, created_by=actor)
    except IntegrityError:
        # Made meanwhile by another request (two clicks, a retry after the commit): the
        # same content stands; anything else is a real clash.
        made = (CaseDocument.objects.filter(case=case, kind=kind, related_key=related_key,
                                            version=version).defer("docx", "pdf").first())
        if made is None or made.content_sha256 != digest:
            raise
        return made
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=document,
                 partnership=case.partnership,
                 detail={"case": case.pk, "kind": kind, "version": version,
                         **({"pdf_failed": True} if why_not else {})})
    return document


# Off the request ---------------------------------------------------------------------------
class PreparationRefused(Exception):
    """The preparer will not make the document (the requester lost access, say); the
    message is shown on the page."""


Preparer = Callable[[DocumentPreparation], CaseDocument]
# A preparation queued this long ago and still pending lost its task (a broker restart, say):
# asking again, or the sweep, queues it again (the task is safe to run twice). Longer than
# the task's hard time limit, so a preparation still running is never taken for a lost one.
PREPARATION_STALE_AFTER = datetime.timedelta(minutes=10)
PREPARATION_MAX_QUEUED = 3
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
    pending, return it and queue nothing (unless it was never queued, or is stale)."""
    now = timezone.now()
    preparation, created = DocumentPreparation.objects.get_or_create(
        case=case, kind=kind, related_key=related_key, finished_at=None,
        defaults={"filters": filters or {}, "requested_by": actor, "queued_at": now,
                  "times_queued": 1})
    if created:
        audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=preparation,
                     partnership=case.partnership,
                     detail={"case": case.pk, "kind": kind, "related_key": related_key})
    elif _needs_queueing(preparation, now):
        preparation.queued_at, preparation.times_queued = now, preparation.times_queued + 1
        preparation.save(update_fields=["queued_at", "times_queued"])
    else:
        return preparation
    _publish(preparation)
    return preparation


def _needs_queueing(preparation: DocumentPreparation, now: datetime.datetime) -> bool:
    return (preparation.queued_at is None
            or preparation.queued_at < now - PREPARATION_STALE_AFTER)


def _publish(preparation: DocumentPreparation) -> None:
    """Queue the task after commit. If the broker does not take it, the preparation is
    marked not queued: the page says it is waiting, and the sweep queues it."""
    from .tasks import document_prepare

    def not_queued() -> None:
        DocumentPreparation.objects.filter(pk=preparation.pk, finished_at=None).update(
            queued_at=None, times_queued=F("times_queued") - 1)
        preparation.queued_at = None
        preparation.times_queued -= 1

    publish_after_commit(document_prepare, preparation.pk, on_failure=not_queued)


def pending_work_requeue(pending: QuerySet, *, stale_after: datetime.timedelta,
                         max_queued: int, publish: Callable, give_up: Callable,
                         limit: int = 200) -> dict[str, int]:
    """The sweep of durable work rows (``pending``, oldest first: unfinished rows with
    ``queued_at`` and ``times_queued``): queue again each one the broker never took or lost
    (a restart); one a worker is busy with is locked, so skipped. One queued ``max_queued``
    times without finishing is handed to ``give_up`` instead, so work that kills the worker
    is not retried for ever (its task does not ask to be redelivered when its worker
    dies)."""
    now = timezone.now()
    counts = {"queued": 0, "given_up": 0}
    with transaction.atomic():
        due = (pending.select_for_update(of=("self",), skip_locked=True)
               .filter(Q(queued_at=None) | Q(queued_at__lt=now - stale_after))[:limit])
        for row in due:
            if row.times_queued >= max_queued:
                give_up(row, now)
                counts["given_up"] += 1
                continue
            row.queued_at, row.times_queued = now, row.times_queued + 1
            row.save(update_fields=["queued_at", "times_queued"])
            publish(row)
            counts["queued"] += 1
    return counts


def _preparation_give_up(preparation: DocumentPreparation, now: datetime.datetime) -> None:
    logger.error("Document preparation %s given up after %s tries", preparation.pk,
                 preparation.times_queued)
    preparation.failed, preparation.finished_at = True, now
    preparation.message = ("The document could not be prepared after several tries. Try "
                           "again, and tell the service team if it fails again")
    preparation.save(update_fields=["failed", "finished_at", "message"])


def document_preparations_requeue(*, limit: int = 200) -> dict[str, int]:
    """The sweep of pending preparations (:func:`pending_work_requeue`): one queued
    ``PREPARATION_MAX_QUEUED`` times without finishing is given up as failed."""
    return pending_work_requeue(
        DocumentPreparation.objects.filter(finished_at=None).order_by("requested_at"),
        stale_after=PREPARATION_STALE_AFTER, max_queued=PREPARATION_MAX_QUEUED,
        publish=_publish, give_up=_preparation_give_up, limit=limit)


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
