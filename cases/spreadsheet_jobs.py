"""Large spreadsheet uploads read and imported by the worker, not in the web request
(issue 15; docs/decisions/0016-safe-uploads.md).

The request makes the cheap checks (cases/uploads.py :func:`spreadsheet_measure`: size,
ZIP directory, the counting pass) and refuses a hostile file at once. A file that passes
them but is large (:func:`~cases.uploads.spreadsheet_is_large`) is kept as a
:class:`~cases.models.SpreadsheetUpload` and :func:`spreadsheet_upload_request` queues
``cases.tasks.spreadsheet_upload_read`` once the request has committed, as a document
preparation is (cases/documents.py, docs/decisions/0007-operations.md): the row first,
only its id through the broker, a sweep for what the broker never took. The task calls
the processor the app registered for the kind (:func:`spreadsheet_upload_processor`),
which reads the file with the same reader and imports it through the same service as the
request would, for the person who uploaded it, their permissions checked again. The file
is emptied once the task has finished; the outcome stays for the page.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import uuid
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, User
from config.celery import publish_after_commit

from .documents import pending_work_requeue
from .models import Case, SpreadsheetUpload

logger = logging.getLogger(__name__)
# Longer than a task's hard time limit, so one still running is never taken for a lost one.
UPLOAD_STALE_AFTER = datetime.timedelta(minutes=10)
UPLOAD_MAX_QUEUED = 3
FAILED = ("The file could not be read. Upload it again, and tell the service team if it "
          "fails again")


class UploadRefused(Exception):
    """Nothing was imported: why, for the page (``message`` for the whole file, or each
    row's problem in ``row_errors``)."""

    def __init__(self, message: str = "", *, row_errors: list[str] | None = None):
        super().__init__(message or f"{len(row_errors or [])} row errors")
        self.message = message
        self.row_errors = list(row_errors or [])


Processor = Callable[[SpreadsheetUpload], int]
_PROCESSORS: dict[str, Processor] = {}


def spreadsheet_upload_processor(kind: str) -> Callable[[Processor], Processor]:
    """Register the app function the task calls for a ``kind`` of upload: it makes the
    view's authorisation decisions again for ``uploaded_by``, reads ``data`` and imports
    it through the app's service, returning how many rows it imported, or raises
    :class:`UploadRefused`."""
    def register(function: Processor) -> Processor:
        _PROCESSORS[kind] = function
        return function
    return register


def _posted_before(form_token: uuid.UUID | None, *, actor: User, kind: str,
                   target_id: int, digest: str) -> tuple[SpreadsheetUpload | None, uuid.UUID]:
    """The upload this page's token already made with the same file (a double click, a
    second submit), and the token for a new one: the page's, or a fresh one when the page
    was used again (the back button) for another file."""
    token = form_token or uuid.uuid4()
    earlier = SpreadsheetUpload.objects.defer("data").filter(form_token=token).first()
    if earlier is None:
        return None, token
    if (earlier.uploaded_by_id, earlier.kind, earlier.target_id, earlier.sha256) == (
            actor.pk, kind, target_id, digest):
        return earlier, token
    return None, uuid.uuid4()


@transaction.atomic
def spreadsheet_upload_request(*, actor: User, kind: str, case: Case, target_id: int,
                               name: str, data: bytes, options: dict,
                               form_token: uuid.UUID | None) -> SpreadsheetUpload:
    """Keep a large upload and queue its task once the request commits. The same file
    posted twice from the same page (its token: a double click, a second submit) returns
    the first upload and queues nothing; another file from a page used again (the back
    button) is a new upload."""
    digest = hashlib.sha256(data).hexdigest()
    earlier, token = _posted_before(form_token, actor=actor, kind=kind, target_id=target_id,
                                    digest=digest)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            upload = SpreadsheetUpload.objects.create(
                form_token=token, kind=kind, case=case, target_id=target_id,
                options=options, filename=name[:200], content_type="", size=len(data),
                sha256=digest, data=data, uploaded_by=actor, queued_at=timezone.now(),
                times_queued=1)
    except IntegrityError:  # the same form posted twice at once: the first one stands
        return SpreadsheetUpload.objects.defer("data").get(form_token=token)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=upload,
                 partnership=case.partnership,
                 detail={"case": case.pk, "kind": kind, "target": target_id,
                         "size": len(data), **options})
    _publish(upload)
    return upload


