"""Submitting the rapid review to the National Panel (seed 003 Letter 9, seed 004 §4.7):
the pack of signed documents, recording the submission, telling the Panel if it will be
late (seed 001), and telling the referrer and the contributors the outcome."""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, Membership, Role, User
from calendars.models import StepAction
from calendars.services import deadline_meet, deadlines_close
from calendars.working_days import add_working_days, default_calendar, working_days_between
from cases.documents import DocumentContent, Paragraph, SummaryList, Table, document_generate
from cases.models import CaseDocument
from cases.services import CaseError
from notifications.documents import Signatory, letter_content
from outbox.services import message_queue

from ..documents.report import disagreements_table
from ..models import (
    RAPID_REVIEW_WORKING_DAYS,
    DelayNotice,
    PanelSubmission,
    PartnerSignature,
    RapidReview,
    ReportVersion,
    ReviewReport,
    TermsOfReference,
)
from ..selectors.signoff import disagreements_before, signoff_state
from .signoff import endorsement_required, version_documents_generate, version_key
from .terms import terms_document

# Fixed timestamps inside the ZIP, so the same documents always make the same bytes.
ZIP_TIMESTAMP = (2020, 1, 1, 0, 0, 0)


def submission_due_on(review: RapidReview) -> datetime.date:
    """Working day 15 after the notification, on the statutory calendar: the limit is set
    in law, so a partnership's closure days never move it."""
    return add_working_days(review.started_on, RAPID_REVIEW_WORKING_DAYS, default_calendar())


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _signed_version(review: RapidReview) -> ReportVersion:
    state = signoff_state(review)
    if state.version is None or not state.all_signed:
        raise CaseError("All three safeguarding partners must sign the report before it is "
                        "submitted to the Panel")
    who = endorsement_required(review)
    if who and not state.version.endorsements.exists():
        raise CaseError(f"The {who.lower()} must endorse version {state.version.number} "
                        "before it is submitted to the Panel")
    return state.version


# The Panel's mailbox for rapid reviews, as the partnerships' procedures give it.
PANEL_ADDRESSEE = ["The Chair", "Child Safeguarding Practice Review Panel",
                   "Mailbox.NationalReviewPanel@education.gov.uk"]


def _signed_on(signature: PartnerSignature) -> str:
    return f"{timezone.localtime(signature.signed_at):%-d %B %Y}"


def _letter_content(review: RapidReview, version: ReportVersion) -> DocumentContent:
    """Letter 9 (Document 5): the safeguarding partners' covering letter to the Panel with
    the decision, which version they signed, by whom and when, any disagreement and how it
    was resolved. Dated the day the version was ready to send (the last signature or the
    endorsement), so the same record always makes the same letter."""
    case = review.case
    report = version.report
    notification = review.notification
    signatures = list(version.signatures.filter(
        outcome=PartnerSignature.Outcome.SIGNED).order_by("partner"))
    endorsements = list(version.endorsements.all())
    ready = max([timezone.localdate(s.signed_at) for s in signatures]
                + [e.endorsed_on for e in endorsements])
    decision = ReviewReport.Decision(report.decision).label if report.decision else ""
    body = [
        Paragraph(f"The safeguarding partners of the {case.partnership.name} have completed "
                  "the rapid review of this serious child safeguarding incident. Our decision "
                  f"is: {decision}."),
        SummaryList([
            ("Case reference", case.reference),
            ("Panel or Ofsted reference", notification.panel_reference or "Not recorded"),
            ("Panel notified on", f"{notification.notified_on:%-d %B %Y}"),
            ("Rapid review meeting", f"{report.decision_meeting.held_on:%-d %B %Y}"
             if report.decision_meeting else "Not recorded"),
            ("Decision", decision),
            ("Version signed", f"Version {version.number} of the rapid review report and "
                               "decision record"),
        ]),
        Paragraph(f"We enclose the rapid review report and the decision record, version "
                  f"{version.number}, which the three safeguarding partners signed, and the "
                  "terms of reference. The fingerprint (SHA-256) of the signed version is "
                  f"{version.content_sha256}."),
        Table(["Partner", "Signed by", "Role", "Signed on"],
              [[s.get_partner_display(), s.signer_name, s.signer_role, _signed_on(s)]
               for s in signatures], widths=(22, 28, 28, 22)),
    ]
    for endorsement in endorsements:
        body.append(Paragraph(f"Endorsed by {endorsement.endorsed_by_name}, "
                              f"{endorsement.endorsed_by_role}, on "
                              f"{endorsement.endorsed_on:%-d %B %Y}."))
    disagreements = disagreements_before(version)
    if disagreements:
        body.append(Paragraph("A partner recorded a disagreement before signing. The signed "
                              "decision record sets out what it was and how it was resolved:"))
        body.append(disagreements_table(disagreements))
    body.append(Paragraph("Please contact the business unit if you need anything more."))
    return letter_content(
        title="Decision of the rapid review of a serious child safeguarding incident",
        partnership=case.partnership, case_reference=case.reference, dated=ready,
        addressee=PANEL_ADDRESSEE, salutation="Dear Chair", body=body,
        signatories=[Signatory(s.signer_name, f"{s.signer_role}, for the "
                                              f"{s.get_partner_display().lower()}")
                     for s in signatures])


