"""The local authority's notifications and the letters that tell the partners.

The duty to notify the Panel is the local authority's, independent of the partnership's
process (seed 002 Appendix B, seed 004 §4.1.2): it can be recorded from the moment the
referral arrives, before or whatever triage decides, and recording it starts the rapid
review (moving the case there if it was elsewhere). Its 5 working days count England's bank
holidays only. A looked-after child's death is told to the Secretary of State and Ofsted
whatever the pathway. The letters (seed 003 flowcharts 1 and 2: SCSI-2, SCSI-3, SCSI-4) can
go from the day the referral is received.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, Membership, Role, User
from calendars.models import Anchor, Deadline, StepAction
from calendars.services import anchor_record, deadline_meet, deadlines_close
from calendars.working_days import add_working_days, default_calendar
from cases.documents import document_generate
from cases.models import Case, CaseDocument, Child, DocumentDispatch, Pathway, Stage
from cases.services import CaseError, case_stage_change
from cases.services.referral import clocks_start
from outbox.services import message_queue

from .documents import BUILDERS, LETTER_KINDS, TITLES, letter_record
from .models import DecisionNotToNotify, LookedAfterDeathNotice, PanelNotification

NOTIFY_WITHIN_WORKING_DAYS = 5
# From the referral until a rapid review has started, the local authority may notify.
NOTIFIABLE_STAGES = frozenset({Stage.REFERRED, Stage.MORE_INFORMATION, Stage.TRIAGE,
                               Stage.RAPID_REVIEW, Stage.LEARNING_REVIEW,
                               Stage.SINGLE_AGENCY_REVIEW, Stage.NO_FURTHER_ACTION})
# The letters go as long as the local authority may still notify.
LETTER_STAGES = NOTIFIABLE_STAGES
# What sending each letter does in the plans (a step the plan lacks is simply not met).
LETTER_ACTIONS = {
    CaseDocument.Kind.PARTNER_LETTER: StepAction.PARTNER_LETTER_SENT,
    CaseDocument.Kind.REVIEW_GROUP_LETTER: StepAction.REVIEW_GROUP_LETTER_SENT,
    CaseDocument.Kind.RAPID_REVIEW_LETTER: StepAction.RAPID_REVIEW_LETTER_SENT,
}


def notification_due(became_aware_on: datetime.date) -> datetime.date:
    """The statutory limit: 5 working days on England's bank holidays, never moved by a
    partnership's closure days."""
    return add_working_days(became_aware_on, NOTIFY_WITHIN_WORKING_DAYS, default_calendar())


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def can_be_notified(case: Case) -> bool:
    """Whether the notification can be recorded (or corrected) at this point of the case."""
    review = getattr(case, "rapid_review", None)
    if review is not None:
        return review.stopped_on is None and case.stage == Stage.RAPID_REVIEW
    return case.stage in NOTIFIABLE_STAGES


