"""Publication (seed 002 chapter 3 "Communication Publication Strategy"; seed 003 flowchart
3): the partners' decision to publish, or exceptionally not to publish with the reason and
who decided; the publication date and link; and the statement informing the partners and
the Panel. Publishing, or deciding not to publish, moves the case to its action plan."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import rules
from accounts.audit import audit_record
from accounts.models import AuditEvent, Membership, Role, User
from calendars.models import Anchor, Deadline, DeadlineStatus
from calendars.services import deadline_mark_done, deadlines_close
from calendars.working_days import add_working_days, default_calendar
from cases.documents import document_generate
from cases.models import Case, CaseDocument, Stage
from cases.services import CaseError, case_stage_change
from outbox.services import message_queue

from ..models import FinalReportDispatch, Lcspr, Publication
from .approval import approved_version
from .redaction import ready_copy
from .timetable import lcspr_dates_close

ALL_RECIPIENTS = frozenset(FinalReportDispatch.Recipient.values)


def _locked(actor: User, lcspr: Lcspr) -> Lcspr:
    Case.objects.select_for_update(of=("self",)).only("pk").get(pk=lcspr.case_id)
    lcspr = Lcspr.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=lcspr.pk)
    if not rules.can_manage_lcspr(actor, lcspr.case):
        raise CaseError("Only the business unit records the publication, while the review "
                        "is at its LCSPR stage")
    if approved_version(lcspr) is None:
        raise CaseError("Approve the report through its approval chain first")
    return lcspr


def _sent(lcspr: Lcspr) -> list[FinalReportDispatch]:
    return list(lcspr.final_report_dispatches.order_by("sent_on", "pk"))


def _to_action_plan(actor: User, lcspr: Lcspr, publication: Publication, note: str) -> None:
    """The statement, the case moved to its action plan, and the partners and the business
    unit told (with a link only)."""
    publication_statement_document(actor=actor, lcspr=lcspr)
    lcspr_dates_close(actor=actor, lcspr=lcspr,
                      reason=f"The review has ended: {note[0].lower()}{note[1:]}")
    if not lcspr.is_lcspr:  # its target is met when its report is decided on
        for target in Deadline.objects.filter(
                case=lcspr.case, status=DeadlineStatus.OPEN, step__met_by="marked_done",
                anchor_event__kind=Anchor.DECISION_TO_START_LEARNING_REVIEW):
            deadline_mark_done(actor=actor, deadline=target, note=note)
    case_stage_change(actor=actor, case=lcspr.case, to_stage=Stage.ACTION_PLAN, note=note)
    case = lcspr.case
    to = sorted(set(Membership.objects.filter(
        partnership_id=case.partnership_id, user__is_active=True,
        role__in=[Role.PARTNER_REPRESENTATIVE, *rules.BUSINESS_UNIT])
        .values_list("user__email", flat=True)))
    what = (f"was published on {publication.published_on:%-d %B %Y}"
            if publication.published_on else "will not be published")
    link = settings.SITE_URL + reverse("lcspr:publication", args=[case.reference])
    message_queue(to=to, subject=f"{case.reference}: statement on the review's publication",
                  body=f"The report of the {lcspr.get_kind_display().lower()} for case "
                       f"{case.reference} {what}. The statement to the partners and the Panel "
                       f"is on the service, and the case moves to its action plan.\n\n{link}\n",
                  kind="lcspr_publication", partnership_id=case.partnership_id,
                  reference=case.reference, related={"lcspr": lcspr.pk},
                  dedupe_key=f"lcspr-publication:{lcspr.pk}")


@transaction.atomic
def publication_decide(*, actor: User, lcspr: Lcspr, decision: str,
                       decided_on: datetime.date | None, decided_by: str,
                       reason: str = "") -> Publication:
    """The decision, with when and who decided. Not publishing needs the reason, and the
    full report sent to the Panel, the Secretary of State and Ofsted first; it then moves
    the case to its action plan, and the step counted back from the planned publication no
    longer applies."""
    lcspr = _locked(actor, lcspr)
    errors = {}
    if decision not in Publication.Decision.values:
        errors["decision"] = "Select whether the report is published"
    if not decided_by.strip():
        errors["decided_by"] = "Enter who decided, for example the Assurance Executive"
    if decided_on is None or decided_on > timezone.localdate():
        errors["decided_on"] = "The date it was decided must be today or in the past"
    if decision == Publication.Decision.NOT_PUBLISH and not reason.strip():
        errors["reason"] = "Enter why the report is not published: only in exceptional " \
                           "circumstances is a review not published"
    if errors:
        raise CaseError(errors)
    if decision == Publication.Decision.NOT_PUBLISH and lcspr.is_lcspr and \
            {d.recipient for d in _sent(lcspr)} != ALL_RECIPIENTS:
        raise CaseError("Record the final report sent to the Panel, the Secretary of State "
                        "and Ofsted first: they receive the full report even when it is not "
                        "published")
    publication, created = Publication.objects.update_or_create(lcspr=lcspr, defaults={
        "decision": decision, "decided_on": decided_on, "decided_by": decided_by.strip(),
        "reason": reason.strip() if decision == Publication.Decision.NOT_PUBLISH else "",
        "recorded_by": actor})
    audit_record(action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                 actor=actor, obj=publication, partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "decision": decision})
    if decision == Publication.Decision.NOT_PUBLISH:
        deadlines_close(actor=actor, case=lcspr.case, anchors=[Anchor.PLANNED_PUBLICATION],
                        reason="The partners decided not to publish the report")
        _to_action_plan(actor, lcspr, publication, "The report is not published")
    return publication


FINAL_REPORT_WORKING_DAYS = 7  # the full report, no later than 7 working days before


@transaction.atomic
def publication_record(*, actor: User, lcspr: Lcspr, published_on: datetime.date,
                       link: str, early_reason: str = "") -> Publication:
    """The report was published: after the decision to publish, the final report sent to
    all three, and the anonymised copy marked ready. The case moves to its action plan.

    The Panel, the Secretary of State and Ofsted must have the full report no later than 7
    working days before publication (statutory days: England's bank holidays only). A
    report already published sooner is recorded as it happened, with the reason why."""
    lcspr = _locked(actor, lcspr)
    publication = Publication.objects.filter(lcspr=lcspr).first()
    if publication is None or publication.decision != Publication.Decision.PUBLISH:
        raise CaseError("Record the decision to publish first")
    sent = _sent(lcspr)
    if lcspr.is_lcspr and {d.recipient for d in sent} != ALL_RECIPIENTS:
        raise CaseError("Record the final report sent to the Panel, the Secretary of State and "
                        "Ofsted first: it goes to them before publication")
    if ready_copy(lcspr) is None:
        raise CaseError("Mark the anonymised copy ready first: it is the copy published")
    errors = {}
    # A learning review has no final report to the Panel: its publication follows the
    # partners' decision.
    earliest = max(d.sent_on for d in sent) if sent else publication.decided_on
    if published_on is None or published_on > timezone.localdate() or published_on < earliest:
        errors["published_on"] = (
            f"The date it was published must be between {earliest:%-d %B %Y}, when the "
            f"{'final report was sent' if sent else 'partners decided'}, and today")
    if not link.strip():
        errors["link"] = "Enter the address of the published report"
    early = (lcspr.is_lcspr and sent and "published_on" not in errors
             and max(d.sent_on for d in sent) > add_working_days(
                 published_on, -FINAL_REPORT_WORKING_DAYS, default_calendar()))
    if early and not early_reason.strip():
        errors["early_reason"] = (
            f"The final report was sent on {max(d.sent_on for d in sent):%-d %B %Y}, fewer "
            f"than {FINAL_REPORT_WORKING_DAYS} working days before {published_on:%-d %B %Y}: "
            "enter why the report was published sooner")
    if errors:
        raise CaseError(errors)
    publication.published_on, publication.link = published_on, link.strip()
    publication.early_reason = early_reason.strip() if early else ""
    publication.recorded_by = actor
    publication.save(update_fields=["published_on", "link", "early_reason", "recorded_by",
                                    "updated_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=publication,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "published_on": published_on.isoformat(),
                         "sooner_than_7_working_days": bool(early)})
    _to_action_plan(actor, lcspr, publication, "The report is published")
    return publication


def publication_statement_document(*, actor: User | None, lcspr: Lcspr) -> CaseDocument:
    from ..report_documents import statement_content

    return document_generate(actor=actor, case=lcspr.case,
                             kind=CaseDocument.Kind.LCSPR_PUBLICATION_STATEMENT,
                             content=statement_content(lcspr, lcspr.publication, _sent(lcspr)))
