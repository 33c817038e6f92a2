"""Reads for cases and referrals, scoped to the user asking."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts import rules
from accounts.models import Partnership, User
from calendars.models import Anchor, AnchorEvent, CalendarKind, Deadline, DeadlineStatus

from .models import (
    Case,
    CaseDocument,
    Challenge,
    Child,
    Involvement,
    Referral,
    ReferralQuery,
    SpreadsheetUpload,
    Stage,
    TriageDecision,
)
from .triage_documents import recommendation_key

INBOX_STAGES = [Stage.REFERRED, Stage.MORE_INFORMATION, Stage.TRIAGE]


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Referred cases of partnerships where the user reads cases (never drafts)."""
    return rules.visible_to(user, Case.objects.select_related("partnership"),
                            roles=rules.CASE_READERS).exclude(stage=Stage.DRAFT)


def referrals_for_agency_user(user: User, partnership: Partnership) -> QuerySet[Referral]:
    """The user's agency's submitted referrals and the user's own drafts."""
    agencies = rules.agency_ids_of(user, partnership)
    return (Referral.objects.filter(case__partnership=partnership, referring_agency__in=agencies)
            .filter(Q(submitted_at__isnull=False) | Q(referrer=user))
            .select_related("case", "referring_agency", "referrer")
            .prefetch_related("queries", "case__triage_decisions")
            .order_by("-started_at"))


def referral_for(user: User, reference_or_key: str) -> Referral | None:
    """A referral by case reference (or a draft by its key), if the user may see it."""
    qs = Referral.objects.select_related("case__partnership", "referring_agency", "referrer")
    referral = (qs.filter(case__reference=reference_or_key).first()
                or _draft_by_key(qs, reference_or_key))
    if referral is None or not rules.can_view_referral(user, referral):
        return None
    return referral


def _draft_by_key(qs: QuerySet[Referral], key: str) -> Referral | None:
    try:
        return qs.filter(draft_key=key).first()
    except Exception:  # noqa: BLE001 - not a UUID: no such draft
        return None


def referral_inbox(user: User, partnership: Partnership) -> QuerySet[Case]:
    return (cases_visible_to(user).filter(partnership=partnership, stage__in=INBOX_STAGES)
            .select_related("referral__referring_agency")
            .prefetch_related(Prefetch("children", queryset=Child.objects.order_by("id")))
            .order_by("referral__submitted_at", "id"))


@dataclass(frozen=True)
class CaseFilters:
    search: str = ""
    stage: str = ""
    pathway: str = ""
    referred_from: datetime.date | None = None
    referred_to: datetime.date | None = None
    overdue: bool = False


def case_list(user: User, partnership: Partnership, filters: CaseFilters) -> QuerySet[Case]:
    """Searchable, filterable case list; a fixed number of queries whatever its length."""
    today = timezone.localdate()
    # The partnership's own overdue deadlines (deadline_partnership_due), not the country's.
    overdue = Deadline.objects.filter(case=OuterRef("pk"), partnership=partnership,
                                      status=DeadlineStatus.OPEN, due_date__lt=today)
    qs = (cases_visible_to(user).filter(partnership=partnership)
          .annotate(is_overdue=Exists(overdue))
          .select_related("referral__referring_agency")
          .prefetch_related(Prefetch("children", queryset=Child.objects.order_by("id"))))
    if filters.search:
        term = filters.search.strip()
        qs = qs.filter(
            Q(reference__icontains=term)
            | Q(referral__referring_agency__name__icontains=term)
            | Exists(Child.objects.filter(case=OuterRef("pk"), full_name__icontains=term))
            | Exists(Involvement.objects.filter(case=OuterRef("pk"),
                                                agency__name__icontains=term)))
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.pathway:
        qs = qs.filter(pathway=filters.pathway)
    referred_on = Coalesce(TruncDate("referral__submitted_at"), TruncDate("created_at"))
    if filters.referred_from or filters.referred_to:
        qs = qs.annotate(referred_on=referred_on)
    if filters.referred_from:
        qs = qs.filter(referred_on__gte=filters.referred_from)
    if filters.referred_to:
        qs = qs.filter(referred_on__lte=filters.referred_to)
    if filters.overdue:
        qs = qs.filter(is_overdue=True)
    return qs.order_by("-created_at", "-id")


def case_detail(user: User, reference: str) -> Case | None:
    return (cases_visible_to(user).filter(reference=reference)
            .select_related("referral__referring_agency", "referral__referrer", "incident",
                            "panel_notification", "decision_not_to_notify",
                            "looked_after_death_notice", "rapid_review__submission",
                            "lcspr",  # the LCSPR or learning review, to name and link it
                            "retention")  # legal hold and review (records app)
            .annotate(looked_after_died=Exists(AnchorEvent.objects.filter(
                case=OuterRef("pk"), kind=Anchor.LOOKED_AFTER_CHILD_DIED)))
            # Each list one query, its people and agencies joined in (a prefetch of its
            # own each, they made the page 22 queries on the national data set).
            .prefetch_related("children", "people",
                              Prefetch("involvements", queryset=Involvement.objects
                                       .select_related("agency")),
                              Prefetch("triage_decisions", queryset=TriageDecision.objects
                                       .select_related("decided_by")),
                              "triage_decisions__attending_agencies",
                              Prefetch("triage_decisions__challenges", queryset=Challenge
                                       .objects.select_related("agency")),
                              Prefetch("referral__queries", queryset=ReferralQuery.objects
                                       .select_related("asked_by", "answered_by")))
            .first())


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    what: str
    who: str = ""