def submission_letter(*, actor: User | None, review: RapidReview) -> CaseDocument:
    version = _signed_version(review)
    return document_generate(actor=actor, case=review.case,
                             kind=CaseDocument.Kind.SUBMISSION_LETTER,
                             content=_letter_content(review, version),
                             related_key=version_key(version))


def _latest(case_id: int, kind: str, related_key: str | None = None) -> CaseDocument | None:
    documents = CaseDocument.objects.filter(case=case_id, kind=kind)
    if related_key is not None:
        documents = documents.filter(related_key=related_key)
    return documents.order_by("-version", "-id").first()


def _terms_document(actor: User | None, review: RapidReview) -> CaseDocument | None:
    """The stored terms of reference; made now if the making after their last change
    failed (or its PDF did)."""
    document = _latest(review.case_id, CaseDocument.Kind.TERMS_OF_REFERENCE)
    terms = TermsOfReference.objects.filter(review=review).first()
    if terms is not None and (document is None or document.pdf_error):
        document = terms_document(actor=actor, terms=terms)
    return document


def submission_pack_documents_make(*, actor: User | None, review: RapidReview) -> None:
    """Make what the pack holds and is still missing (the version's documents are made after
    the signing commits), try again a PDF that failed, and store the covering letter as
    the record says now: the change before the pack is downloaded (a POST; the same
    content is never stored twice, so a second click makes nothing)."""
    version = _signed_version(review)
    version_documents_generate(actor=actor, version=version)
    submission_letter(actor=actor, review=review)
    _terms_document(actor, review)


def submission_pack(*, actor: User | None, review: RapidReview) -> tuple[str, bytes]:
    """The ZIP for the Panel with its documents made first (the command, and tests)."""
    submission_pack_documents_make(actor=actor, review=review)
    return submission_pack_stored(review=review)


def submission_pack_stored(*, review: RapidReview) -> tuple[str, bytes]:
    """The ZIP for the Panel from the stored documents, changing nothing: the report and the
    signed decision record, the covering letter and the terms of reference, each as DOCX
    and PDF, with a manifest of their SHA-256."""
    version = _signed_version(review)
    case = review.case
    key = version_key(version)
    parts = [
        ("1-rapid-review-report", _latest(case.pk, CaseDocument.Kind.RAPID_REVIEW_REPORT,
                                          f"{key}-signed")),
        ("2-decision-record-signed", _latest(case.pk, CaseDocument.Kind.DECISION_RECORD,
                                             f"{key}-signed")),
        ("3-covering-letter", _latest(case.pk, CaseDocument.Kind.SUBMISSION_LETTER, key)),
        ("4-terms-of-reference", _latest(case.pk, CaseDocument.Kind.TERMS_OF_REFERENCE)),
    ]
    missing = [name for name, document in parts if document is None]
    if missing:
        raise CaseError(f"The pack is missing: {', '.join(missing)}")
    no_pdf = [f"{document.get_kind_display()} ({document.pdf_error})"
              for _name, document in parts if document.pdf_error]
    if no_pdf:
        raise CaseError(f"The PDF of {'; '.join(no_pdf)} could not be made, so the pack "
                        "cannot be made yet. Try again, and tell the service team if it fails "
                        "again")
    buffer = io.BytesIO()
    manifest = [f"Submission to the Child Safeguarding Practice Review Panel: {case.reference}",
                f"{case.partnership.name}", f"Report version {version.number}, SHA-256 "
                f"{version.content_sha256}", ""]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, document in parts:
            for fmt in ("docx", "pdf"):
                data = bytes(getattr(document, fmt))
                filename = f"{case.reference}-{name}.{fmt}"
                archive.writestr(zipfile.ZipInfo(filename, ZIP_TIMESTAMP), data)
                manifest.append(f"{hashlib.sha256(data).hexdigest()}  {filename}")
        archive.writestr(zipfile.ZipInfo("MANIFEST.txt", ZIP_TIMESTAMP),
                         "\n".join(manifest) + "\n")
    return f"{case.reference}-submission-to-the-panel.zip", buffer.getvalue()


