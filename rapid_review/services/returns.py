"""Agency returns: the agency's answers saved as a draft section by section, attachments,
a nil return, submission (authorised by the safeguarding lead officer, which locks it) and
reopening by the business unit."""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.fields import SECTION_MAX_LENGTH
from accounts.models import AuditEvent, Membership, Role, User
from calendars.models import StepAction
from calendars.services import deadline_meet
from cases.services import CaseError, EditConflict
from cases.uploads import max_file_size, zip_problem
from cases.virus_scan import virus_scan
from outbox.services import message_queue

from ..models import AgencyReturn, ReturnAttachment

INVOLVED_WITH = [
    ("child", "The child"),
    ("family", "Family members"),
    ("perpetrator", "The suspected perpetrator"),
]
SECTIONS = {
    "answers": ("Answers to the reviewer's questions", ["further_answers"]),
    "involvement": ("Involvement", ["involved_with", "involvement_from", "involvement_to",
                                    "services"]),
    "summary": ("Summary of involvement", ["summary"]),
    "analysis": ("Analysis", ["worked_well", "worried_about"]),
    "learning": ("Immediate learning", ["immediate_learning"]),
    "records": ("Records secured", ["records_secured", "records_secured_on"]),
}
REQUIRED_SECTIONS = ("involvement", "summary", "analysis", "records")
FURTHER_SECTION = "answers"
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ZIP_MARKERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def involved_with_labels(value: str) -> list[str]:
    labels = dict(INVOLVED_WITH)
    return [labels[k] for k in value.split(",") if k in labels]


def _lock_for_edit(agency_return: AgencyReturn) -> AgencyReturn:
    """Re-read under a lock; a submitted return or a stopped review takes no change."""
    agency_return = AgencyReturn.objects.select_for_update(of=("self",)).select_related(
        "request__review__case__partnership", "request__agency").get(pk=agency_return.pk)
    if agency_return.is_locked:
        raise CaseError("This return has been submitted, so it cannot be changed. Ask the "
                        "business unit to reopen it")
    if agency_return.request.review.stopped_on:
        raise CaseError("This rapid review has been stopped, so the return cannot be changed")
    return agency_return


def sections_for(request) -> list[str]:
    """The sections an agency answers: a further information request for the LCSPR has the
    reviewer's questions first (the only ones it must answer); a rapid review's has none."""
    keys = [key for key in SECTIONS if key != FURTHER_SECTION]
    return [FURTHER_SECTION, *keys] if request.is_further else keys


def required_sections(request) -> tuple[str, ...]:
    return (FURTHER_SECTION,) if request.is_further else REQUIRED_SECTIONS


