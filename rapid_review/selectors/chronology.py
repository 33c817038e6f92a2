"""Reads for chronologies: one agency's entries, the master chronology of every submitted
return, and what the collated report (seed 003 SCSI-7) needs. Each is a fixed number of
queries whatever the number of entries (the master chronology is one indexed query)."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Agency
from config.pagination import page_of

from ..models import (
    AgencyReturn,
    ChronologyEntry,
    InformationRequest,
    RapidReview,
    TermsOfReference,
)

MASTER_PAGE_SIZE = 100  # the page shows a page at a time; the documents hold every entry


@dataclass(frozen=True)
class ScopePeriod:
    """The terms of reference's scope period; either end may be open."""

    start: datetime.date | None = None
    end: datetime.date | None = None

    def __bool__(self) -> bool:
        return bool(self.start or self.end)

    def excludes(self, date: datetime.date) -> bool:
        return bool((self.start and date < self.start) or (self.end and date > self.end))

    def __str__(self) -> str:
        def fmt(d):
            return f"{d:%-d %B %Y}"
        if self.start and self.end:
            return f"{fmt(self.start)} to {fmt(self.end)}"
        if self.start:
            return f"from {fmt(self.start)}"
        return f"up to {fmt(self.end)}" if self.end else ""


def scope_period(review: RapidReview) -> ScopePeriod:
    """1 query; an empty period when there are no terms of reference (nothing flagged)."""
    found = (TermsOfReference.objects.filter(review=review)
             .values_list("scope_from", "scope_to").first())
    return ScopePeriod(*found) if found else ScopePeriod()


def _flag(entries, scope: ScopePeriod) -> list[ChronologyEntry]:
    entries = list(entries)
    for entry in entries:
        entry.out_of_scope = scope.excludes(entry.date)
    return entries


def return_entries(agency_return: AgencyReturn, scope: ScopePeriod
                   ) -> list[ChronologyEntry]:
    """One agency's entries in date order (then the order they were added), flagged
    when outside the scope period, never dropped."""
    return _flag(ChronologyEntry.objects.filter(agency_return=agency_return)
                 .order_by("date", "position", "id"), scope)


def entry_of_return(agency_return: AgencyReturn, pk: int) -> ChronologyEntry | None:
    return ChronologyEntry.objects.filter(agency_return=agency_return, pk=pk).first()


# The master chronology -----------------------------------------------------------------
@dataclass(frozen=True)
class MasterFilters:
    agency: int | None = None
    subject: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def __bool__(self) -> bool:
        return bool(self.agency or self.subject or self.date_from or self.date_to)

    def describe(self, agencies: dict[int, str]) -> str:
        """In words, for the page and the exported documents."""
        parts = []
        if self.agency:
            parts.append(f"agency: {agencies.get(self.agency, 'unknown')}")
        if self.subject:
            parts.append(f"subject contains '{self.subject}'")
        if self.date_from:
            parts.append(f"from {self.date_from:%-d %B %Y}")
        if self.date_to:
            parts.append(f"to {self.date_to:%-d %B %Y}")
        return "; ".join(parts)

    @property
    def key(self) -> str:
        """The stored document's ``related_key``: '' for the whole chronology."""
        if not self:
            return ""
        raw = f"{self.agency}|{self.subject.lower()}|{self.date_from}|{self.date_to}"
        return "filtered-" + hashlib.sha256(raw.encode()).hexdigest()[:16]


def submitted_entries(review: RapidReview) -> QuerySet:
    """Entries of submitted returns only, in master order (date, agency, position). The
    submitted returns are the review's own, as a subquery: joined on their status alone,
    counting the entries scanned every submitted return in the country."""
    submitted = AgencyReturn.objects.filter(request__review_id=review.pk,
                                            status=AgencyReturn.Status.SUBMITTED)
    return (ChronologyEntry.objects
            .filter(review=review, agency_return__in=submitted.values("pk"))
            .select_related("agency")
            .order_by("date", "agency__name", "position", "id"))


def filtered_entries(review: RapidReview, filters: MasterFilters) -> QuerySet:
    entries = submitted_entries(review)
    if filters.agency:
        entries = entries.filter(agency_id=filters.agency)
    if filters.subject:
        entries = entries.filter(subjects__icontains=filters.subject)
    if filters.date_from:
        entries = entries.filter(date__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(date__lte=filters.date_to)
    return entries


def contributing_agencies(review: RapidReview) -> dict[int, str]:
    """Agencies with a submitted return, for the filter (1 query)."""
    return dict(Agency.objects.filter(
        information_requests__review=review,
        information_requests__agency_return__status=AgencyReturn.Status.SUBMITTED)
        .order_by("name").values_list("pk", "name"))


@dataclass
class MasterChronology:
    entries: list[ChronologyEntry]
    count: int
    total: int
    agencies: dict[int, str]
    scope: ScopePeriod
    page: object = None
    filters: MasterFilters = field(default_factory=MasterFilters)


def master_chronology(review: RapidReview, filters: MasterFilters, *,
                      page: int | str | None = 1, agencies: dict[int, str] | None = None
                      ) -> MasterChronology:
    """One page of the merged chronology: 4 queries whatever the number of entries
    (scope, agencies unless given, the count, the page's entries), and the total when
    filtered."""
    scope = scope_period(review)
    agencies = contributing_agencies(review) if agencies is None else agencies
    current = page_of(filtered_entries(review, filters), page, per_page=MASTER_PAGE_SIZE)
    count = current.paginator.count
    total = submitted_entries(review).count() if filters else count
    return MasterChronology(entries=_flag(current.object_list, scope), count=count,
                            total=total, agencies=agencies, scope=scope, page=current,
                            filters=filters)


def all_master_entries(review: RapidReview, filters: MasterFilters
                       ) -> tuple[list[ChronologyEntry], ScopePeriod]:
    """Every entry matching the filters, flagged (2 queries), for exports."""
    scope = scope_period(review)
    return _flag(filtered_entries(review, filters), scope), scope


# The collated report (SCSI-7) ------------------------------------------------------------
@dataclass
class CollatedReturns:
    returned: list[InformationRequest]
    nil: list[InformationRequest]
    missing: list[InformationRequest]
    entries: list[ChronologyEntry]
    scope: ScopePeriod


def collated_returns(review: RapidReview, today: datetime.date | None = None
                     ) -> CollatedReturns:
    """Every request sorted into returned / nil / not returned (late ones marked), and
    the whole master chronology: 3 queries."""
    today = today or timezone.localdate()
    requests = list(InformationRequest.objects.filter(review=review)
                    .select_related("agency", "agency_return")
                    .order_by("agency__name"))
    returned, nil, missing = [], [], []
    for request in requests:
        agency_return = getattr(request, "agency_return", None)
        if agency_return is not None and agency_return.status == AgencyReturn.Status.SUBMITTED:
            request.late = agency_return.submitted_late
            (nil if agency_return.is_nil_return else returned).append(request)
        else:
            request.late = today > request.due_on
            missing.append(request)
    entries, scope = all_master_entries(review, MasterFilters())
    return CollatedReturns(returned, nil, missing, entries, scope)