# Steps of gathering and agreeing the review that a submission makes moot: still open at
# submission (a receipt never confirmed, a late return), they no longer apply, and would
# otherwise show as overdue on a review the Panel already has.
GATHERING_ACTIONS = (
    StepAction.TERMS_AGREED, StepAction.INFORMATION_REQUESTS_SENT,
    StepAction.RECEIPT_CONFIRMED, StepAction.RETURN_SUBMITTED, StepAction.RETURNS_COLLATED,
    StepAction.MEETING_SCHEDULED, StepAction.MEETING_HELD, StepAction.DECISION_RECORD_SENT,
    StepAction.PARTNERS_SIGNED, StepAction.REPORT_ENDORSED)


@transaction.atomic
def submission_record(*, actor: User, review: RapidReview, submitted_on: datetime.date,
                      method: str, late_reason: str = "", form_token=None) -> PanelSubmission:
    """The rapid review went to the Panel: meets the step, tells the referrer and the
    agencies that contributed. After working day 15 the Panel must have been told why
    (seeds 000 and 001): a delay notice sent before, or the reason given now, which is
    recorded as the notice sent with the submission. The same form posted twice records
    it once."""
    review = RapidReview.objects.select_for_update(of=("self",)).select_related(
        "case__partnership", "notification").get(pk=review.pk)
    if hasattr(review, "submission"):
        if form_token is not None and review.submission.form_token == form_token:
            return review.submission
        raise CaseError("The submission to the Panel has already been recorded")
    # The report next, in the order edits take it (docs/decisions/0006): an edit voiding
    # the signed version cannot slip in between reading it and submitting it.
    ReviewReport.objects.select_for_update(of=("self",)).filter(review=review).first()
    version = _signed_version(review)
    due_on = submission_due_on(review)
    late_reason = (late_reason or "").strip()
    errors = {}
    if submitted_on > timezone.localdate():
        errors["submitted_on"] = "The date it was submitted must be today or in the past"
    elif submitted_on < review.started_on:
        errors["submitted_on"] = "The date it was submitted must be after the notification"
    elif submitted_on > due_on and not late_reason and not review.delay_notices.filter(
            sent_on__isnull=False, sent_on__lte=submitted_on).exists():
        errors["late_reason"] = (
            f"The rapid review was due by {due_on:%-d %B %Y} (working day "
            f"{RAPID_REVIEW_WORKING_DAYS} on England's bank holidays): enter why it is late, "
            "which the Panel is told with the submission")
    if method not in PanelSubmission.Method.values:
        errors["method"] = "Select how it was submitted"
    if errors:
        raise CaseError(errors)
    submission = PanelSubmission.objects.create(
        review=review, version=version, submitted_on=submitted_on, method=method,
        working_day=max(0, working_days_between(review.started_on, submitted_on,
                                                default_calendar())),
        recorded_by=actor, form_token=form_token)
    if submitted_on > due_on and late_reason:
        notice = DelayNotice.objects.create(review=review, reason=late_reason,
                                            expected_on=submitted_on, sent_on=submitted_on,
                                            created_by=actor)
        audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=notice,
                     partnership=review.case.partnership,
                     detail={"case": review.case_id, "with_submission": True})
        deadline_meet(actor=actor, case=review.case, action=StepAction.DELAY_NOTICE_SENT,
                      met_at=_noon(submitted_on))
    elif submitted_on <= due_on:
        deadlines_close(actor=actor, case=review.case, actions=[StepAction.DELAY_NOTICE_SENT],
                        reason="Submitted on time: the Panel did not need telling of a delay")
    deadline_meet(actor=actor, case=review.case, action=StepAction.RAPID_REVIEW_SUBMITTED,
                  met_at=_noon(submitted_on))
    deadlines_close(actor=actor, case=review.case, actions=GATHERING_ACTIONS,
                    reason="The rapid review was submitted to the Panel without it")
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=submission,
                 partnership=review.case.partnership,
                 detail={"case": review.case_id, "version": version.number,
                         "working_day": submission.working_day})
    email_outcome(submission)
    return submission