def case_deadlines(case: Case) -> list[Deadline]:
    """Every deadline of the case in one query, earliest first: a plan has a few dozen steps
    and one more per agency asked, so the case page reads them once for both of its lists."""
    rows = list(Deadline.objects.filter(case=case).select_related("step", "responsible_agency")
                .order_by("due_date", "id"))
    for d in rows:
        d.case = case
    return rows


def case_timeline(case: Case, deadlines: list[Deadline]) -> list[TimelineEntry]:
    """What happened, newest first: stage changes, questions, decisions and deadlines met."""
    entries = [TimelineEntry(c.changed_at, f"Stage: {c.get_to_stage_display()}"
                             + (f" ({c.note})" if c.note else ""),
                             c.changed_by.full_name if c.changed_by else "")
               for c in case.stage_changes.select_related("changed_by")]
    referral = getattr(case, "referral", None)
    if referral is not None:
        for q in referral.queries.all():  # prefetched by case_detail
            entries.append(TimelineEntry(q.asked_at, "Question to the referrer",
                                         q.asked_by.full_name))
            if q.answered_at:
                entries.append(TimelineEntry(q.answered_at, "Referrer answered",
                                             q.answered_by.full_name if q.answered_by else ""))
    for d in deadlines:
        if d.met_at:
            entries.append(TimelineEntry(d.met_at, f"Done: {d.step.label}"
                                         + (" (late)" if d.status == DeadlineStatus.MISSED
                                            else "")))
        elif d.status == DeadlineStatus.WAIVED:
            entries.append(TimelineEntry(case.stage_changed_at, f"No longer applies: "
                                         f"{d.step.label}", d.waived_reason))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def next_deadlines(deadlines: list[Deadline], limit: int = 3) -> list[Deadline]:
    """What is due next: every open statutory time limit (there are a few at most), then
    the next ``limit`` of the partnership's own steps."""
    open_ = [d for d in deadlines if d.status == DeadlineStatus.OPEN]
    statutory = [d for d in open_ if d.step.calendar == CalendarKind.STATUTORY]
    local = [d for d in open_ if d.step.calendar != CalendarKind.STATUTORY][:limit]
    return sorted(statutory + local, key=lambda d: (d.due_date, d.id))


def open_queries(referral: Referral) -> QuerySet[ReferralQuery]:
    return referral.queries.filter(answered_at__isnull=True)


def triage_recommendations(case: Case, decisions: list[TriageDecision]
                           ) -> dict[int, CaseDocument]:
    """The latest paper for the executive of each recommendation, by decision (one query;
    the files themselves are not loaded)."""
    latest: dict[str, CaseDocument] = {}
    for document in (CaseDocument.objects
                     .filter(case=case, kind=CaseDocument.Kind.TRIAGE_RECOMMENDATION)
                     .defer("docx", "pdf").order_by("related_key", "-version")):
        latest.setdefault(document.related_key, document)
    return {d.pk: latest[recommendation_key(d)] for d in decisions
            if recommendation_key(d) in latest}


# The case a page's URL names, for the read audit (accounts/read_audit.py): unscoped, as the
# view has already decided whether the person may see it, or refused them.
def case_by_reference(kwargs: dict) -> QuerySet[Case]:
    return Case.objects.filter(reference=kwargs["reference"])


def case_by_draft_key(kwargs: dict) -> QuerySet[Case]:
    return Case.objects.filter(referral__draft_key=kwargs["key"])


def case_by_challenge(kwargs: dict) -> QuerySet[Case]:
    return Case.objects.filter(triage_decisions__challenges=kwargs["pk"])


def spreadsheet_upload_of(*, kind: str, target_id: int, pk: int) -> SpreadsheetUpload | None:
    """An upload of this return or plan (the caller has checked the person may see it),
    without its file."""
    return (SpreadsheetUpload.objects.defer("data")
            .filter(pk=pk, kind=kind, target_id=target_id).first())


def spreadsheet_upload_unfinished(*, kind: str, target_id: int, user: User
                                  ) -> SpreadsheetUpload | None:
    """The person's latest upload of this return or plan the worker has not finished, for
    the upload page to link (they may have left its page)."""
    return (SpreadsheetUpload.objects.defer("data")
            .filter(kind=kind, target_id=target_id, uploaded_by=user, finished_at=None)
            .order_by("-uploaded_at", "-pk").first())
