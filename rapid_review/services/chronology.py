"""Chronologies: the agency adds, changes and removes entries (seed 002 Appendix F) or
uploads a spreadsheet of them; the business unit generates the master chronology and the
collated report for the review group (seed 003 SCSI-7).

Entries change only while the return is open (``rules.can_edit_return``). An upload is
all or nothing: it is read and checked whole first, then saved in one transaction.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts import rules
from accounts.audit import audit_record
from accounts.models import AuditEvent, User
from calendars.models import StepAction
from calendars.services import deadline_meet
from cases.documents import (
    PreparationRefused,
    document_generate,
    document_get_or_prepare,
    document_preparer,
)
from cases.models import CaseDocument, DocumentPreparation, SpreadsheetUpload
from cases.services import CaseError
from cases.spreadsheet_jobs import (
    UploadRefused,
    spreadsheet_upload_imported,
    spreadsheet_upload_processor,
)

from ..chronology_io import (
    MAX_LENGTHS,
    REQUIRED,
    ChronologyUpload,
    UnreadableFile,
    chronology_read,
)
from ..models import AgencyReturn, ChronologyEntry, RapidReview

ENTRY_FIELDS = ("date", "source", "agency_department", "subjects", "contact_type",
                "by_whom", "details", "comments")
UPLOAD_MODES = ("add", "replace")


def _lock_open_return(actor: User, agency_return: AgencyReturn) -> AgencyReturn:
    """Re-read under a lock so a submission cannot slip between the check and the change."""
    agency_return = AgencyReturn.objects.select_for_update(of=("self",)).select_related(
        "request__review__case__partnership", "request__agency").get(pk=agency_return.pk)
    if agency_return.is_locked:
        raise CaseError("This return has been submitted, so its chronology cannot be "
                        "changed. Ask the business unit to reopen it")
    if agency_return.request.review.stopped_on:
        raise CaseError("This rapid review has been stopped, so the chronology cannot be "
                        "changed")
    if not rules.can_edit_return(actor, agency_return):
        raise CaseError("Only the agency asked can change this chronology")
    return agency_return


def _clean(values: dict) -> dict:
    """The same checks as a spreadsheet row, worded for a question page."""
    cleaned = {f: (values.get(f) or "") if f != "date" else values.get("date")
               for f in ENTRY_FIELDS}
    for name in ENTRY_FIELDS[1:]:
        cleaned[name] = str(cleaned[name]).strip()
    errors: dict[str, str] = {}
    date = cleaned["date"]
    if not isinstance(date, datetime.date):
        errors["date"] = "Enter the date of the event"
    elif date > timezone.localdate():
        errors["date"] = "The date of the event must be today or in the past"
    for name, message in REQUIRED.items():
        if name != "date" and not cleaned[name]:
            errors[name] = message[0].upper() + message[1:]
    for name, limit in MAX_LENGTHS.items():
        if len(cleaned[name]) > limit and name not in errors:
            errors[name] = f"This must be {limit:,} characters or fewer"
    if errors:
        raise CaseError(errors)
    return cleaned


def _next_position(agency_return: AgencyReturn) -> int:
    top = ChronologyEntry.objects.filter(agency_return=agency_return).aggregate(
        p=Max("position"))["p"]
    return (top or 0) + 1


@transaction.atomic
def chronology_entry_add(*, actor: User, agency_return: AgencyReturn,
                         **values) -> ChronologyEntry:
    """One entry typed online, placed after the return's existing entries."""
    agency_return = _lock_open_return(actor, agency_return)
    cleaned = _clean(values)
    request = agency_return.request
    entry = ChronologyEntry.objects.create(
        agency_return=agency_return, review_id=request.review_id, agency_id=request.agency_id,
        position=_next_position(agency_return), **cleaned)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=entry,
                 partnership=request.review.case.partnership,
                 detail={"return": agency_return.pk, "case": request.review.case_id})
    return entry


@transaction.atomic
def chronology_entry_change(*, actor: User, entry: ChronologyEntry,
                            **values) -> ChronologyEntry:
    agency_return = _lock_open_return(actor, entry.agency_return)
    cleaned = _clean(values)
    changed = [f for f in ENTRY_FIELDS if getattr(entry, f) != cleaned[f]]
    for name in changed:
        setattr(entry, name, cleaned[name])
    if changed:
        entry.save(update_fields=changed)
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=entry,
                 partnership=agency_return.request.review.case.partnership,
                 detail={"return": agency_return.pk, "fields": changed})
    return entry


