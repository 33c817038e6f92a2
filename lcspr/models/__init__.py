"""Local child safeguarding practice reviews (seed 002 chapter 3, seed 003 flowchart 3), one
module per part: commissioning, running the review, involving the family and
practitioners, the report, its approval and publication."""

from .commissioning import (
    CO_OPTED,
    REPRESENTS,
    SKILLS,
    Lcspr,
    LcsprTerms,
    LcsprTermsAgreement,
    Reviewer,
    ReviewerLetterDispatch,
    SubGroupMember,
)
from .involvement import OFFERS, FamilyMember, PractitionerInvolvement
from .report import (
    SECTION_LABELS,
    SECTIONS,
    AnonymisedCopy,
    ApprovalStage,
    FinalReportDispatch,
    OverviewReport,
    OverviewReportVersion,
    Publication,
    Recommendation,
    RedactionTerm,
    ReportApproval,
    ReportUpload,
    StageKind,
)
from .running import Checkpoint, ParallelProcess, TargetRevision

__all__ = ["CO_OPTED", "OFFERS", "REPRESENTS", "SECTIONS", "SECTION_LABELS", "SKILLS",
           "AnonymisedCopy", "ApprovalStage", "Checkpoint", "FamilyMember",
           "FinalReportDispatch", "Lcspr", "LcsprTerms", "LcsprTermsAgreement",
           "OverviewReport", "OverviewReportVersion", "ParallelProcess",
           "PractitionerInvolvement", "Publication", "Recommendation", "RedactionTerm",
           "ReportApproval", "ReportUpload", "Reviewer", "ReviewerLetterDispatch", "StageKind",
           "SubGroupMember", "TargetRevision"]