@transaction.atomic
def notification_record(*, actor: User, case: Case, became_aware_on: datetime.date,
                        notified_on: datetime.date, notified_by: str, children: list[Child],
                        panel_reference: str = "", late_reason: str = "",
                        resident_local_authority: str = "",
                        resident_local_authority_contact: str = "") -> PanelNotification:
    """Record (or correct) the notification; it starts the rapid review and its clock."""
    from rapid_review.services import rapid_review_open

    case = Case.objects.select_for_update(of=("self",)).select_related(
        "partnership").get(pk=case.pk)
    if not can_be_notified(case):
        raise CaseError("The notification can be recorded from the referral until the rapid "
                        f"review ends: this case is at '{Stage(case.stage).label}'")
    today = timezone.localdate()
    errors = {}
    if became_aware_on > today:
        errors["became_aware_on"] = "The date the local authority became aware must be " \
                                    "today or in the past"
    if notified_on > today:
        errors["notified_on"] = "The date the Panel was notified must be today or in the past"
    elif notified_on < became_aware_on:
        errors["notified_on"] = "The date the Panel was notified must be the same as or " \
                                "after the date the local authority became aware"
    if not notified_by.strip():
        errors["notified_by"] = "Enter who notified the Panel"
    if not children:
        errors["children"] = "Select the children the notification covers"
    elif any(child.case_id != case.pk for child in children):
        errors["children"] = "Select children of this case"
    if not errors and notified_on > notification_due(became_aware_on) \
            and not late_reason.strip():
        errors["late_reason"] = (
            f"The notification was more than 5 working days after the local authority "
            f"became aware (due by {notification_due(became_aware_on):%-d %B %Y} on "
            f"England's bank holidays): enter the reason it was late")
    if errors:
        raise CaseError(errors)

    notification, created = PanelNotification.objects.update_or_create(
        case=case, defaults={
            "became_aware_on": became_aware_on, "notified_on": notified_on,
            "notified_by": notified_by.strip(), "panel_reference": panel_reference.strip(),
            "late_reason": late_reason.strip(),
            "resident_local_authority": resident_local_authority.strip(),
            "resident_local_authority_contact": resident_local_authority_contact.strip(),
            "recorded_by": actor,
        })
    notification.children.set(children)
    audit_record(action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                 actor=actor, obj=notification, partnership=case.partnership,
                 detail={"case": case.pk, "notified_on": notified_on.isoformat()})
    if case.stage != Stage.RAPID_REVIEW:
        case_stage_change(actor=actor, case=case, to_stage=Stage.RAPID_REVIEW,
                          note="The local authority notified the Panel")
        case.pathway = Pathway.RAPID_REVIEW
        case.save(update_fields=["pathway"])
    referral = getattr(case, "referral", None)
    clocks_start(actor=actor, case=case,
                 received_at=referral.submitted_at if referral and referral.submitted_at
                 else _noon(became_aware_on))
    if not case.anchor_events.filter(kind=Anchor.TRIAGE_DECIDED).exists():
        # Notifying is the decision to start the rapid review when triage has not made it.
        anchor_record(actor=actor, case=case, kind=Anchor.TRIAGE_DECIDED,
                      occurred_on=notified_on)
    anchor_record(actor=actor, case=case, kind=Anchor.BECAME_AWARE, occurred_on=became_aware_on)
    anchor_record(actor=actor, case=case, kind=Anchor.NOTIFICATION_SENT, occurred_on=notified_on)
    deadline_meet(actor=actor, case=case, action=StepAction.PANEL_NOTIFIED,
                  met_at=_noon(notified_on))
    rapid_review_open(actor=actor, notification=notification)
    return notification


@transaction.atomic
def decision_not_to_notify_record(*, actor: User, case: Case, decided_on: datetime.date,
                                  decided_by: str, reason: str) -> DecisionNotToNotify:
    """The local authority decided not to notify the Panel: its duty's deadlines close with
    the reason, instead of staying overdue."""
    case = Case.objects.select_for_update(of=("self",)).select_related(
        "partnership").get(pk=case.pk)
    if PanelNotification.objects.filter(case=case).exists():
        raise CaseError("The Panel has been notified about this case")
    if case.stage not in NOTIFIABLE_STAGES:
        raise CaseError(f"This case is at '{Stage(case.stage).label}'")
    if DecisionNotToNotify.objects.filter(case=case).exists():
        raise CaseError("The local authority's decision not to notify is already recorded")
    errors = {}
    if decided_on > timezone.localdate():
        errors["decided_on"] = "The date of the decision must be today or in the past"
    if not decided_by.strip():
        errors["decided_by"] = "Enter who decided, with their role"
    if not reason.strip():
        errors["reason"] = "Enter why the local authority decided not to notify the Panel"
    if errors:
        raise CaseError(errors)
    decision = DecisionNotToNotify.objects.create(
        case=case, decided_on=decided_on, decided_by=decided_by.strip(), reason=reason.strip(),
        recorded_by=actor)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=decision,
                 partnership=case.partnership, detail={"case": case.pk})
    deadlines_close(actor=actor, case=case, anchors=[Anchor.BECAME_AWARE],
                    reason="The local authority decided not to notify the Panel")
    return decision