def email_outcome(submission: PanelSubmission) -> int:
    """The referring agency and every agency asked for information hear the outcome: the
    case reference and the decision, nothing about the child. Queued with the submission."""
    review = submission.review
    case = review.case
    agencies = set(review.information_requests.values_list("agency_id", flat=True))
    referral = getattr(case, "referral", None)
    if referral is not None:
        agencies.add(referral.referring_agency_id)
    recipients = sorted(set(Membership.objects.filter(
        partnership=case.partnership_id, role=Role.AGENCY_USER, agency_id__in=agencies,
        user__is_active=True).values_list("user__email", flat=True)))
    decision = ReviewReport.Decision(submission.version.report.decision).label
    subject = f"Outcome of rapid review {case.reference}"
    body = (f"The rapid review of case {case.reference} was submitted to the Child "
            f"Safeguarding Practice Review Panel on {submission.submitted_on:%-d %B %Y}.\n\n"
            f"The safeguarding partners' decision: {decision}.\n\n"
            f"Thank you for your agency's contribution. The business unit will contact you "
            f"about any learning or actions for your agency.\n")
    return message_queue(to=recipients, subject=subject, body=body, kind="outcome",
                         partnership_id=case.partnership_id, reference=case.reference,
                         related={"submission": submission.pk})


def _delay_content(review: RapidReview, notice: DelayNotice) -> DocumentContent:
    case = review.case
    return DocumentContent("Rapid review: notice of a late submission",
                           case.partnership.name, case.reference).add(
        Paragraph("To: the Child Safeguarding Practice Review Panel"),
        SummaryList([
            ("Case reference", case.reference),
            ("Panel or Ofsted reference", review.notification.panel_reference or
             "Not recorded"),
            ("Panel notified on", f"{review.notification.notified_on:%-d %B %Y}"),
            ("Rapid review due on", f"{submission_due_on(review):%-d %B %Y} "
                                    f"(working day {RAPID_REVIEW_WORKING_DAYS})"),
            ("Now expected on", f"{notice.expected_on:%-d %B %Y}"),
        ]),
        Paragraph(f"Why it will be late: {notice.reason}"))


@transaction.atomic
def delay_notice_create(*, actor: User, review: RapidReview, reason: str,
                        expected_on: datetime.date) -> DelayNotice:
    """Prepared before working day 15 passes, so the Panel hears why and when."""
    review = RapidReview.objects.select_for_update(of=("self",)).select_related(
        "case__partnership", "notification").get(pk=review.pk)
    if hasattr(review, "submission"):
        raise CaseError("The rapid review has already been submitted")
    reason = reason.strip()
    errors = {}
    if not reason:
        errors["reason"] = "Enter why the rapid review will be late"
    if expected_on <= submission_due_on(review):
        errors["expected_on"] = (f"The expected date must be after the due date, "
                                 f"{submission_due_on(review):%-d %B %Y}")
    if errors:
        raise CaseError(errors)
    notice = DelayNotice.objects.create(review=review, reason=reason, expected_on=expected_on,
                                        created_by=actor)
    document_generate(actor=actor, case=review.case, kind=CaseDocument.Kind.DELAY_NOTICE,
                      content=_delay_content(review, notice),
                      related_key=f"delay-notice-{notice.pk}")
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=notice,
                 partnership=review.case.partnership,
                 detail={"case": review.case_id, "expected_on": expected_on.isoformat()})
    return notice


@transaction.atomic
def delay_notice_mark_sent(*, actor: User, notice: DelayNotice,
                           sent_on: datetime.date) -> DelayNotice:
    notice = DelayNotice.objects.select_for_update(of=("self",)).select_related(
        "review__case__partnership").get(pk=notice.pk)
    if sent_on > timezone.localdate() or sent_on < timezone.localdate(notice.created_at):
        raise CaseError({"sent_on": "The date it was sent must be between the day it was "
                                    "prepared and today"})
    notice.sent_on = sent_on
    notice.save(update_fields=["sent_on"])
    deadline_meet(actor=actor, case=notice.review.case, action=StepAction.DELAY_NOTICE_SENT,
                  met_at=_noon(sent_on))
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=notice,
                 partnership=notice.review.case.partnership,
                 detail={"case": notice.review.case_id, "sent_on": sent_on.isoformat()})
    return notice