@transaction.atomic
def chronology_entry_remove(*, actor: User, entry: ChronologyEntry) -> None:
    agency_return = _lock_open_return(actor, entry.agency_return)
    audit_record(action=AuditEvent.Action.DELETE, actor=actor, obj=entry,
                 partnership=agency_return.request.review.case.partnership,
                 detail={"return": agency_return.pk})
    entry.delete()


@transaction.atomic
def chronology_upload(*, actor: User, agency_return: AgencyReturn,
                      upload: ChronologyUpload, mode: str) -> int:
    """Import a whole, clean spreadsheet: added after the existing entries, or replacing
    them. Refused (nothing saved) if the file had any error. Returns the number saved."""
    if mode not in UPLOAD_MODES:
        raise CaseError({"mode": "Select whether to add to or replace the entries"})
    if not upload.is_clean:
        raise CaseError({"file": [str(e) for e in upload.errors]})
    agency_return = _lock_open_return(actor, agency_return)
    request = agency_return.request
    removed = 0
    if mode == "replace":
        removed, _ = ChronologyEntry.objects.filter(agency_return=agency_return).delete()
        start = 1
    else:
        start = _next_position(agency_return)
    ChronologyEntry.objects.bulk_create([
        ChronologyEntry(agency_return=agency_return, review_id=request.review_id,
                        agency_id=request.agency_id, position=start + index, **row)
        for index, row in enumerate(upload.rows)], batch_size=1000)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=agency_return,
                 partnership=request.review.case.partnership,
                 detail={"chronology_upload": len(upload.rows), "mode": mode,
                         "removed": removed, "case": request.review.case_id})
    return len(upload.rows)


@transaction.atomic
def chronology_upload_once(*, actor: User, agency_return: AgencyReturn,
                           upload: ChronologyUpload, mode: str, name: str, data: bytes,
                           form_token: uuid.UUID | None) -> int:
    """:func:`chronology_upload` for the upload page: a double click on "Upload" adds the
    entries once (the return is locked first, so the second post waits for the first and
    then finds it done)."""
    locked = _lock_open_return(actor, agency_return)
    return spreadsheet_upload_imported(
        actor=actor, kind=SpreadsheetUpload.Kind.CHRONOLOGY, case=locked.request.review.case,
        target_id=locked.pk, name=name, data=data, options={"mode": mode},
        form_token=form_token,
        import_rows=lambda: chronology_upload(actor=actor, agency_return=locked,
                                              upload=upload, mode=mode))


@spreadsheet_upload_processor(SpreadsheetUpload.Kind.CHRONOLOGY)
def chronology_upload_process(upload: SpreadsheetUpload) -> int:
    """A large chronology upload, read by the worker as the upload page reads a small one
    (same reader, caps and messages), then imported by :func:`chronology_upload` for the
    person who uploaded it, if they can still change the chronology."""
    user = upload.uploaded_by
    agency_return = (AgencyReturn.objects.select_related(
        "request__review__case__partnership", "request__agency")
        .filter(pk=upload.target_id).first())
    if (agency_return is None or not user.is_active
            or not rules.can_view_information_request(user, agency_return.request)):
        raise UploadRefused("Nothing was imported because the person who uploaded the file "
                            "can no longer change this chronology")
    try:
        parsed = chronology_read(upload.filename, bytes(upload.data),
                                 today=timezone.localdate())
    except UnreadableFile as unreadable:
        raise UploadRefused(str(unreadable)) from unreadable
    if not parsed.is_clean:
        raise UploadRefused(row_errors=[str(e) for e in parsed.errors])
    try:
        return chronology_upload(actor=user, agency_return=agency_return, upload=parsed,
                                 mode=upload.options.get("mode", ""))
    except CaseError as refused:
        raise UploadRefused(" ".join(refused.messages)) from refused


def _master_content(review: RapidReview, filters):
    from ..documents.chronology import master_chronology_content
    from ..selectors.chronology import all_master_entries, contributing_agencies

    entries, scope = all_master_entries(review, filters)
    described = filters.describe(contributing_agencies(review)) if filters else ""
    return (master_chronology_content(review, entries, scope, filters_described=described),
            len(entries))