def looked_after_death_recorded(case: Case) -> bool:
    return case.anchor_events.filter(kind=Anchor.LOOKED_AFTER_CHILD_DIED).exists()


@transaction.atomic
def looked_after_death_notices_record(
        *, actor: User, case: Case, secretary_of_state_notified_on: datetime.date | None,
        ofsted_notified_on: datetime.date | None) -> LookedAfterDeathNotice:
    """When the local authority told the Secretary of State and Ofsted of a looked-after
    child's death; each date meets its step."""
    case = Case.objects.select_for_update(of=("self",)).select_related(
        "partnership").get(pk=case.pk)
    if not looked_after_death_recorded(case):
        raise CaseError("No looked-after child's death is recorded on this case")
    today = timezone.localdate()
    errors = {}
    if not secretary_of_state_notified_on and not ofsted_notified_on:
        errors["secretary_of_state_notified_on"] = (
            "Enter when the Secretary of State was told, or when Ofsted was told")
    for field, value, who in (
            ("secretary_of_state_notified_on", secretary_of_state_notified_on,
             "the Secretary of State"),
            ("ofsted_notified_on", ofsted_notified_on, "Ofsted")):
        if value and value > today:
            errors[field] = f"The date {who} was told must be today or in the past"
    if errors:
        raise CaseError(errors)
    notice = LookedAfterDeathNotice.objects.filter(case=case).first() \
        or LookedAfterDeathNotice(case=case)
    created = notice.pk is None
    notice.secretary_of_state_notified_on = (secretary_of_state_notified_on
                                             or notice.secretary_of_state_notified_on)
    notice.ofsted_notified_on = ofsted_notified_on or notice.ofsted_notified_on
    notice.recorded_by = actor
    notice.save()
    audit_record(action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                 actor=actor, obj=notice, partnership=case.partnership,
                 detail={"case": case.pk})
    for action, day in ((StepAction.SECRETARY_OF_STATE_NOTIFIED,
                         notice.secretary_of_state_notified_on),
                        (StepAction.OFSTED_NOTIFIED, notice.ofsted_notified_on)):
        if day:
            deadline_meet(actor=actor, case=case, action=action, met_at=_noon(day))
    return notice


# Letters to the partners (SCSI-2, SCSI-4) and the review group (SCSI-3) ----------------

def letters_open(case: Case) -> bool:
    """Letters go from the referral's arrival while the local authority may still notify,
    until the rapid review ends or stops."""
    review = getattr(case, "rapid_review", None)
    return case.stage in LETTER_STAGES and (review is None or review.stopped_on is None)


def letter_due(case: Case, kind: str) -> Deadline | None:
    """The plan's step the letter meets on this case (the earliest, if several)."""
    return (Deadline.objects.filter(case=case, step__met_by=LETTER_ACTIONS[kind],
                                    related_key="")
            .select_related("step").order_by("due_date").first())


def _emails_of(partnership_id: int, roles: list[str]) -> list[str]:
    return list(Membership.objects.filter(
        partnership_id=partnership_id, role__in=roles, user__is_active=True,
    ).order_by("user__email").values_list("user__email", flat=True).distinct())


def letter_recipients(*, case: Case, kind: str, extra: list[str] | None = None) -> list[str]:
    """SCSI-2 and SCSI-4 go to the three partners' representatives; SCSI-3 to the review
    group (seed 003: the partners' representatives are its core members), the business
    managers who run it, and any other members the officer adds."""
    if kind not in LETTER_KINDS:
        raise CaseError("Choose a letter to send")
    people = _emails_of(case.partnership_id, [Role.PARTNER_REPRESENTATIVE])
    if kind == CaseDocument.Kind.REVIEW_GROUP_LETTER:
        people += _emails_of(case.partnership_id, [Role.BUSINESS_MANAGER])
        people += [e.strip().lower() for e in extra or [] if e.strip()]
    return list(dict.fromkeys(people))