def spreadsheet_upload_imported(*, actor: User, kind: str, case: Case, target_id: int,
                                name: str, data: bytes, options: dict,
                                form_token: uuid.UUID | None,
                                import_rows: Callable[[], int]) -> int:
    """A small upload, imported in the request by ``import_rows``, once per page: the same
    file posted again from the same page (a double click) imports nothing more and gives
    the first count. Call it inside the transaction that holds the lock on the target (the
    second post waits for the first to commit, then finds it), which is where the import's
    own service takes it. Recorded as a finished upload with no file kept."""
    digest = hashlib.sha256(data).hexdigest()
    earlier, token = _posted_before(form_token, actor=actor, kind=kind, target_id=target_id,
                                    digest=digest)
    if earlier is not None:
        return earlier.count or 0
    count = import_rows()
    now = timezone.now()
    SpreadsheetUpload.objects.create(
        form_token=token, kind=kind, case=case, target_id=target_id,
        options=options, filename=name[:200], content_type="", size=len(data), sha256=digest,
        data=b"", uploaded_by=actor, status=SpreadsheetUpload.Status.DONE, count=count,
        started_at=now, finished_at=now)
    return count


def _publish(upload: SpreadsheetUpload) -> None:
    """Queue the task after commit; if the broker does not take it, the upload is marked
    not queued (the page says it is waiting) and the sweep queues it."""
    from .tasks import spreadsheet_upload_read

    def not_queued() -> None:
        SpreadsheetUpload.objects.filter(pk=upload.pk, finished_at=None).update(
            queued_at=None, times_queued=F("times_queued") - 1)

    publish_after_commit(spreadsheet_upload_read, upload.pk, on_failure=not_queued)


def _finish(upload: SpreadsheetUpload, *, status: str, now: datetime.datetime) -> None:
    """The outcome recorded, the file emptied (a child's details, no longer needed) and
    audited, in the import's transaction."""
    upload.status, upload.finished_at, upload.data = status, now, b""
    upload.save(update_fields=["status", "count", "row_errors", "message", "data",
                               "finished_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=upload.uploaded_by, obj=upload,
                 partnership_id=upload.case.partnership_id,
                 detail={"case": upload.case_id, "kind": upload.kind, "status": status,
                         "imported": upload.count or 0, "row_errors": len(upload.row_errors)})


def spreadsheet_upload_run(*, upload_id: int) -> SpreadsheetUpload:
    """Read and import an upload; safe to run twice (the row is locked, and a finished one
    is left alone: the import and the outcome are one transaction, so it imports once).
    Any failure is recorded on the row for the page, never imports part of a file."""
    uploads = (SpreadsheetUpload.objects.select_for_update(of=("self",))
               .select_related("case", "uploaded_by"))
    with transaction.atomic():  # "being read", seen by the page while it is
        upload = uploads.defer("data").get(pk=upload_id)
        if upload.finished_at is not None:
            return upload
        upload.status, upload.started_at = SpreadsheetUpload.Status.RUNNING, timezone.now()
        upload.save(update_fields=["status", "started_at"])
    with transaction.atomic():
        upload = uploads.get(pk=upload_id)
        if upload.finished_at is not None:  # another run finished it meanwhile
            return upload
        status = SpreadsheetUpload.Status.REFUSED
        try:
            with transaction.atomic():
                processor = _PROCESSORS.get(upload.kind)
                if processor is None:
                    raise RuntimeError(f"No processor for {upload.kind}")
                upload.count = processor(upload)
            status = SpreadsheetUpload.Status.DONE
        except UploadRefused as refused:
            upload.message, upload.row_errors = refused.message[:500], refused.row_errors
        except Exception:  # recorded for the page; the worker log has the traceback
            logger.exception("Spreadsheet upload %s failed", upload.pk)
            upload.message = FAILED
        _finish(upload, status=status, now=timezone.now())
    return upload


def _give_up(upload: SpreadsheetUpload, now: datetime.datetime) -> None:
    logger.error("Spreadsheet upload %s given up after %s tries", upload.pk,
                 upload.times_queued)
    upload.message = FAILED
    _finish(upload, status=SpreadsheetUpload.Status.REFUSED, now=now)


def spreadsheet_uploads_requeue(*, limit: int = 200) -> dict[str, int]:
    """The sweep of pending uploads (as documents', :func:`pending_work_requeue`): one
    queued ``UPLOAD_MAX_QUEUED`` times without finishing is refused and its file emptied,
    so a file that kills the worker is not retried for ever."""
    return pending_work_requeue(
        SpreadsheetUpload.objects.filter(finished_at=None)
        .select_related("case", "uploaded_by").order_by("uploaded_at"),
        stale_after=UPLOAD_STALE_AFTER, max_queued=UPLOAD_MAX_QUEUED, publish=_publish,
        give_up=_give_up, limit=limit)