def master_chronology_generate(*, actor: User, review: RapidReview, filters=None
                               ) -> CaseDocument:
    """The master chronology as a stored DOCX and PDF (landscape). With filters, a separate
    document (its own ``related_key``) that says it is filtered."""
    from ..selectors.chronology import MasterFilters

    filters = filters or MasterFilters()
    content, _count = _master_content(review, filters)
    return document_generate(actor=actor, case=review.case,
                             kind=CaseDocument.Kind.MASTER_CHRONOLOGY, content=content,
                             related_key=filters.key)


def master_chronology_document(*, actor: User, review: RapidReview, filters=None
                               ) -> CaseDocument | DocumentPreparation:
    """For a download: the stored version if the content is unchanged, rendered now if it
    is small, else prepared by a task (the caller shows that it is being prepared)."""
    from ..selectors.chronology import MasterFilters

    filters = filters or MasterFilters()
    content, count = _master_content(review, filters)
    return document_get_or_prepare(actor=actor, case=review.case,
                                   kind=CaseDocument.Kind.MASTER_CHRONOLOGY, content=content,
                                   entries=count, related_key=filters.key,
                                   filters=_filters_dict(filters))


def _filters_dict(filters) -> dict:
    """Only ids, dates and the search words travel to the task."""
    return {"agency": filters.agency, "subject": filters.subject,
            "date_from": filters.date_from.isoformat() if filters.date_from else None,
            "date_to": filters.date_to.isoformat() if filters.date_to else None}


def _filters_from(data: dict):
    from ..selectors.chronology import MasterFilters

    def day(value):
        return datetime.date.fromisoformat(value) if value else None

    return MasterFilters(agency=data.get("agency"), subject=data.get("subject") or "",
                         date_from=day(data.get("date_from")), date_to=day(data.get("date_to")))


def _papers_still_readable(preparation: DocumentPreparation) -> RapidReview:
    """The view's decision again, when the task runs: the person who asked must still be
    able to read the review papers."""
    from ..selectors.terms import review_for_papers

    user = preparation.requested_by
    review = review_for_papers(user, preparation.case.reference) if user.is_active else None
    if review is None or not rules.can_view_master_chronology(user, review.case):
        raise PreparationRefused("It was not prepared because the person who asked for it "
                                 "can no longer read this rapid review's papers")
    return review


@document_preparer(CaseDocument.Kind.MASTER_CHRONOLOGY)
def master_chronology_prepare(preparation: DocumentPreparation) -> CaseDocument:
    review = _papers_still_readable(preparation)
    return master_chronology_generate(actor=preparation.requested_by, review=review,
                                      filters=_filters_from(preparation.filters))


def _collated_content(actor: User, review: RapidReview):
    from ..documents.chronology import collated_returns_content
    from ..selectors.chronology import collated_returns

    if not rules.can_run_rapid_review(actor, review.case):
        raise CaseError("Only the business unit can collate the returns")
    collated = collated_returns(review)
    return collated_returns_content(review, collated), len(collated.entries)


def collated_returns_generate(*, actor: User, review: RapidReview) -> CaseDocument:
    """SCSI-7 for the review group: a new version only when something changed. The first
    one meets the plan's "collate returns" step."""
    content, _count = _collated_content(actor, review)
    document = document_generate(actor=actor, case=review.case,
                                 kind=CaseDocument.Kind.COLLATED_RETURNS, content=content)
    deadline_meet(actor=actor, case=review.case, action=StepAction.RETURNS_COLLATED)
    return document


def collated_returns_request(*, actor: User, review: RapidReview
                             ) -> CaseDocument | DocumentPreparation:
    """The "Generate" button: as :func:`collated_returns_generate`, but a long chronology
    is prepared by a task."""
    content, count = _collated_content(actor, review)
    result = document_get_or_prepare(actor=actor, case=review.case,
                                     kind=CaseDocument.Kind.COLLATED_RETURNS, content=content,
                                     entries=count)
    if isinstance(result, CaseDocument):
        deadline_meet(actor=actor, case=review.case, action=StepAction.RETURNS_COLLATED)
    return result


@document_preparer(CaseDocument.Kind.COLLATED_RETURNS)
def collated_returns_prepare(preparation: DocumentPreparation) -> CaseDocument:
    review = _papers_still_readable(preparation)
    try:
        return collated_returns_generate(actor=preparation.requested_by, review=review)
    except CaseError as refused:
        raise PreparationRefused(" ".join(refused.messages)) from refused