def letter_generate(*, actor: User | None, case: Case, kind: str) -> CaseDocument:
    """Store the letter as generated from the record now (the same content: same version)."""
    if kind not in LETTER_KINDS:
        raise CaseError("Choose a letter to send")
    return document_generate(actor=actor, case=case, kind=kind,
                             content=BUILDERS[kind](letter_record(case)))


@transaction.atomic
def letter_send(*, actor: User, case: Case, kind: str,
                extra_recipients: list[str] | None = None, form_token=None) -> DocumentDispatch:
    """Generate the letter from the record, record who it goes to, meet its steps and
    queue the emails to the recipients (the case reference and a link only). The same form
    posted twice (a double click) sends once: one dispatch, one set of emails."""
    as_now = Case.objects.select_related("partnership").get(pk=case.pk)
    if kind in LETTER_KINDS and letters_open(as_now):
        # Rendered before the case's lock is taken, as rendering takes seconds; under the
        # lock the same record gives the same letter, so nothing is rendered there.
        letter_generate(actor=actor, case=as_now, kind=kind)
    case = Case.objects.select_for_update(of=("self",)).select_related("partnership").get(
        pk=case.pk)
    if form_token is not None:
        earlier = DocumentDispatch.objects.filter(form_token=form_token,
                                                  document__case=case).first()
        if earlier is not None:
            return earlier
    if not letters_open(case):
        raise CaseError("Letters are sent from the referral until the rapid review ends")
    extra = [e.strip() for e in extra_recipients or [] if e.strip()]
    if extra and kind != CaseDocument.Kind.REVIEW_GROUP_LETTER:
        raise CaseError({"extra_recipients": "Other addresses can only be added to the letter "
                                             "to the review group"})
    for address in extra:
        try:
            validate_email(address)
        except ValidationError:
            raise CaseError({"extra_recipients": f"Enter email addresses in the correct "
                                                 f"format, like name@example.org: "
                                                 f"\u201c{address[:80]}\u201d is not"}) from None
    recipients = letter_recipients(case=case, kind=kind, extra=extra)
    if not recipients:
        raise CaseError("No safeguarding partner representatives are set up in this "
                        "partnership: ask your administrator to add them before sending")
    document = letter_generate(actor=actor, case=case, kind=kind)
    dispatch = DocumentDispatch.objects.create(document=document, recipients=recipients,
                                               sent_at=timezone.now(), sent_by=actor,
                                               form_token=form_token)
    deadline_meet(actor=actor, case=case, action=LETTER_ACTIONS[kind],
                  met_at=dispatch.sent_at)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=dispatch,
                 partnership=case.partnership,
                 detail={"case": case.pk, "kind": kind, "version": document.version,
                         "recipients": len(recipients)})
    letter_email(dispatch)
    return dispatch


def letter_email(dispatch: DocumentDispatch) -> int:
    """Queue one email per recipient, in the dispatch's transaction: which case and where
    to read it, never the child's details. The dispatch's id is the outbox's dedupe key, so
    the same dispatch is never emailed twice."""
    document = dispatch.document
    reference = document.case.reference
    code = TITLES[document.kind].split(" ")[0]
    link = settings.SITE_URL + reverse("rapid_review:papers")
    subject = f"Serious child safeguarding incident {reference} ({code})"
    body = (f"The Safeguarding Children Partnership Team has sent you a letter about case "
            f"{reference}: {document.get_kind_display()}.\n\n"
            f"Sign in to read it and the review's papers: {link}\n\n"
            f"Please do not reply with personal details about the child or family.\n")
    return message_queue(to=dispatch.recipients, subject=subject, body=body, kind="letter",
                         partnership_id=document.case.partnership_id, reference=reference,
                         related={"dispatch": dispatch.pk, "document": document.pk},
                         dedupe_key=f"letter:{dispatch.pk}")
