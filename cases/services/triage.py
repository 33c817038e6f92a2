"""The review group's triage decision, the executive's approval, and challenges to it."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Agency, AuditEvent, User
from calendars.models import REVIEW_ACTIONS, Anchor, Part
from calendars.services import anchor_record, deadlines_close

from ..documents import document_generate
from ..models import (
    TRIAGE_CRITERIA,
    Case,
    CaseDocument,
    Challenge,
    Pathway,
    Stage,
    TriageDecision,
)
from ..triage_documents import recommendation_key, triage_recommendation_content
from .case import CaseError, case_stage_change
from .emails import email_referral_decision
from .referral import clocks_start

STAGE_FOR = {
    TriageDecision.Decision.RAPID_REVIEW: Stage.RAPID_REVIEW,
    TriageDecision.Decision.LEARNING_REVIEW_PARTNERSHIP: Stage.LEARNING_REVIEW,
    TriageDecision.Decision.LEARNING_REVIEW_AGENCY: Stage.LEARNING_REVIEW,
    TriageDecision.Decision.SINGLE_AGENCY_REVIEW: Stage.SINGLE_AGENCY_REVIEW,
    TriageDecision.Decision.NO_FURTHER_ACTION: Stage.NO_FURTHER_ACTION,
    TriageDecision.Decision.MORE_INFORMATION: Stage.MORE_INFORMATION,
}
CRITERIA_CODES = {code for code, _group, _label in TRIAGE_CRITERIA}

# What a pathway opens once the decision takes effect (a learning review's record, say),
# registered by the app above that owns it, so cases never imports from it.
PathwayOpener = Callable[[User, TriageDecision], None]
_OPENERS: dict[str, list[PathwayOpener]] = {}


def on_pathway_decided(*decisions: str) -> Callable[[PathwayOpener], PathwayOpener]:
    def register(opener: PathwayOpener) -> PathwayOpener:
        for decision in decisions:
            if opener not in _OPENERS.setdefault(decision, []):
                _OPENERS[decision].append(opener)
        return opener
    return register


def _apply(actor: User, decision: TriageDecision) -> None:
    """Move the case to the decided pathway and start or stop the clocks that depend on it."""
    case = Case.objects.select_for_update(of=("self",)).get(pk=decision.case_id)
    case_stage_change(actor=actor, case=case, to_stage=STAGE_FOR[decision.decision],
                      note=decision.get_decision_display())
    if decision.decision != TriageDecision.Decision.MORE_INFORMATION:
        case.pathway = Pathway(decision.decision)
    case.media_monitoring = case.media_monitoring or decision.media_monitoring
    case.save(update_fields=["pathway", "media_monitoring"])
    now = timezone.now()
    if decision.decision == TriageDecision.Decision.RAPID_REVIEW:
        # The plan counts from receiving the referral, even when it did not report a
        # serious incident: what the group decided makes it one.
        referral = getattr(case, "referral", None)
        clocks_start(actor=actor, case=case,
                     received_at=referral.submitted_at if referral and referral.submitted_at
                     else now)
        anchor_record(actor=actor, case=case, kind=Anchor.TRIAGE_DECIDED,
                      occurred_on=timezone.localdate(now), occurred_at=now)
    elif decision.decision != TriageDecision.Decision.MORE_INFORMATION:
        # The rapid review's own steps no longer apply. The local authority's duty to
        # notify the Panel is not the partnership's to close: it stays until the
        # notification, or the local authority's decision not to notify, is recorded.
        # So does a step only a rapid review meets, whatever it counts from (the West
        # Midlands' "complete within 15 working days of becoming aware").
        deadlines_close(actor=actor, case=case, parts=[Part.RAPID_REVIEW],
                        actions=REVIEW_ACTIONS,
                        reason=f"Triage decided: {decision.get_decision_display()}")
    for opener in _OPENERS.get(decision.decision, []):
        opener(actor, decision)
    if hasattr(case, "referral"):
        email_referral_decision(decision)


def triage_recommendation_generate(*, actor: User | None,
                                   decision: TriageDecision) -> CaseDocument | None:
    """The paper the executive decides from (seed 002 Appendix D) when the group recommends
    a rapid review; generated again, with the executive's response, once that is recorded.
    Other recommendations have no such form."""
    if not decision.needs_executive_approval or \
            decision.decision != TriageDecision.Decision.RAPID_REVIEW:
        return None
    return document_generate(actor=actor, case=decision.case,
                             kind=CaseDocument.Kind.TRIAGE_RECOMMENDATION,
                             content=triage_recommendation_content(decision),
                             related_key=recommendation_key(decision))


@transaction.atomic
def triage_decide(*, actor: User, case: Case, meeting_date: datetime.date, attendees: str,
                  attending_agencies: list[Agency], criteria_met: list[str], decision: str,
                  rationale: str, media_monitoring: bool = False) -> TriageDecision:
    """Record the group's decision. Where the partnership's executive must approve it, it is
    a recommendation until the executive responds."""
    case = Case.objects.select_for_update(of=("self",)).select_related("partnership").get(
        pk=case.pk)
    if case.stage in (Stage.REFERRED, Stage.MORE_INFORMATION):
        raise CaseError("Take the referral to triage before recording a decision")
    if case.stage != Stage.TRIAGE:
        raise CaseError(f"A decision has already been made: the case is at "
                        f"'{Stage(case.stage).label}'")
    if any(not a.partnerships.filter(pk=case.partnership_id).exists()
           for a in attending_agencies):
        raise CaseError({"attending_agencies": "Select agencies of this partnership"})
    if TriageDecision.objects.filter(case=case, needs_executive_approval=True,
                                     executive_response="").exists():
        raise CaseError("The executive has not yet responded to the last recommendation")
    if meeting_date > timezone.localdate():
        raise CaseError({"meeting_date": "The date of the meeting must be today or in the past"})
    unknown = set(criteria_met) - CRITERIA_CODES
    if unknown:
        raise CaseError({"criteria_met": "Select criteria from the list"})
    if not rationale.strip():
        raise CaseError({"rationale": "Explain the reasons for the decision"})
    needs_approval = (case.partnership.triage_needs_executive_approval
                      and decision != TriageDecision.Decision.MORE_INFORMATION)
    record = TriageDecision.objects.create(
        case=case, meeting_date=meeting_date, attendees=attendees.strip(),
        criteria_met=sorted(set(criteria_met)), decision=decision, rationale=rationale.strip(),
        media_monitoring=media_monitoring, decided_by=actor,
        needs_executive_approval=needs_approval)
    record.attending_agencies.set(attending_agencies)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=record,
                 partnership=case.partnership,
                 detail={"case": case.pk, "decision": decision, "recommendation": needs_approval})
    if needs_approval:
        triage_recommendation_generate(actor=actor, decision=record)
    else:
        _apply(actor, record)
    return record


@transaction.atomic
def triage_executive_respond(*, actor: User, decision: TriageDecision, response: str,
                             rationale: str, meeting_date: datetime.date,
                             attendees: str) -> TriageDecision:
    """The executive agrees (the recommendation takes effect) or not (the group decides
    again, with the executive's reasons on record)."""
    # Locks in the one order (docs/decisions/0006): the case, then its decision.
    Case.objects.select_for_update(of=("self",)).get(pk=decision.case_id)
    decision = TriageDecision.objects.select_for_update(of=("self",)).get(pk=decision.pk)
    if not decision.awaiting_executive:
        raise CaseError("This decision is not waiting for the executive")
    if response not in TriageDecision.ExecutiveResponse.values:
        raise CaseError({"response": "Select whether the executive agrees"})
    if meeting_date > timezone.localdate():
        raise CaseError({"meeting_date": "The date of the meeting must be today or in the past"})
    if not rationale.strip():
        raise CaseError({"rationale": "Enter the executive's reasons"})
    decision.executive_response = response
    decision.executive_rationale = rationale.strip()
    decision.executive_meeting_date = meeting_date
    decision.executive_attendees = attendees.strip()
    decision.executive_recorded_by = actor
    decision.save()
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=decision,
                 partnership=decision.case.partnership,
                 detail={"executive_response": response})
    triage_recommendation_generate(actor=actor, decision=decision)
    if response == TriageDecision.ExecutiveResponse.AGREE:
        _apply(actor, decision)
    return decision


