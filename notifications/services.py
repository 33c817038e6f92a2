"""Recording the notification to the National Panel: it starts the rapid review clock."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, Membership, Role, User
from calendars.models import Anchor
from calendars.services import anchor_record, calendar_for, deadline_meet
from calendars.working_days import add_working_days
from cases.documents import document_generate
from cases.models import Case, CaseDocument, Child, DocumentDispatch, Stage
from cases.services import CaseError

from .documents import BUILDERS, LETTER_KINDS
from .models import PanelNotification

NOTIFY_WITHIN_WORKING_DAYS = 5
LETTERS_WITHIN_WORKING_DAYS = 1
# The built-in templates' steps each letter meets (a key the active template lacks is
# simply not there to meet): SCSI-2 informs the partners, SCSI-3 the review group.
LETTER_STEPS = {
    CaseDocument.Kind.PARTNER_LETTER: ("inform_partners", "report_to_partners"),
    CaseDocument.Kind.REVIEW_GROUP_LETTER: ("send_group_letters", "inform_review_group"),
}


def notification_due(case: Case, became_aware_on: datetime.date) -> datetime.date:
    return add_working_days(became_aware_on, NOTIFY_WITHIN_WORKING_DAYS,
                            calendar_for(case.partnership_id))


@transaction.atomic
def notification_record(*, actor: User, case: Case, became_aware_on: datetime.date,
                        notified_on: datetime.date, notified_by: str, children: list[Child],
                        panel_reference: str = "", late_reason: str = "",
                        secretary_of_state_notified_on: datetime.date | None = None,
                        ofsted_notified_on: datetime.date | None = None,
                        resident_local_authority: str = "",
                        resident_local_authority_contact: str = "") -> PanelNotification:
    """Record (or correct) the notification; anchors the rapid review's deadlines on it."""
    from rapid_review.services import rapid_review_open

    case = Case.objects.select_for_update().select_related("partnership").get(pk=case.pk)
    if case.stage != Stage.RAPID_REVIEW:
        raise CaseError("Record the notification once triage has decided on a rapid review")
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
    if not errors and notified_on > notification_due(case, became_aware_on) \
            and not late_reason.strip():
        errors["late_reason"] = "The notification was more than 5 working days after the " \
                                "local authority became aware: enter the reason"
    incident = getattr(case, "incident", None)
    if incident is not None and incident.looked_after_child_death:
        if not secretary_of_state_notified_on:
            errors["secretary_of_state_notified_on"] = (
                "A looked-after child died: enter when the Secretary of State was notified")
        if not ofsted_notified_on:
            errors["ofsted_notified_on"] = (
                "A looked-after child died: enter when Ofsted was notified")
    if errors:
        raise CaseError(errors)

    notification, created = PanelNotification.objects.update_or_create(
        case=case, defaults={
            "became_aware_on": became_aware_on, "notified_on": notified_on,
            "notified_by": notified_by.strip(), "panel_reference": panel_reference.strip(),
            "late_reason": late_reason.strip(),
            "secretary_of_state_notified_on": secretary_of_state_notified_on,
            "ofsted_notified_on": ofsted_notified_on,
            "resident_local_authority": resident_local_authority.strip(),
            "resident_local_authority_contact": resident_local_authority_contact.strip(),
            "recorded_by": actor,
        })
    notification.children.set(children)
    audit_record(action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                 actor=actor, obj=notification, partnership=case.partnership,
                 detail={"case": case.pk, "notified_on": notified_on.isoformat()})
    anchor_record(actor=actor, case=case, kind=Anchor.BECAME_AWARE, occurred_on=became_aware_on)
    anchor_record(actor=actor, case=case, kind=Anchor.NOTIFICATION_SENT, occurred_on=notified_on)
    deadline_meet(actor=actor, case=case, step_key="notify_panel",
                  met_at=timezone.make_aware(datetime.datetime.combine(
                      notified_on, datetime.time(12))))
    rapid_review_open(actor=actor, notification=notification)
    return notification


# Letters to the partners (SCSI-2) and the review group (SCSI-3) ------------------------

def letters_due(notification: PanelNotification) -> datetime.date:
    """Seed 003: both letters go within one working day of the notification."""
    return add_working_days(notification.notified_on, LETTERS_WITHIN_WORKING_DAYS,
                            calendar_for(notification.case.partnership_id))


