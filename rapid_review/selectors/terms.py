"""Reads for the terms of reference and the review group's papers, scoped to the user.

The partner representatives cannot open cases, so these selectors reach a rapid review
through ``REVIEW_PAPER_READERS`` rather than ``cases_visible_to``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts import rules
from accounts.models import Partnership, StatutoryPartner, User
from cases.models import CaseDocument, Stage

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


@dataclass(frozen=True)
class ReviewPapers:
    review: RapidReview
    clock: ReviewClock
    documents: list[CaseDocument]
    terms_version: int | None


def review_papers(user: User, partnership: Partnership,
                  today: datetime.date | None = None) -> list[ReviewPapers]:
    """The partnership's rapid reviews in progress, each with its clock and the latest
    version of each paper the user may download: a fixed number of queries."""
    if not rules.can_list_review_papers(user, partnership):
        return []
    today = today or timezone.localdate()
    reviews = list(
        reviews_readable_by(user)
        .filter(case__partnership=partnership, case__stage=Stage.RAPID_REVIEW,
                stopped_on__isnull=True)
        .select_related("terms_of_reference")
        .prefetch_related(Prefetch(
            "case__documents",
            queryset=CaseDocument.objects.filter(kind__in=rules.REVIEW_PAPER_KINDS)
            .select_related("case__partnership").defer("docx", "pdf")
            .order_by("kind", "related_key", "-version"),
            to_attr="papers"))
        .order_by("started_on", "case__reference"))
    rows = []
    for review in reviews:
        latest = {}
        for document in review.case.papers:
            latest.setdefault((document.kind, document.related_key), document)
        documents = [d for d in latest.values() if rules.can_download_document(user, d)]
        terms = getattr(review, "terms_of_reference", None)
        clock = review_clock(review, today)
        rows.append(ReviewPapers(review, clock, documents,
                                 terms.version if terms else None))
    return rows
