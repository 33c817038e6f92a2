"""Reads for the terms of reference and the review group's papers, scoped to the user.

The partner representatives cannot open cases, so these selectors reach a rapid review
through ``REVIEW_PAPER_READERS`` rather than ``cases_visible_to``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet

from accounts import rules
from accounts.models import StatutoryPartner, User
from cases.models import CaseDocument, Stage

from ..models import (
    InformationRequest,
    RapidReview,
    TermsAgreement,
    TermsMember,
    TermsOfReference,
)


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


def review_for_lcspr_reader(user: User, reference: str, *, readers) -> RapidReview | None:
    """The rapid review of a case, for those ``readers(user, case)`` allows, or for the
    reviewer appointed to the case's LCSPR (the returns and chronology carried over)."""
    review = (RapidReview.objects.select_related("case__partnership", "notification",
                                                 "case__lcspr__reviewer")
              .filter(case__reference=reference).exclude(case__stage=Stage.DRAFT).first())
    if review is None or not (readers(user, review.case)
                              or rules.is_case_reviewer(user, review.case)):
        return None
    return review


@dataclass
class TermsSummary:
    terms: TermsOfReference | None
    members: list[TermsMember] = field(default_factory=list)
    agreements: list[TermsAgreement] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    document: CaseDocument | None = None
    returns_due: ReturnsDue | None = None

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


@dataclass(frozen=True)
class ReturnsDue:
    """When the agencies' returns are due, as the terms of reference say it: the date in
    the information requests once they are sent (each request's deadline, computed and
    moved by the partnership's calendar), else the date the terms planned."""

    on: datetime.date | None
    from_requests: bool = False
    varies: bool = False  # requests sent on different days have different dates

    def __str__(self) -> str:
        if self.on is None:
            return "Not set"
        if self.varies:
            return f"the date in each agency's request (the latest is {self.on:%-d %B %Y})"
        return f"{self.on:%-d %B %Y}"


def _requests(review_id: int) -> list[tuple[str, datetime.date | None]]:
    """Each rapid review information request's agency and return date, in one query."""
    return list(InformationRequest.objects.filter(
        review_id=review_id, requested_for=InformationRequest.For.RAPID_REVIEW).values_list(
        "agency__name", "return_deadline__due_date"))


def _requested_dates(requests: list[tuple[str, datetime.date | None]]) -> set[datetime.date]:
    return {due for _agency, due in requests if due is not None}


def requested_returns_due(review: RapidReview) -> datetime.date | None:
    """The latest return date of the information requests sent, if any were."""
    return max(_requested_dates(_requests(review.pk)), default=None)


def returns_due(terms: TermsOfReference,
                requests: list[tuple[str, datetime.date | None]] | None = None) -> ReturnsDue:
    """One query, none if the review's ``requests`` are given."""
    dates = _requested_dates(_requests(terms.review_id) if requests is None else requests)
    if dates:
        return ReturnsDue(max(dates), from_requests=True, varies=len(dates) > 1)
    return ReturnsDue(terms.returns_due_on)


def terms_summary(review: RapidReview) -> TermsSummary:
    """The current version with its members, its agreements (this version only), the
    agencies asked for information, and the stored document for download."""
    terms = (TermsOfReference.objects.filter(review=review)
             .select_related("updated_by")
             .prefetch_related("children", "people", "members").first())
    requests = _requests(review.pk)
    agencies = sorted(agency for agency, _due in requests)
    if terms is None:
        return TermsSummary(None, agencies=agencies)
    # The review already read, with its case and partnership: the rules asked of the terms
    # (can_agree_terms) would otherwise read all three again.
    terms.review = review
    agreements = list(terms.agreements.filter(version=terms.version)
                      .select_related("agreed_by"))
    document = (CaseDocument.objects.filter(case_id=review.case_id,
                                            kind=CaseDocument.Kind.TERMS_OF_REFERENCE,
                                            related_key="")
                .defer("docx", "pdf").order_by("-version").first())
    return TermsSummary(terms, list(terms.members.all()), agreements, agencies, document,
                        returns_due(terms, requests))
