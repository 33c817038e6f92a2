"""An agency's progress spreadsheet saved: every row through the same services as the
action's page (``evidence_add`` for its evidence, then ``action_update_give``), all in one
transaction. A row the services refuse (complete without evidence, a finished action) is
a row error like the file's own, and then nothing at all is saved."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from accounts.models import User
from cases.models import SpreadsheetUpload
from cases.services import CaseError
from cases.spreadsheet_jobs import UploadRefused, spreadsheet_upload_processor

from ..learning_selectors import plan_actions, plan_for_agency
from ..models import Action, ActionPlan, Evidence
from ..spreadsheet import (
    HEADERS,
    ProgressRow,
    ProgressUpload,
    RowError,
    UnreadableFile,
    progress_read,
)
from .progress import action_update_give, evidence_add

PLAN_SIGNED_OFF = "The board has signed this plan off: progress can no longer be uploaded"

# The services' field names as the spreadsheet's columns.
COLUMN_OF = {"status": HEADERS["status"], "note": HEADERS["note"],
             "not_implemented_reason": HEADERS["not_implemented_reason"],
             "url": HEADERS["evidence_url"], "description": HEADERS["evidence_description"]}


class ProgressUploadRefused(CaseError):
    """Some rows were refused: ``row_errors`` says which and why; nothing was saved."""

    def __init__(self, row_errors: list[RowError]):
        super().__init__(f"{len(row_errors)} row{'s' if len(row_errors) != 1 else ''} "
                         "could not be saved")
        self.row_errors = row_errors


def _row_errors(row: ProgressRow, error: ValidationError) -> list[RowError]:
    if hasattr(error, "error_dict"):
        return [RowError(row.row, COLUMN_OF.get(name, ""), message[:1].lower() + message[1:])
                for name, errors in error.error_dict.items()
                for e in errors for message in e.messages]
    return [RowError(row.row, "", message) for message in error.messages]


def _token(form_token: uuid.UUID | None, row: ProgressRow, what: str) -> uuid.UUID | None:
    """One token per row and what it makes, from the page's: the same upload posted twice
    saves once."""
    if form_token is None:
        return None
    return uuid.uuid5(form_token, f"{row.action.pk}:{what}")


def progress_upload(*, actor: User, plan: ActionPlan, upload: ProgressUpload,
                    form_token: uuid.UUID | None = None) -> int:
    """Save a checked upload's rows, all or none. Returns how many actions were updated;
    raises :class:`ProgressUploadRefused` with every refused row."""
    if not upload.is_clean:
        raise ProgressUploadRefused(upload.errors)
    errors: list[RowError] = []
    with transaction.atomic():
        for row in upload.rows:
            action = Action.objects.select_related("recommendation__plan").get(pk=row.action.pk)
            if action.recommendation.plan_id != plan.pk:
                errors.append(RowError(row.row, HEADERS["reference"],
                                       "this action is not in this plan"))
                continue
            try:
                if row.evidence_description:
                    evidence_add(actor=actor, action=action,
                                 kind=Evidence.Kind.LINK if row.evidence_url
                                 else Evidence.Kind.AUDIT,
                                 description=row.evidence_description, url=row.evidence_url,
                                 form_token=_token(form_token, row, "evidence"))
                action_update_give(actor=actor, action=action, status=row.status,
                                   note=row.note,
                                   not_implemented_reason=row.not_implemented_reason,
                                   form_token=_token(form_token, row, "update"))
            except ValidationError as error:
                errors.extend(_row_errors(row, error))
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ProgressUploadRefused(errors)
    return len(upload.rows)


def progress_upload_file(*, actor: User, plan: ActionPlan, agencies: set[int], name: str,
                         data: bytes, form_token: uuid.UUID | None = None) -> int:
    """Read a whole progress spreadsheet against the plan's actions of ``agencies`` (the
    uploader's), then save it with :func:`progress_upload`. Raises
    :class:`~cases.uploads.UnreadableFile`, :class:`ProgressUploadRefused` or
    ``ValidationError``; nothing is saved unless every row is."""
    if plan.status == ActionPlan.Status.SIGNED_OFF:
        raise CaseError(PLAN_SIGNED_OFF)
    actions = list(plan_actions(plan))
    mine = {a.reference: a for a in actions if a.agency_id in agencies}
    parsed = progress_read(name, data, mine=mine,
                           others={a.reference for a in actions} - set(mine))
    return progress_upload(actor=actor, plan=plan, upload=parsed, form_token=form_token)


@spreadsheet_upload_processor(SpreadsheetUpload.Kind.PROGRESS)
def progress_upload_process(upload: SpreadsheetUpload) -> int:
    """A large progress upload, read and saved by the worker as the upload page would, for
    the person who uploaded it: for the agencies they uploaded for that they still belong
    to, while the plan is open."""
    user = upload.uploaded_by
    plan = ActionPlan.objects.filter(pk=upload.target_id).select_related("case").first()
    try:
        if plan is None or not user.is_active:
            raise Http404
        plan, agencies = plan_for_agency(user, plan.case.reference)
    except Http404 as lost:
        raise UploadRefused("Nothing was saved because the person who uploaded the file can "
                            "no longer update this plan's actions") from lost
    agencies &= set(upload.options.get("agencies", []))
    try:
        return progress_upload_file(actor=user, plan=plan, agencies=agencies,
                                    name=upload.filename, data=bytes(upload.data),
                                    form_token=upload.form_token)
    except UnreadableFile as unreadable:
        raise UploadRefused(str(unreadable)) from unreadable
    except ProgressUploadRefused as refused:
        raise UploadRefused(row_errors=[str(e) for e in refused.row_errors]) from refused
    except ValidationError as refused:
        raise UploadRefused(" ".join(refused.messages)) from refused
