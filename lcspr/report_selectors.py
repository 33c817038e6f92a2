"""Reading the overview report, its approval, redaction and publication, scoped to the user:
out of scope is 404."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch

from accounts import rules
from accounts.rules import LOCAL_REVIEW_STAGES, require
from cases.models import CaseDocument

from .models import (
    SECTIONS,
    Lcspr,
    OverviewReport,
    OverviewReportVersion,
    Recommendation,
    ReportApproval,
)
from .services.approval import StageState, is_approved, stages_state

HISTORY_SHOWN = 10


def lcspr_report_readable(user, reference: str) -> Lcspr:
    """A commissioned review whose report the user may read (its readers, its reviewer, the
    partner representatives); 404 otherwise."""
    lcspr = (Lcspr.objects.select_related("case__partnership", "reviewer__user")
             .filter(case__reference=reference, decided_on__isnull=False).first())
    require(lcspr is not None and rules.can_read_lcspr_report(user, lcspr))
    return lcspr


def lcspr_report_writable(user, reference: str) -> Lcspr:
    lcspr = lcspr_report_readable(user, reference)
    require(rules.can_write_lcspr_report(user, lcspr))
    return lcspr


@dataclass
class ReportState:
    report: OverviewReport | None
    sections: list[tuple[str, str, str]] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    version: OverviewReportVersion | None = None
    documents: list[CaseDocument] = field(default_factory=list)
    stages: list[StageState] = field(default_factory=list)
    history: list[OverviewReportVersion] = field(default_factory=list)
    sent_back: list[ReportApproval] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        return self.version is not None and is_approved(self.version, self.stages)


def report_state(lcspr: Lcspr) -> ReportState:
    """The draft, the live version with its documents and the state of each stage, and the
    last versions voided: a fixed number of queries whatever the history."""
    report = (OverviewReport.objects.select_related("upload", "updated_by")
              .defer("upload__data").filter(lcspr=lcspr).first())
    state = ReportState(report=report,
                        recommendations=list(lcspr.recommendations.select_related("lead_agency")))
    texts = report.sections if report else {}
    state.sections = [(key, label, texts.get(key, "")) for key, label in SECTIONS]
    if report is None:
        return state
    versions = list(report.versions.order_by("-number")[:HISTORY_SHOWN + 1].prefetch_related(
        Prefetch("approvals", queryset=ReportApproval.objects.order_by("stage", "partner"))))
    state.version = next((v for v in versions if v.voided_at is None), None)
    state.history = [v for v in versions if v.voided_at is not None][:HISTORY_SHOWN]
    state.sent_back = [a for v in versions for a in v.approvals.all()
                       if a.outcome == ReportApproval.Outcome.SENT_BACK]
    if state.version is not None:
        state.stages = stages_state(state.version, list(state.version.approvals.all()))
        prefix = f"overview-version-{state.version.number}"
        state.documents = list(CaseDocument.objects.filter(
            case_id=lcspr.case_id, kind=CaseDocument.Kind.LCSPR_OVERVIEW_REPORT,
            related_key__in=[prefix, f"{prefix}-approved"]).defer("docx", "pdf")
            .order_by("related_key", "-version"))
    return state


def approved_recommendations(lcspr: Lcspr) -> list[Recommendation]:
    """The recommendations of the approved report, for the action plan: the rows as they are
    once the report is approved (an edit after approval voids it, so these match)."""
    approved = OverviewReportVersion.objects.filter(
        report__lcspr=lcspr, voided_at__isnull=True, approved_at__isnull=False).exists()
    return list(lcspr.recommendations.select_related("lead_agency")) if approved else []


def report_progress(lcspr: Lcspr) -> dict[str, bool]:
    """What the overview's report tasks need, in one query."""
    from django.db.models import Exists, OuterRef

    from .models import AnonymisedCopy, FinalReportDispatch, Publication, RedactionTerm

    def any_of(model, **filters):
        return Exists(model.objects.filter(**filters))
    live = {"report__lcspr": OuterRef("pk"), "voided_at__isnull": True}
    NAMES = ("report", "version", "approved", "terms", "copy_ready", "dispatched", "decided",
             "published", "not_published")
    row = Lcspr.objects.filter(pk=lcspr.pk).annotate(
        has_report=any_of(OverviewReport, lcspr=OuterRef("pk")),
        has_version=any_of(OverviewReportVersion, **live),
        has_approved=any_of(OverviewReportVersion, approved_at__isnull=False, **live),
        has_terms=any_of(RedactionTerm, lcspr=OuterRef("pk")),
        has_copy_ready=any_of(AnonymisedCopy, lcspr=OuterRef("pk"), ready_at__isnull=False,
                          version__voided_at__isnull=True),
        has_dispatched=any_of(FinalReportDispatch, lcspr=OuterRef("pk")),
        has_decided=any_of(Publication, lcspr=OuterRef("pk")),
        has_published=any_of(Publication, lcspr=OuterRef("pk"), published_on__isnull=False),
        has_not_published=any_of(Publication, lcspr=OuterRef("pk"), decision="not_publish"),
    ).values(*[f"has_{n}" for n in NAMES]).get()
    row = {n: row[f"has_{n}"] for n in NAMES}
    row["published"] = row["published"] or (
        row["not_published"] and lcspr.case.stage not in LOCAL_REVIEW_STAGES)
    return row


def endorsements_waiting(partnership, partner: str, *, limit: int = 50
                         ) -> list[OverviewReportVersion]:
    """Live versions of reviews at their LCSPR stage whose next stage is the partners'
    endorsement and which the partner has not signed: two queries, at most ``limit``
    versions looked at."""
    signed = ReportApproval.objects.filter(version=OuterRef("pk"), partner=partner).exclude(
        outcome=ReportApproval.Outcome.SENT_BACK)
    versions = list(OverviewReportVersion.objects.filter(
        voided_at__isnull=True, approved_at__isnull=True,
        report__lcspr__case__partnership=partnership, report__lcspr__case__stage="lcspr")
        .exclude(Exists(signed)).select_related("report__lcspr__case")
        .prefetch_related(Prefetch("approvals", queryset=ReportApproval.objects.exclude(
            outcome=ReportApproval.Outcome.SENT_BACK)))
        .order_by("frozen_at", "pk")[:limit])
    return [v for v in versions if any(
        s.is_next and s.kind == "partners" for s in stages_state(v, list(v.approvals.all())))]
