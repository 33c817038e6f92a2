"""Local child safeguarding practice reviews (seed 002 chapter 3, seed 003 flowchart 3), one
module per part: commissioning, running the review, involving the family and
practitioners, the report, its approval and publication."""

from .commissioning import (
    CO_OPTED,
    LETTER_STEPS,
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
from .referral import NATIONAL_CIRCUMSTANCES, NATIONAL_CRITERIA, NATIONAL_GROUNDS, NationalReferral
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
from .timetable import TimetableItem

__all__ = ["CO_OPTED", "LETTER_STEPS", "NATIONAL_CIRCUMSTANCES", "NATIONAL_CRITERIA",
           "NATIONAL_GROUNDS", "OFFERS", "REPRESENTS", "SECTIONS", "SECTION_LABELS", "SKILLS",
           "AnonymisedCopy", "ApprovalStage", "Checkpoint", "FamilyMember",
           "FinalReportDispatch", "Lcspr", "LcsprTerms", "LcsprTermsAgreement",
           "NationalReferral", "OverviewReport", "OverviewReportVersion", "ParallelProcess",
           "PractitionerInvolvement", "Publication", "Recommendation", "RedactionTerm",
           "ReportApproval", "ReportUpload", "Reviewer", "ReviewerLetterDispatch", "StageKind",
           "SubGroupMember", "TargetRevision", "TimetableItem"]