def _emails_of(partnership_id: int, roles: list[str]) -> list[str]:
    return list(Membership.objects.filter(
        partnership_id=partnership_id, role__in=roles, user__is_active=True,
    ).order_by("user__email").values_list("user__email", flat=True).distinct())


def letter_recipients(*, case: Case, kind: str, extra: list[str] | None = None) -> list[str]:
    """SCSI-2 goes to the three partners' representatives; SCSI-3 to the review group
    (seed 003: the partners' representatives are its core members), the business
    managers who run it, and any other members the officer adds."""
    if kind not in LETTER_KINDS:
        raise CaseError("Choose a letter to send")
    people = _emails_of(case.partnership_id, [Role.PARTNER_REPRESENTATIVE])
    if kind == CaseDocument.Kind.REVIEW_GROUP_LETTER:
        people += _emails_of(case.partnership_id, [Role.BUSINESS_MANAGER])
        people += [e.strip().lower() for e in extra or [] if e.strip()]
    return list(dict.fromkeys(people))


def letter_generate(*, actor: User | None, notification: PanelNotification,
                    kind: str) -> CaseDocument:
    """Store the letter as generated from the record now (the same content: same version)."""
    if kind not in LETTER_KINDS:
        raise CaseError("Choose a letter to send")
    return document_generate(actor=actor, case=notification.case, kind=kind,
                             content=BUILDERS[kind](notification))


@transaction.atomic
def letter_send(*, actor: User, notification: PanelNotification, kind: str,
                extra_recipients: list[str] | None = None) -> DocumentDispatch:
    """Generate the letter from the record, record who it goes to, meet its deadlines and
    email the recipients (after commit: the case reference and a link only)."""
    from .tasks import letter_dispatch_email

    case = Case.objects.select_for_update().select_related("partnership").get(
        pk=notification.case_id)
    if case.stage != Stage.RAPID_REVIEW or getattr(notification, "rapid_review", None) is None \
            or notification.rapid_review.stopped_on:
        raise CaseError("Letters are sent only while the rapid review is running")
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
    document = letter_generate(actor=actor, notification=notification, kind=kind)
    dispatch = DocumentDispatch.objects.create(document=document, recipients=recipients,
                                               sent_at=timezone.now(), sent_by=actor)
    for step_key in LETTER_STEPS[kind]:
        deadline_meet(actor=actor, case=case, step_key=step_key, met_at=dispatch.sent_at)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=dispatch,
                 partnership=case.partnership,
                 detail={"case": case.pk, "kind": kind, "version": document.version,
                         "recipients": len(recipients)})
    transaction.on_commit(lambda: letter_dispatch_email.delay(dispatch.pk))
    return dispatch


EMAILED = "letter_emailed"


@transaction.atomic
def letter_email(dispatch: DocumentDispatch) -> int:
    """One email per recipient: which case and where to read it, never the child's details.

    Safe to run twice: the dispatch row is locked and the audit event written with the
    emails is the done-marker (DocumentDispatch has no field for it).
    """
    dispatch = DocumentDispatch.objects.select_for_update().select_related(
        "document__case__partnership").get(pk=dispatch.pk)
    done = AuditEvent.objects.filter(object_type=dispatch._meta.label_lower,
                                     object_id=str(dispatch.pk), detail__event=EMAILED)
    if done.exists():
        return 0
    document = dispatch.document
    reference = document.case.reference
    code = "SCSI-2" if document.kind == CaseDocument.Kind.PARTNER_LETTER else "SCSI-3"
    link = settings.SITE_URL + reverse("rapid_review:papers")
    subject = f"Serious child safeguarding incident {reference} ({code})"
    body = (f"The Safeguarding Children Partnership Team has sent you a letter about case "
            f"{reference}: {document.get_kind_display()}.\n\n"
            f"Sign in to read it and the rapid review's papers: {link}\n\n"
            f"Please do not reply with personal details about the child or family.\n")
    sent = send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
                           for to in dispatch.recipients])
    audit_record(action=AuditEvent.Action.UPDATE, actor=None, obj=dispatch,
                 partnership=document.case.partnership,
                 detail={"event": EMAILED, "case": document.case_id, "emails": sent})
    return sent
