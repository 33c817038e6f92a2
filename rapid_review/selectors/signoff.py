"""Reads for the sign-off: the version out for signature, each partner's state, and the
history of voided versions with the signatures they had."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from accounts.models import StatutoryPartner
from cases.models import CaseDocument

from ..models import PartnerSignature, RapidReview, ReportVersion, ReviewReport

# The documents each version has (the signed decision record too once all three signed).
VERSION_DOCUMENTS = (CaseDocument.Kind.DECISION_RECORD_LETTER,
                     CaseDocument.Kind.RAPID_REVIEW_REPORT, CaseDocument.Kind.DECISION_RECORD)


@dataclass(frozen=True)
class PartnerStatus:
    partner: str
    label: str
    signature: PartnerSignature | None
    disagreements: list[PartnerSignature]


@dataclass
class SignoffState:
    report: ReviewReport | None
    version: ReportVersion | None = None
    documents: list[CaseDocument] = field(default_factory=list)
    partners: list[PartnerStatus] = field(default_factory=list)
    history: list[ReportVersion] = field(default_factory=list)

    @property
    def all_signed(self) -> bool:
        return bool(self.partners) and all(p.signature for p in self.partners)

    unresolved: list[PartnerSignature] = field(default_factory=list)
    # The live version's documents not made yet (they are rendered after the change that
    # froze or signed it commits): their names, for the page to say so.
    missing: list[str] = field(default_factory=list)

    @property
    def documents_to_make(self) -> bool:
        return bool(self.missing) or any(d.pdf_error for d in self.documents)

    def status_for(self, partner: str) -> PartnerStatus | None:
        return next((p for p in self.partners if p.partner == partner), None)


def signoff_state(review: RapidReview) -> SignoffState:
    """A fixed number of queries whatever the number of versions and signatures."""
    report = ReviewReport.objects.filter(review=review).first()
    if report is None:
        return SignoffState(report=None)
    versions = list(report.versions.prefetch_related(Prefetch(
        "signatures", queryset=PartnerSignature.objects.select_related("resolved_by"))))
    live = next((v for v in versions if v.voided_at is None), None)
    state = SignoffState(report=report, version=live,
                         history=[v for v in versions if v.voided_at is not None],
                         unresolved=[s for v in versions for s in v.signatures.all()
                                     if s.outcome == "disagreed" and not s.resolved_at])
    if live is None:
        return state
    prefix = f"report-version-{live.number}"
    # The covering letter first, then what it encloses, then the signed record.
    state.documents = sorted(
        CaseDocument.objects.filter(case=review.case_id,
                                    related_key__in=[prefix, f"{prefix}-signed"])
        .defer("docx", "pdf"),
        key=lambda d: (d.related_key, d.kind != CaseDocument.Kind.DECISION_RECORD_LETTER,
                       d.kind))
    signatures = list(live.signatures.all())
    for partner in StatutoryPartner:
        mine = [s for s in signatures if s.partner == partner.value]
        state.partners.append(PartnerStatus(
            partner=partner.value, label=partner.label,
            signature=next((s for s in mine if s.outcome == "signed"), None),
            disagreements=[s for s in mine if s.outcome == "disagreed"]))
    made = {(d.kind, d.related_key) for d in state.documents}
    wanted = [(kind, prefix) for kind in VERSION_DOCUMENTS]
    if state.all_signed:
        wanted.append((CaseDocument.Kind.DECISION_RECORD, f"{prefix}-signed"))
    state.missing = [CaseDocument.Kind(kind).label + (" (signed)" if key != prefix else "")
                     for kind, key in wanted if (kind, key) not in made]
    return state
