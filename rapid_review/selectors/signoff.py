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
# Once all three signed: the decision record and the report as signed, saying which
# version, by whom and when (the pack for the Panel holds these).
SIGNED_DOCUMENTS = (CaseDocument.Kind.DECISION_RECORD, CaseDocument.Kind.RAPID_REVIEW_REPORT)


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
        wanted += [(kind, f"{prefix}-signed") for kind in SIGNED_DOCUMENTS]
    state.missing = [CaseDocument.Kind(kind).label + (" (signed)" if key != prefix else "")
                     for kind, key in wanted if (kind, key) not in made]
    return state


def disagreements_before(version: ReportVersion) -> list[PartnerSignature]:
    """Every disagreement a partner recorded with this version or an earlier one of the
    same report, with how it was resolved: the signed record and the Panel hear of them."""
    return list(PartnerSignature.objects.filter(
        version__report_id=version.report_id, version__number__lte=version.number,
        outcome=PartnerSignature.Outcome.DISAGREED)
        .select_related("version", "resolved_by").order_by("signed_at", "id"))


@dataclass(frozen=True)
class OutForSignature:
    """The version an edit of the report would void, and who has already signed it (they
    will have to sign again): for the warning on the report's edit pages."""

    number: int
    signed: list[PartnerSignature]

    @property
    def signers(self) -> str:
        """'Lena Example (Local authority) and Percy Example (Police)'."""
        names = [f"{s.signer_name} ({s.get_partner_display()})" for s in self.signed]
        if len(names) < 2:
            return "".join(names)
        return ", ".join(names[:-1]) + " and " + names[-1]


def out_for_signature(report: ReviewReport) -> OutForSignature | None:
    """The live version with its signatures, or None when nothing is out for signature.
    Two queries."""
    version = report.versions.filter(voided_at__isnull=True).order_by("-number").first()
    if version is None:
        return None
    signed = list(version.signatures.filter(outcome=PartnerSignature.Outcome.SIGNED)
                  .order_by("partner"))
    return OutForSignature(version.number, signed)
