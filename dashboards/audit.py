"""The audit trail as people read it: "Viewed case DEMO-2026-012 (child record)", not a
table name and an id. Filters by case, person, action and dates; a CSV export of what the
filters select (itself audited).

The events hold ids only (never names); this page turns them into words a page at a time:
the case references and the people's names of one page in two queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet

from accounts.models import AuditEvent, User
from cases.models import Case

# What a record is called on the page, by its model; anything else by its verbose name.
NOUNS = {
    "cases.case": "case",
    "cases.referral": "referral",
    "cases.child": "child's details",
    "cases.person": "family member's details",
    "cases.casedocument": "document",
    "calendars.deadline": "deadline",
    "calendars.anchorevent": "date a deadline counts from",
    "rapid_review.agencyreturn": "agency return",
    "rapid_review.reviewreport": "rapid review report",
    "rapid_review.reportversion": "version for signature",
    "rapid_review.partnersignature": "partner's signature",
}
# Views of these hold a child's details.
CHILD_RECORDS = {"cases.case", "cases.referral", "rapid_review.agencyreturn",
                 "rapid_review.reviewreport"}


@dataclass(frozen=True)
class AuditFilters:
    case: str = ""
    person: int | None = None
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if self.case:
            case_id = (Case.objects.filter(reference__iexact=self.case.strip())
                       .values_list("pk", flat=True).first())
            if case_id is None:
                return events.none()
            events = events.filter(Q(object_type="cases.case", object_id=str(case_id))
                                   | Q(detail__case=case_id))
        if self.person:
            events = events.filter(actor_id=self.person)
        if self.action:
            events = events.filter(action=self.action)
        if self.date_from:
            events = events.filter(occurred_at__date__gte=self.date_from)
        if self.date_to:
            events = events.filter(occurred_at__date__lte=self.date_to)
        return events


@dataclass(frozen=True)
class AuditLine:
    event: AuditEvent
    who: str
    what: str


def _noun(object_type: str) -> str:
    if object_type in NOUNS:
        return NOUNS[object_type]
    try:
        return apps.get_model(object_type)._meta.verbose_name
    except (LookupError, ValueError):
        return "record"


# Lists and pages that name no one record, by the page they were read on (read_audit.py).
PAGES = {
    "cases:case-list": "the case list",
    "cases:referral-inbox": "the referral inbox",
    "cases:my-referrals": "the agency's referrals",
    "rapid_review:chase-list": "the returns to chase",
    "rapid_review:agency-requests": "the agency's information requests",
    "actionplans:my-actions": "the agency's actions",
    "calendars:deadlines": "the deadlines",
    "outbox:undelivered": "the undelivered emails",
    "records:review": "the records due for review",
    "records:subject-access": "the subject access search",
    # Written by the overdue dashboards themselves.
    "overdue_dashboard": "the overdue dashboard",
    "agency_overdue": "the agency's overdue work",
}


# Exports that name no one record, by their ``detail.export``.
EXPORTS = {
    "audit_trail": "the audit trail (CSV)",
    "subject_access": "a subject access export",
}
# Retention (records/): what was done to a case's records, by ``detail.retention``.
RETENTION = {
    "flagged_for_review": "Flagged for retention review",
    "keep": "Kept for a further period",
    "hold": "Placed a legal hold on",
    "release": "Released the legal hold on",
    "reviewed": "Marked as reviewed for retention",
}


def _page_noun(event: AuditEvent) -> str:
    if event.detail.get("export") in EXPORTS:
        return EXPORTS[event.detail["export"]]
    page = event.detail.get("page")
    if page in PAGES:
        searched = event.detail.get("searched") or {}
        return PAGES[page] + (" (searched)" if searched.get("search") else "")
    if event.action == AuditEvent.Action.REFUSED:
        return "a page"
    return "the partnership's settings"


def describe(events: list[AuditEvent]) -> list[AuditLine]:
    """Each event in words, with the case's reference where the event concerns a case."""
    case_ids = set()
    for e in events:
        if e.object_type == "cases.case" and e.object_id.isdigit():
            case_ids.add(int(e.object_id))
        elif isinstance(e.detail.get("case"), int):
            case_ids.add(e.detail["case"])
    references = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "reference"))
    lines = []
    for e in events:
        action = e.get_action_display()
        if e.action in (AuditEvent.Action.SIGN_IN, AuditEvent.Action.SIGN_OUT,
                        AuditEvent.Action.SIGN_IN_FAILED, AuditEvent.Action.PASSWORD_RESET):
            what = action
        else:
            case_id = (int(e.object_id) if e.object_type == "cases.case"
                       and e.object_id.isdigit() else e.detail.get("case"))
            reference = references.get(case_id)
            noun = _noun(e.object_type) if e.object_type else _page_noun(e)
            if e.action == AuditEvent.Action.REFUSED:
                action = "Refused access to"
            elif e.detail.get("retention") in RETENTION:
                action = RETENTION[e.detail["retention"]]
            if e.object_type == "cases.case":
                what = f"{action} {'case ' + reference if reference else 'a draft referral'}"
            else:
                what = f"{action} {noun}" + (f" on case {reference}" if reference else "")
            if e.action == AuditEvent.Action.VIEW and e.object_type in CHILD_RECORDS:
                what += " (child record)"
        who = e.actor.full_name if e.actor_id else "The service"
        lines.append(AuditLine(e, who, what))
    return lines


def people_in(events: QuerySet[AuditEvent]) -> QuerySet[User]:
    """Everyone who appears in the partnership's trail, for the filter."""
    return User.objects.filter(pk__in=events.values("actor_id")).order_by("full_name")