@transaction.atomic
def challenge_record(*, actor: User, decision: TriageDecision, agency: Agency,
                     raised_on: datetime.date, grounds: str) -> Challenge:
    if not grounds.strip():
        raise CaseError({"grounds": "Enter why the agency disagrees"})
    if raised_on > timezone.localdate():
        raise CaseError({"raised_on": "The date must be today or in the past"})
    if not agency.partnerships.filter(pk=decision.case.partnership_id).exists():
        raise CaseError({"agency": "Select an agency of this partnership"})
    challenge = Challenge.objects.create(decision=decision, agency=agency, raised_on=raised_on,
                                         grounds=grounds.strip(), recorded_by=actor)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=challenge,
                 partnership=decision.case.partnership)
    return challenge


@transaction.atomic
def challenge_resolve(*, actor: User, challenge: Challenge, outcome: str,
                      notes: str) -> Challenge:
    case = Case.objects.select_for_update(of=("self",)).get(pk=challenge.decision.case_id)
    challenge = Challenge.objects.select_for_update(of=("self",)).get(pk=challenge.pk)
    if challenge.outcome != Challenge.Outcome.PENDING:
        raise CaseError("This challenge already has an outcome")
    if outcome == Challenge.Outcome.PENDING:
        raise CaseError({"outcome": "Select the outcome of the challenge"})
    challenge.outcome, challenge.outcome_notes = outcome, notes.strip()
    challenge.save(update_fields=["outcome", "outcome_notes"])
    if outcome == Challenge.Outcome.UPHELD and case.stage == Stage.NO_FURTHER_ACTION:
        case_stage_change(actor=actor, case=case, to_stage=Stage.TRIAGE,
                          note="Challenge upheld: to be triaged again")
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=challenge,
                 partnership=challenge.decision.case.partnership,
                 detail={"outcome": outcome})
    return challenge
