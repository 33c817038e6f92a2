"""The report's approval through the partnership's chain (seed 002 chapter 3; seed 003
flowcharts 3 and 4), each decision bound to the version's hash as the rapid review's partner
signatures are: the hash the approver read is checked, and a stale one refused. Stages go in
order; a stage for information holds nothing up. The business unit records a group's
decision (the sub-group's quality assurance, a ratification, an executive's sign-off, the
strategic group noting it) with its date and who decided; at the partners' endorsement each
statutory partner's representative signs for their own partner. Any stage can send the
version back with comments, which voids it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import rules
from accounts.audit import audit_record
from accounts.models import AuditEvent, StatutoryPartner, User
from cases.services import CaseError
from cases.versioning import posted_before, read_hash_check

from ..models import Lcspr, OverviewReport, OverviewReportVersion, ReportApproval, StageKind
from .report import _documents_after_commit, report_email_queue, version_void

Outcome = ReportApproval.Outcome


@dataclass
class StageState:
    position: int
    stage: dict
    approvals: list[ReportApproval] = field(default_factory=list)
    complete: bool = False
    is_next: bool = False

    @property
    def kind(self) -> str:
        return self.stage["kind"]

    @property
    def name(self) -> str:
        return self.stage["name"]

    def signature_for(self, partner: str) -> ReportApproval | None:
        return next((a for a in self.approvals if a.partner == partner), None)

    @property
    def partners(self) -> list[tuple[str, ReportApproval | None]]:
        return [(p.label, self.signature_for(p.value)) for p in StatutoryPartner]


def stages_state(version: OverviewReportVersion,
                 approvals: list[ReportApproval] | None = None) -> list[StageState]:
    """Each stage of the version's chain with its decisions, whether it is complete, and
    which stage (if any) can be decided next: one query, none with ``approvals`` given."""
    if approvals is None:
        approvals = list(version.approvals.exclude(outcome=Outcome.SENT_BACK))
    states, blocked = [], version.voided_at is not None
    for position, stage in enumerate(version.chain, start=1):
        mine = [a for a in approvals if a.stage == position and a.outcome != Outcome.SENT_BACK]
        if stage["kind"] == StageKind.PARTNERS:
            complete = {a.partner for a in mine} >= set(StatutoryPartner.values)
        else:
            complete = bool(mine)
        state = StageState(position, stage, mine, complete, not complete and not blocked)
        states.append(state)
        # Every approving stage waits for those before it; an information stage does not
        # hold up the stages after it.
        if not complete and stage["kind"] != StageKind.INFORMATION:
            blocked = True
    return states


def is_approved(version: OverviewReportVersion, states: list[StageState] | None = None) -> bool:
    states = states if states is not None else stages_state(version)
    return version.voided_at is None and all(
        s.complete for s in states if s.kind != StageKind.INFORMATION)


def _locked(version: OverviewReportVersion, stage: int) -> tuple[OverviewReportVersion, dict]:
    """The report then the version (the order every edit takes them), and the stage, which
    must be the one to decide now."""
    OverviewReport.objects.select_for_update(of=("self",)).only("pk").get(pk=version.report_id)
    version = OverviewReportVersion.objects.select_for_update(of=("self",)).select_related(
        "report__lcspr__case__partnership", "report__lcspr__reviewer").get(pk=version.pk)
    if not 1 <= stage <= len(version.chain):
        raise CaseError("Select a stage of the approval chain")
    return version, version.chain[stage - 1]


def _check(version: OverviewReportVersion, stage: int, content_sha256: str) -> None:
    read_hash_check(read_sha256=content_sha256, version=version)
    state = stages_state(version)[stage - 1]
    if state.complete:
        raise CaseError(f"{state.name} has already been recorded for version {version.number}")
    if not state.is_next:
        earlier = next(s for s in stages_state(version)
                       if not s.complete and s.kind != StageKind.INFORMATION)
        raise CaseError(f"{earlier.name} comes first: the stages go in order")


def _decided(actor: User, version: OverviewReportVersion, approval: ReportApproval) -> None:
    """After a decision: the audit event, and the next people told; when the version is now
    approved, it says so, its approved report is made and the authors are told."""
    lcspr = version.report.lcspr
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=approval,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "version": version.number,
                         "stage": approval.stage, "outcome": approval.outcome,
                         "partner": approval.partner, "sha256": version.content_sha256})
    states = stages_state(version)
    if version.approved_at is None and is_approved(version, states):
        version.approved_at = timezone.now()
        version.save(update_fields=["approved_at"])
        _documents_after_commit(actor, version)
        report_email_queue("approved", version.pk)
    if states[approval.stage - 1].complete:
        report_email_queue("stage_done", version.pk)


def _existing(form_token, actor: User) -> ReportApproval | None:
    return posted_before(ReportApproval, form_token=form_token, actor=actor, by="recorded_by")


def _create(**values) -> ReportApproval:
    try:
        with transaction.atomic():
            return ReportApproval.objects.create(**values)
    except IntegrityError:
        raise CaseError("This stage has already been recorded: reload the page") from None


def _meeting_values(decided_on: datetime.date | None, decided_by: str, since) -> dict:
    errors = {}
    if not decided_by.strip():
        errors["decided_by"] = "Enter who decided, for example the review sub-group's chair"
    if decided_on is None:
        errors["decided_on"] = "Enter the date it was decided"
    elif decided_on > timezone.localdate() or decided_on < timezone.localdate(since):
        errors["decided_on"] = (f"The date it was decided must be between "
                                f"{timezone.localdate(since):%-d %B %Y} and today")
    if errors:
        raise CaseError(errors)
    return {"decided_on": decided_on, "decided_by": decided_by.strip()}


@transaction.atomic
def approval_record(*, actor: User, version: OverviewReportVersion, stage: int,
                    content_sha256: str, decided_on: datetime.date | None, decided_by: str,
                    form_token=None) -> ReportApproval:
    """The business unit records a group's decision on the version it read: approved (or,
    for a stage for information, noted), with its date and who decided."""
    version, spec = _locked(version, stage)
    if (earlier := _existing(form_token, actor)) is not None:
        return earlier
    lcspr = version.report.lcspr
    if not rules.can_manage_lcspr(actor, lcspr.case):
        raise CaseError("Only the business unit records a group's decision")
    if spec["kind"] == StageKind.PARTNERS:
        raise CaseError("Each partner's representative signs this stage for their partner")
    _check(version, stage, content_sha256)
    approval = _create(
        version=version, stage=stage, stage_name=spec["name"],
        outcome=Outcome.NOTED if spec["kind"] == StageKind.INFORMATION else Outcome.APPROVED,
        content_sha256=version.content_sha256, recorded_by=actor, form_token=form_token,
        **_meeting_values(decided_on, decided_by, version.frozen_at))
    _decided(actor, version, approval)
    return approval


@transaction.atomic
def approval_sign(*, actor: User, version: OverviewReportVersion, stage: int,
                  content_sha256: str, signer_role: str, partner: str | None = None,
                  form_token=None) -> ReportApproval:
    """A partner representative endorses the version they read, for their own partner
    only; the stage is complete once all three partners have signed."""
    version, spec = _locked(version, stage)
    if (earlier := _existing(form_token, actor)) is not None:
        return earlier
    lcspr = version.report.lcspr
    own = rules.partner_represented_by(actor, lcspr.case.partnership)
    if not own or not rules.can_endorse_lcspr_report(actor, lcspr):
        raise CaseError("Only the safeguarding partners' representatives can sign")
    if partner and partner != own:
        raise CaseError(f"You represent the {StatutoryPartner(own).label.lower()}: you can "
                        f"sign only for it, not for the {StatutoryPartner(partner).label}")
    if spec["kind"] != StageKind.PARTNERS:
        raise CaseError("The business unit records this stage's decision")
    read_hash_check(read_sha256=content_sha256, version=version)
    if stages_state(version)[stage - 1].signature_for(own):
        raise CaseError(f"The {StatutoryPartner(own).label.lower()} has already signed "
                        f"version {version.number}")
    _check(version, stage, content_sha256)
    if not signer_role.strip():
        raise CaseError({"signer_role": "Enter your role, for example Director of Children's "
                                        "Services"})
    approval = _create(
        version=version, stage=stage, stage_name=spec["name"], partner=own,
        outcome=Outcome.APPROVED, decided_on=timezone.localdate(),
        decided_by=actor.full_name, signer_role=signer_role.strip(),
        content_sha256=version.content_sha256, recorded_by=actor, form_token=form_token)
    _decided(actor, version, approval)
    return approval


@transaction.atomic
def approval_send_back(*, actor: User, version: OverviewReportVersion, stage: int,
                       content_sha256: str, comment: str,
                       decided_on: datetime.date | None = None, decided_by: str = "",
                       form_token=None) -> ReportApproval:
    """The stage sends the version back with comments: it is void, and the authors revise
    the report and freeze a new version. A group's decision is recorded by the business
    unit; at the partners' endorsement a representative sends it back for their partner."""
    version, spec = _locked(version, stage)
    if (earlier := _existing(form_token, actor)) is not None:
        return earlier
    lcspr = version.report.lcspr
    partner = ""
    if spec["kind"] == StageKind.PARTNERS:
        partner = rules.partner_represented_by(actor, lcspr.case.partnership)
        if not partner or not rules.can_endorse_lcspr_report(actor, lcspr):
            raise CaseError("Only the safeguarding partners' representatives can send it back "
                            "at this stage")
        values = {"decided_on": timezone.localdate(), "decided_by": actor.full_name}
    else:
        if not rules.can_manage_lcspr(actor, lcspr.case):
            raise CaseError("Only the business unit records a group's decision")
        values = _meeting_values(decided_on, decided_by, version.frozen_at)
    _check(version, stage, content_sha256)
    if not comment.strip():
        raise CaseError({"comment": "Enter the comments the report is sent back with"})
    approval = _create(version=version, stage=stage, stage_name=spec["name"], partner=partner,
                       outcome=Outcome.SENT_BACK, comment=comment.strip(),
                       content_sha256=version.content_sha256, recorded_by=actor,
                       form_token=form_token, **values)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=approval,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "version": version.number, "stage": stage,
                         "outcome": approval.outcome})
    version_void(actor=actor, version=version,
                 reason=f"Sent back with comments at: {spec['name']}")
    report_email_queue("sent_back", approval.pk)
    return approval


def approved_version(lcspr: Lcspr) -> OverviewReportVersion | None:
    """The live version once approved through its chain, else None (one query)."""
    return (OverviewReportVersion.objects.filter(report__lcspr=lcspr, voided_at__isnull=True,
                                                 approved_at__isnull=False)
            .order_by("-number").first())