def _answer(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    return str(value or "")


def _refuse_if_changed(agency_return: AgencyReturn, revision: int | None,
                       fields: list[str]) -> None:
    """No lost update: a form read at an older revision of the return is refused, with
    what these questions say now (several people of an agency may work on one return)."""
    if revision is None or revision == agency_return.revision:
        return
    last = (AuditEvent.objects.filter(object_type=agency_return._meta.label_lower,
                                      object_id=str(agency_return.pk),
                                      action=AuditEvent.Action.UPDATE)
            .select_related("actor").order_by("-id").first())
    who = last.actor.full_name if last is not None and last.actor else "Someone"
    when = last.occurred_at if last is not None else agency_return.updated_at
    local = timezone.localtime(when)
    raise EditConflict(
        f"{who} saved this return at {local:%H:%M} on {local:%-d %B %Y}, after you opened "
        f"this page. Yours has not been saved: read what it says now, then save again",
        who=who, when=when, current=agency_return.revision,
        theirs=[(AgencyReturn._meta.get_field(f).verbose_name.capitalize(),
                 _answer(getattr(agency_return, f))) for f in fields])


def _check_past(errors: dict, field: str, value: datetime.date | None, what: str) -> None:
    if value and value > timezone.localdate():
        errors[field] = f"{what} must be today or in the past"


@transaction.atomic
def agency_return_save(*, actor: User, agency_return: AgencyReturn, section: str,
                       revision: int | None = None, **values) -> AgencyReturn:
    """Save one section of the draft: what is saved survives a closed browser.
    ``revision``: the return's when the form was read; a save against an older one is
    refused rather than overwrite what someone else saved meanwhile."""
    if section not in SECTIONS:
        raise ValueError(section)
    agency_return = _lock_for_edit(agency_return)
    if section not in sections_for(agency_return.request):
        raise ValueError(section)
    fields = SECTIONS[section][1]
    _refuse_if_changed(agency_return, revision, fields)
    values = {f: values.get(f) for f in fields}
    errors: dict[str, str] = {}
    if section == "involvement":
        chosen = values["involved_with"] or []
        if isinstance(chosen, str):
            chosen = [c for c in chosen.split(",") if c]
        known = [k for k, _ in INVOLVED_WITH]
        values["involved_with"] = ",".join(k for k in known if k in chosen)
        _check_past(errors, "involvement_from", values["involvement_from"],
                    "The date involvement started")
        _check_past(errors, "involvement_to", values["involvement_to"],
                    "The date involvement ended")
        start, end = values["involvement_from"], values["involvement_to"]
        if start and end and end < start:
            errors["involvement_to"] = ("The date involvement ended must be the same as or "
                                        "after the date it started")
    answers = values.get("further_answers") or ""
    if section == FURTHER_SECTION and len(answers) > SECTION_MAX_LENGTH:
        errors["further_answers"] = f"The answers must be {SECTION_MAX_LENGTH:,} characters " \
                                    f"or fewer"
    if section == "records":
        if values["records_secured"] is not True:
            values["records_secured_on"] = None
        elif not values["records_secured_on"]:
            errors["records_secured_on"] = "Enter the date the records were secured"
        _check_past(errors, "records_secured_on", values["records_secured_on"],
                    "The date the records were secured")
    if errors:
        raise CaseError(errors)
    for field, value in values.items():
        setattr(agency_return, field, value.strip() if isinstance(value, str) else value)
    agency_return.revision += 1
    agency_return.save(update_fields=[*fields, "revision", "updated_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=agency_return,
                 partnership=agency_return.request.review.case.partnership,
                 detail={"section": section})
    return agency_return


@transaction.atomic
def agency_return_nil(*, actor: User, agency_return: AgencyReturn, is_nil: bool,
                      reason: str = "", revision: int | None = None) -> AgencyReturn:
    """A nil return needs only its short reason; choosing 'no' goes back to a full return.
    ``revision``: as for a section."""
    agency_return = _lock_for_edit(agency_return)
    _refuse_if_changed(agency_return, revision, ["is_nil_return", "nil_reason"])
    reason = reason.strip()
    if is_nil and not reason:
        raise CaseError({"nil_reason": "Enter why your agency is making a nil return"})
    agency_return.is_nil_return = is_nil
    agency_return.nil_reason = reason if is_nil else ""
    agency_return.revision += 1
    agency_return.save(update_fields=["is_nil_return", "nil_reason", "revision", "updated_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=agency_return,
                 partnership=agency_return.request.review.case.partnership,
                 detail={"nil_return": is_nil})
    return agency_return


def attachment_problem(filename: str, data: bytes, *, opened: bool = False) -> str | None:
    """PDF, DOCX or XLSX only, by extension and by content, up to UPLOAD_MAX_FILE_BYTES; a
    DOCX or XLSX must also open to a safe size (cases.uploads). ``opened``: the service will
    read the file itself (the LCSPR draft it anonymises), so the tighter limit applies."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ATTACHMENT_TYPES:
        return "The selected file must be a PDF, DOCX or XLSX"
    if len(data) > settings.UPLOAD_MAX_FILE_BYTES:
        return f"The selected file must be smaller than {max_file_size()}"
    if not data:
        return "The selected file is empty"
    if extension == "pdf":
        ok = data[:1024].lstrip().startswith(b"%PDF-")
    else:
        if problem := zip_problem(data, max_uncompressed=(
                settings.UPLOAD_OPENED_MAX_UNCOMPRESSED_BYTES if opened
                else settings.UPLOAD_STORED_MAX_UNCOMPRESSED_BYTES), kind=extension.upper()):
            return problem
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            ok = ZIP_MARKERS[extension] in archive.namelist()
    if not ok:
        return f"The selected file is not a real {extension.upper()} file"
    return None


@transaction.atomic
def return_attachment_add(*, actor: User, agency_return: AgencyReturn, filename: str,
                          data: bytes) -> ReturnAttachment:
    agency_return = _lock_for_edit(agency_return)
    filename = filename.replace("\\", "/").rsplit("/", 1)[-1].replace('"', "")[:200]
    problem = attachment_problem(filename, data)
    if problem:
        raise CaseError({"file": problem})
    scan = virus_scan(data)
    extension = filename.rsplit(".", 1)[-1].lower()
    attachment = ReturnAttachment.objects.create(
        agency_return=agency_return, filename=filename,
        content_type=ATTACHMENT_TYPES[extension], size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_by=actor,
        virus_scan=scan)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=attachment,
                 partnership=agency_return.request.review.case.partnership,
                 detail={"return": agency_return.pk, "size": len(data), "virus_scan": scan})
    return attachment


@transaction.atomic
def return_attachment_remove(*, actor: User, attachment: ReturnAttachment) -> None:
    agency_return = _lock_for_edit(attachment.agency_return)
    audit_record(action=AuditEvent.Action.DELETE, actor=actor, obj=attachment,
                 partnership=agency_return.request.review.case.partnership,
                 detail={"return": agency_return.pk})
    attachment.delete()


def section_complete(agency_return: AgencyReturn, section: str) -> bool:
    r = agency_return
    return {
        "answers": bool(r.further_answers.strip()),
        "involvement": bool(r.involved_with and r.involvement_from and r.services.strip()),
        "summary": bool(r.summary.strip()),
        "analysis": bool(r.worked_well.strip() and r.worried_about.strip()),
        "learning": bool(r.immediate_learning.strip()),
        "records": r.records_secured is False or bool(r.records_secured
                                                      and r.records_secured_on),
    }[section]


MISSING = {
    "answers": "Answer the reviewer's questions",
    "involvement": "Complete the involvement: with whom, from when, and the services provided",
    "summary": "Enter the summary of involvement",
    "analysis": "Enter what worked well and what you are worried about",
    "records": "Say whether the records have been secured, and when",
}


def agency_return_missing(agency_return: AgencyReturn) -> dict[str, str]:
    """What still blocks submitting, by section (empty for a nil return with a reason)."""
    if agency_return.is_nil_return:
        return {} if agency_return.nil_reason.strip() else {
            "nil": "Enter why your agency is making a nil return"}
    return {s: MISSING[s] for s in required_sections(agency_return.request)
            if not section_complete(agency_return, s)}


@transaction.atomic
def agency_return_submit(*, actor: User, agency_return: AgencyReturn,
                         authorised_by: str, form_token=None) -> AgencyReturn:
    """Submit, authorised by the safeguarding lead officer: the return locks and the
    agency's deadline is met (or recorded as missed when late). The same check page posted
    twice submits once."""
    if form_token is not None:
        locked = AgencyReturn.objects.select_for_update(of=("self",)).get(pk=agency_return.pk)
        if locked.is_locked and locked.submit_token == form_token:
            return locked
    agency_return = _lock_for_edit(agency_return)
    authorised_by = authorised_by.strip()
    missing = agency_return_missing(agency_return)
    if missing:
        raise CaseError(missing)
    if not authorised_by:
        raise CaseError({"authorised_by": "Enter the name of the safeguarding lead officer "
                                          "who authorised the return"})
    request = agency_return.request
    now = timezone.now()
    first_submission = agency_return.submitted_at is None
    agency_return.status = AgencyReturn.Status.SUBMITTED
    agency_return.authorised_by = authorised_by
    agency_return.submit_token = form_token
    agency_return.submitted_at, agency_return.submitted_by = now, actor
    if first_submission:
        # Lateness is the first submission's: a return reopened at the business unit's
        # request and sent again is not late for that.
        due_on = request.due_on
        agency_return.submitted_late = due_on is not None and timezone.localdate(now) > due_on
    agency_return.save()
    case = request.review.case
    deadline_meet(actor=actor, case=case, action=StepAction.RETURN_SUBMITTED,
                  related_key=request.deadline_key, met_at=now)
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=agency_return,
                 partnership=case.partnership,
                 detail={"submitted": True, "late": agency_return.submitted_late,
                         "nil_return": agency_return.is_nil_return})
    email_return_submitted(agency_return)
    return agency_return


@transaction.atomic
def agency_return_reopen(*, actor: User, agency_return: AgencyReturn,
                         reason: str) -> AgencyReturn:
    """The business unit sends a submitted return back to the agency, with its reason."""
    agency_return = AgencyReturn.objects.select_for_update(of=("self",)).select_related(
        "request__review__case__partnership").get(pk=agency_return.pk)
    reason = reason.strip()
    if agency_return.status != AgencyReturn.Status.SUBMITTED:
        raise CaseError("Only a submitted return can be reopened")
    if agency_return.request.review.stopped_on:
        raise CaseError("This rapid review has been stopped")
    if not reason:
        raise CaseError({"reason": "Enter why the return is being reopened"})
    agency_return.status = AgencyReturn.Status.REOPENED
    agency_return.reopened_at, agency_return.reopened_by = timezone.now(), actor
    agency_return.reopen_reason = reason
    agency_return.save(update_fields=["status", "reopened_at", "reopened_by", "reopen_reason",
                                      "updated_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=agency_return,
                 partnership=agency_return.request.review.case.partnership,
                 detail={"reopened": True})
    email_return_reopened(agency_return)
    return agency_return


def _link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def email_return_submitted(agency_return: AgencyReturn) -> int:
    """To the business unit: which agency returned for which case, and a link."""
    request = agency_return.request
    case = request.review.case
    recipients = sorted(set(Membership.objects.filter(
        partnership_id=case.partnership_id, user__is_active=True,
        role__in=[Role.BUSINESS_UNIT_OFFICER, Role.BUSINESS_MANAGER],
    ).values_list("user__email", flat=True)))
    kind = "a nil return" if agency_return.is_nil_return else "its return"
    late = " (late)" if agency_return.submitted_late else ""
    body = (f"{request.agency.name} has submitted {kind}{late} for {request.review_name} "
            f"{case.reference}.\n\nRead it: "
            f"{_link('rapid_review:return-view', case.reference, request.pk)}\n")
    return message_queue(to=recipients, subject=f"Agency return received: {case.reference}",
                         body=body, kind="return_submitted",
                         partnership_id=case.partnership_id, reference=case.reference,
                         related={"return": agency_return.pk})


def email_return_reopened(agency_return: AgencyReturn) -> int:
    """To the agency's users and mailbox: the return is open again (the reason is on the
    page, not in the email)."""
    request = agency_return.request
    case = request.review.case
    recipients = sorted(set(Membership.objects.filter(
        partnership_id=case.partnership_id, agency_id=request.agency_id,
        role=Role.AGENCY_USER, user__is_active=True).values_list("user__email", flat=True))
        | ({request.agency.email} if request.agency.email else set()))
    body = (f"The business unit has reopened your agency's return for "
            f"{request.review_name} {case.reference}. Please see why, update it and submit "
            f"it again: {_link('rapid_review:return', request.pk)}\n")
    return message_queue(to=recipients, subject=f"Return reopened: {case.reference}",
                         body=body, kind="return_reopened",
                         partnership_id=case.partnership_id, reference=case.reference,
                         related={"return": agency_return.pk})
