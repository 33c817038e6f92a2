"""Reads for the terms of reference and the review group's papers, scoped to the user.

The partner representatives cannot open cases, so these selectors reach a rapid review
through ``REVIEW_PAPER_READERS`` rather than ``cases_visible_to``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts import rules
from accounts.models import Partnership, StatutoryPartner, User
from cases.models import Case, CaseDocument, DocumentDispatch, Stage
from notifications.documents import LETTER_KINDS

from ..models import (
    RapidReview,
    TermsAgreement,
    TermsMember,
    TermsOfReference,
)
from .clock import ReviewClock, review_clock


def reviews_readable_by(user: User) -> QuerySet[RapidReview]:
    """Rapid reviews of partnerships where the user reads the review group's papers."""
    return rules.visible_to(
        user, RapidReview.objects.select_related("case__partnership", "notification"),
        roles=rules.REVIEW_PAPER_READERS, partnership_field="case__partnership",
    ).exclude(case__stage=Stage.DRAFT)


def review_for_papers(user: User, reference: str) -> RapidReview | None:
    review = reviews_readable_by(user).filter(case__reference=reference).first()
    if review is None or not rules.can_read_review_papers(user, review.case):
        return None
    return review


@dataclass
class TermsSummary:
    terms: TermsOfReference | None
    members: list[TermsMember] = field(default_factory=list)
    agreements: list[TermsAgreement] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    document: CaseDocument | None = None

    @property
    def meeting_dates(self) -> list[datetime.date]:
        return [datetime.date.fromisoformat(d) for d in (self.terms.meeting_dates if
                                                          self.terms else [])]

    @property
    def agreed_partners(self) -> set[str]:
        return {a.partner for a in self.agreements}

    @property
    def awaiting(self) -> list[str]:
        return [label for value, label in StatutoryPartner.choices
                if value not in self.agreed_partners]

    @property
    def agreed_by_all(self) -> bool:
        return self.terms is not None and not self.awaiting


def terms_summary(review: RapidReview) -> TermsSummary:
    """The current version with its members, its agreements (this version only), the
    agencies asked for information, and the stored document for download."""
    terms = (TermsOfReference.objects.filter(review=review)
             .select_related("updated_by")
             .prefetch_related("children", "people", "members").first())
    agencies = sorted(review.information_requests.values_list("agency__name", flat=True))
    if terms is None:
        return TermsSummary(None, agencies=agencies)
    agreements = list(terms.agreements.filter(version=terms.version)
                      .select_related("agreed_by"))
    document = (CaseDocument.objects.filter(case_id=review.case_id,
                                            kind=CaseDocument.Kind.TERMS_OF_REFERENCE,
                                            related_key="")
                .defer("docx", "pdf").order_by("-version").first())
    return TermsSummary(terms, list(terms.members.all()), agreements, agencies, document)


# Before the Panel is notified the partners and the review group may already have been
# sent letters (SCSI-2, SCSI-3, SCSI-4): at any stage the letters can go (from the
# referral, through triage; a case triaged to a rapid review waits at that stage for the
# notification) while no rapid review has started.
VERSION_KEY = re.compile(r"^report-version-(\d+)(-signed)?$")
# In the order the review group receives them.
PAPER_ORDER = [*LETTER_KINDS, CaseDocument.Kind.TERMS_OF_REFERENCE,
               CaseDocument.Kind.MASTER_CHRONOLOGY, CaseDocument.Kind.COLLATED_RETURNS,
               CaseDocument.Kind.DECISION_RECORD_LETTER, CaseDocument.Kind.DECISION_RECORD,
               CaseDocument.Kind.RAPID_REVIEW_REPORT]


@dataclass(frozen=True)
class Paper:
    document: CaseDocument
    label: str
    version: int


@dataclass(frozen=True)
class ReviewPapers:
    case: Case
    review: RapidReview | None
    clock: ReviewClock | None
    papers: list[Paper]
    terms_version: int | None


@dataclass(frozen=True)
class PapersPage:
    reviews: list[ReviewPapers]
    not_yet_notified: list[ReviewPapers]


def _current_papers(user: User, documents: list[CaseDocument]) -> list[Paper]:
    """The latest version of each paper, and of the report's documents only those of the
    latest report version (the one out for signature, or signed): earlier ones are void."""
    latest: dict[tuple[str, str], CaseDocument] = {}
    for document in documents:  # newest version first
        latest.setdefault((document.kind, document.related_key), document)
    frozen = [int(m.group(1)) for key in {k for _kind, k in latest}
              if (m := VERSION_KEY.match(key))]
    newest = max(frozen, default=None)
    papers = []
    for document in latest.values():
        match = VERSION_KEY.match(document.related_key)
        if match and int(match.group(1)) != newest:
            continue
        if not rules.can_download_document(user, document):
            continue
        label = document.get_kind_display() + (", signed" if match and match.group(2) else "")
        papers.append(Paper(document, label, int(match.group(1)) if match
                            else document.version))
    order = {kind: position for position, kind in enumerate(PAPER_ORDER)}
    return sorted(papers, key=lambda p: (order.get(p.document.kind, len(order)),
                                         p.document.related_key))


def review_papers(user: User, partnership: Partnership,
                  today: datetime.date | None = None) -> PapersPage:
    """The partnership's rapid reviews in progress, each with its clock, and the incidents
    the partners have been sent letters about before the Panel was notified; each with the
    current version of each paper the user may download. A fixed number of queries."""
    if not rules.can_list_review_papers(user, partnership):
        return PapersPage([], [])
    today = today or timezone.localdate()
    letters_sent = DocumentDispatch.objects.filter(document__case=OuterRef("pk"),
                                                   document__kind__in=LETTER_KINDS)
    cases = list(
        rules.visible_to(user, Case.objects.all(), roles=rules.REVIEW_PAPER_READERS)
        .filter(partnership=partnership)
        .filter(Q(stage=Stage.RAPID_REVIEW, rapid_review__isnull=False,
                  rapid_review__stopped_on__isnull=True)
                | Q(Exists(letters_sent), stage__in=rules.LETTER_STAGES,
                    rapid_review__isnull=True))
        .select_related("partnership", "referral", "rapid_review__notification",
                        "rapid_review__terms_of_reference", "rapid_review__submission")
        .prefetch_related(Prefetch(
            "documents",
            queryset=CaseDocument.objects.filter(kind__in=rules.REVIEW_PAPER_KINDS)
            .select_related("case__partnership").defer("docx", "pdf")
            .order_by("kind", "related_key", "-version"),
            to_attr="papers"))
        .order_by("created_at", "reference"))
    reviews, not_yet_notified = [], []
    for case in cases:
        review = getattr(case, "rapid_review", None)
        papers = _current_papers(user, case.papers)
        if review is None:
            not_yet_notified.append(ReviewPapers(case, None, None, papers, None))
            continue
        terms = getattr(review, "terms_of_reference", None)
        reviews.append(ReviewPapers(case, review, review_clock(review, today), papers,
                                    terms.version if terms else None))
    reviews.sort(key=lambda row: (row.review.started_on, row.case.reference))
    return PapersPage(reviews, not_yet_notified)
