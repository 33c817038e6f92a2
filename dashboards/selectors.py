"""Each role's work queue, read from the other apps' records and already scoped to the
user: what is waiting, for whom, by when, and the page where it is done.

Every list is bounded (a few rows and a count, with "see all"); the whole home page costs a
fixed number of queries whatever the data size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.urls import reverse
from django.utils import timezone

from accounts import rules
from accounts.models import Partnership, Role, StatutoryPartner, User
from actionplans.selectors import agency_actions, evidence_to_review
from calendars.models import Deadline, DeadlineStatus, StepAction
from calendars.step_pages import agency_link, business_unit_link, partner_link
from cases.models import Case, Referral, ReferralQuery, Stage
from lcspr.models import Reviewer
from lcspr.report_selectors import endorsements_waiting
from rapid_review.models import (
    AgencyReturn,
    PartnerSignature,
    ReportVersion,
    TermsAgreement,
    TermsOfReference,
)
from rapid_review.selectors import agency_requests, chase_list
from rapid_review.selectors.requests import with_states

ROWS = 10


@dataclass(frozen=True)
class Item:
    """One thing waiting: what, on which case, for whom, by when, and where to do it."""

    what: str
    reference: str
    href: str | None
    due: Deadline | None = None
    who: str = ""
    due_on: datetime.date | None = None
    since: datetime.date | None = None  # when it arrived, for what has no due date
    case_href: str | None = None  # the case page, for those who may open it


@dataclass(frozen=True)
class Queue:
    items: list[Item]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def _bounded(qs: QuerySet, limit: int = ROWS) -> tuple[list, int]:
    """The first ``limit`` rows and how many there are, in one query: the count is a window
    over the rows the query finds (a COUNT of its own was a query more for each queue that
    overflows). A DISTINCT query is counted apart, its window would count the duplicates."""
    if qs.query.distinct:
        rows = list(qs[:limit + 1])
        return (rows, len(rows)) if len(rows) <= limit else (rows[:limit], qs.count())
    rows = list(qs.annotate(queue_total=Window(Count("pk")))[:limit])
    return rows, (rows[0].queue_total if rows else 0)


def _who(deadline: Deadline) -> str:
    if deadline.responsible_agency_id:
        return deadline.responsible_agency.name
    if deadline.responsible_user_id:
        return deadline.responsible_user.full_name
    return deadline.get_responsible_role_display() or "The business unit"


def _case_page(reference: str) -> str:
    return reverse("cases:case-detail", args=[reference])


def _overview(reference: str) -> str:
    """Partners read the rapid review's overview, not the case page."""
    return reverse("rapid_review:overview", args=[reference])


def _deadline_items(deadlines: list[Deadline], link, *, case_pages: bool = False
                    ) -> list[Item]:
    return [Item(what=d.step.label, reference=d.case.reference, href=link(d), due=d,
                 who=_who(d), case_href=_case_page(d.case.reference) if case_pages else None)
            for d in deadlines]


# The business unit ------------------------------------------------------------------------

def next_steps(user: User, partnership: Partnership) -> Queue:
    """Each open case's next step (its earliest open deadline), earliest first: 2 queries
    (the first ten with the number of cases, then their deadlines). Found case by case
    through the index of each case's open deadlines: numbering every open deadline of the
    partnership (a window over them all) cost 0.3 s at 40,000."""
    if not rules.is_business_unit(user, partnership):
        return Queue([], 0)
    first = (Deadline.objects.filter(case=OuterRef("pk"), status=DeadlineStatus.OPEN)
             .order_by("due_date", "id"))
    firsts = list(Case.objects.filter(Exists(first), partnership=partnership)
                  .exclude(stage__in=[Stage.DRAFT, Stage.CLOSED])
                  .annotate(next_id=Subquery(first.values("id")[:1]),
                            next_due=Subquery(first.values("due_date")[:1]),
                            cases=Window(Count("pk")))
                  .order_by("next_due", "next_id").values_list("next_id", "cases")[:ROWS])
    ids, total = [pk for pk, _cases in firsts], (firsts[0][1] if firsts else 0)
    found = (Deadline.objects.select_related("case", "step", "responsible_agency",
                                             "responsible_user").in_bulk(ids))
    rows = [found[pk] for pk in ids if pk in found]
    return Queue(_deadline_items(rows, business_unit_link, case_pages=True), total)


def referrals_waiting(user: User, partnership: Partnership) -> Queue:
    from cases.selectors import referral_inbox

    if not rules.is_business_unit(user, partnership):
        return Queue([], 0)
    rows, total = _bounded(referral_inbox(user, partnership).prefetch_related(None))
    return Queue([_referral_item(case) for case in rows], total)


def _referral_item(case) -> Item:
    referral = getattr(case, "referral", None)  # a case opened by the business unit has none
    return Item(case_href=_case_page(case.reference), what=case.get_stage_display() + (
                    f": referred by {referral.referring_agency.name}" if referral else ""),
                reference=case.reference,
                href=reverse("cases:referral-review", args=[case.reference]),
                since=timezone.localdate(referral.submitted_at) if referral else None)


def returns_to_chase(user: User, partnership: Partnership) -> Queue:
    rows = chase_list(user, partnership, limit=ROWS)
    total = rows[0].request.to_chase if rows else 0
    return Queue([Item(what=f"Return from {row.request.agency.name}"
                            + (f", overdue by {row.overdue_by} working day"
                               f"{'s' if row.overdue_by != 1 else ''}" if row.overdue_by
                               else ""),
                       reference=row.request.review.case.reference,
                       case_href=_case_page(row.request.review.case.reference),
                       href=reverse("rapid_review:return-view",
                                    args=[row.request.review.case.reference, row.request.pk]),
                       due_on=row.request.due_on)
                  for row in rows], total)


def disagreements_to_resolve(user: User, partnership: Partnership) -> Queue:
    if not rules.is_business_unit(user, partnership):
        return Queue([], 0)
    qs = (PartnerSignature.objects.filter(
        version__report__review__case__partnership=partnership,
        outcome=PartnerSignature.Outcome.DISAGREED, resolved_at__isnull=True)
        .select_related("version__report__review__case").order_by("signed_at"))
    rows, total = _bounded(qs)
    return Queue([Item(what=f"The {s.get_partner_display().lower()} disagrees with version "
                            f"{s.version.number}",
                       reference=s.version.report.review.case.reference,
                       case_href=_case_page(s.version.report.review.case.reference),
                       href=reverse("rapid_review:signoff",
                                    args=[s.version.report.review.case.reference]),
                       since=timezone.localdate(s.signed_at))
                  for s in rows], total)


# Partner representatives ---------------------------------------------------------------

def _sign_by(case_field: str) -> Subquery:
    return Subquery(Deadline.objects.filter(
        case=OuterRef(case_field), step__met_by=StepAction.PARTNERS_SIGNED, related_key="")
        .exclude(status=DeadlineStatus.WAIVED).order_by("due_date").values("due_date")[:1])


def signatures_waiting(user: User, partnership: Partnership) -> Queue:
    """Versions out for signature that the user's partner has not signed: the rapid
    review's, then the LCSPR reports waiting for the partners' endorsement."""
    partner = rules.partner_represented_by(user, partnership)
    if not partner:
        return Queue([], 0)
    signed = PartnerSignature.objects.filter(version=OuterRef("pk"), partner=partner,
                                             outcome=PartnerSignature.Outcome.SIGNED)
    qs = (ReportVersion.objects.filter(
        voided_at__isnull=True, report__review__case__partnership=partnership,
        report__review__case__stage=Stage.RAPID_REVIEW,
        report__review__stopped_on__isnull=True, report__review__submission__isnull=True)
        .exclude(Exists(signed)).annotate(sign_by=_sign_by("report__review__case"))
        .select_related("report__review__case").order_by("frozen_at", "id"))
    rows, total = _bounded(qs)
    endorsements = _lcspr_endorsements(partnership, partner)
    return Queue([Item(what=f"Sign version {v.number} of the rapid review report and "
                            "decision record",
                       reference=v.report.review.case.reference,
                       case_href=_overview(v.report.review.case.reference),
                       href=reverse("rapid_review:signoff",
                                    args=[v.report.review.case.reference]),
                       due_on=v.sign_by, who=StatutoryPartner(partner).label)
                  for v in rows] + endorsements, total + len(endorsements))


def _lcspr_endorsements(partnership: Partnership, partner: str) -> list[Item]:
    """LCSPR and learning review reports waiting for the partner's endorsement."""
    return [Item(what=f"Endorse version {v.number} of the "
                      f"{v.report.lcspr.get_kind_display().lower()} report",
                 reference=v.report.lcspr.case.reference,
                 href=reverse("lcspr:approval", args=[v.report.lcspr.case.reference]),
                 who=StatutoryPartner(partner).label)
            for v in endorsements_waiting(partnership, partner)[:ROWS]]


def terms_waiting(user: User, partnership: Partnership) -> Queue:
    """Terms of reference whose current version the user's partner has not agreed."""
    partner = rules.partner_represented_by(user, partnership)
    if not partner:
        return Queue([], 0)
    agreed = TermsAgreement.objects.filter(terms=OuterRef("pk"), version=OuterRef("version"),
                                           partner=partner)
    qs = (TermsOfReference.objects.filter(
        review__case__partnership=partnership, review__case__stage=Stage.RAPID_REVIEW,
        review__stopped_on__isnull=True)
        .exclude(Exists(agreed)).select_related("review__case").order_by("updated_at", "id"))
    rows, total = _bounded(qs)
    return Queue([Item(what=f"Agree version {t.version} of the terms of reference",
                       reference=t.review.case.reference,
                       case_href=_overview(t.review.case.reference),
                       href=reverse("rapid_review:terms", args=[t.review.case.reference]),
                       who=StatutoryPartner(partner).label)
                  for t in rows], total)


# Agencies ------------------------------------------------------------------------------------

def requests_waiting(user: User, partnership: Partnership) -> Queue:
    """Information requests to the user's agencies whose return is not in."""
    rows, total = _bounded(agency_requests(user, partnership).filter(
        ~Q(agency_return__status=AgencyReturn.Status.SUBMITTED)))
    return Queue([Item(what=f"{'Further information' if r.is_further else 'Information'} "
                            f"request to {r.agency.name}: {r.state.label.lower()}",
                       reference=r.review.case.reference,
                       href=reverse("rapid_review:return", args=[r.pk]), due_on=r.due_on)
                  for r in with_states(rows)], total)


def actions_to_update(user: User, partnership: Partnership) -> Queue:
    """The agency's open actions in the partnership's plans, due first."""
    rows, total = _bounded(agency_actions(user, partnership))
    return Queue([Item(what=f"Action {a.reference} for {a.agency.name}: "
                            f"{a.get_status_display().lower()}",
                       reference=a.recommendation.plan.case.reference,
                       href=_action_page(a), due_on=a.due_on) for a in rows], total)


def _action_page(action) -> str:
    return reverse("actionplans:action",
                   args=[action.recommendation.plan.case.reference, action.pk])


def evidence_waiting(user: User, partnership: Partnership) -> Queue:
    """Actions their agencies marked complete: the business unit judges the evidence."""
    if not rules.is_business_unit(user, partnership):
        return Queue([], 0)
    rows, total = _bounded(evidence_to_review(partnership))
    return Queue([Item(what=f"Review the evidence for action {a.reference}",
                       reference=a.recommendation.plan.case.reference, href=_action_page(a),
                       who=a.agency.name, since=timezone.localdate(a.updated_at),
                       case_href=_case_page(a.recommendation.plan.case.reference))
                  for a in rows], total)


def records_to_review(user: User, partnership: Partnership) -> Queue:
    """Cases past their retention period, flagged by the nightly sweep (records/)."""
    from records.selectors import records_due_for_review

    rows, total = _bounded(records_due_for_review(user, partnership))
    return Queue([Item(what="Decide whether to keep the case's records",
                       reference=r.case.reference,
                       href=reverse("records:case-retention", args=[r.case.reference]),
                       since=r.flagged_on) for r in rows], total)


def questions_waiting(user: User, partnership: Partnership) -> Queue:
    """The business unit's questions about the agency's referrals, not yet answered."""
    agencies = rules.agency_ids_of(user, partnership)
    if not agencies:
        return Queue([], 0)
    qs = (ReferralQuery.objects.filter(referral__case__partnership=partnership,
                                       referral__referring_agency__in=agencies,
                                       answered_at__isnull=True)
          .select_related("referral__case").order_by("asked_at", "id"))
    rows, total = _bounded(qs)
    return Queue([Item(what="Answer the business unit's question about your referral",
                       reference=q.referral.case.reference,
                       href=reverse("cases:referral-query-answer",
                                    kwargs={"reference": q.referral.case.reference,
                                            "pk": q.pk}),
                       since=timezone.localdate(q.asked_at))
                  for q in rows], total)


def drafts(user: User, partnership: Partnership) -> Queue:
    if not rules.agency_ids_of(user, partnership):
        return Queue([], 0)
    qs = (Referral.objects.filter(referrer=user, case__partnership=partnership,
                                  submitted_at__isnull=True).order_by("-updated_at"))
    rows, total = _bounded(qs)
    return Queue([Item(what="Finish and submit your draft referral", reference="",
                       href=reverse("cases:referral-tasklist", kwargs={"key": r.draft_key}),
                       since=timezone.localdate(r.started_at)) for r in rows], total)


# Everyone with deadlines, and managers ------------------------------------------------------

def my_deadlines_queue(user: User, partnership: Partnership) -> Queue:
    from calendars.selectors import my_deadlines

    roles = rules.roles_in(user, partnership)
    if roles & rules.BUSINESS_UNIT:
        link = business_unit_link
    elif Role.AGENCY_USER in roles:
        link = agency_link
    else:
        link = partner_link
    rows, total = _bounded(my_deadlines(user, partnership))
    return Queue(_deadline_items(rows, link), total)


def overdue(user: User, partnership: Partnership) -> Queue:
    """Every overdue deadline of the partnership, the statutory ones first."""
    if not rules.can_view_partnership_deadlines(user, partnership):
        return Queue([], 0)
    today = timezone.localdate()
    qs = (Deadline.objects.filter(partnership=partnership, status=DeadlineStatus.OPEN,
                                  due_date__lt=today)
          .exclude(case__stage__in=[Stage.DRAFT, Stage.CLOSED])
          .select_related("case", "step", "responsible_agency", "responsible_user")
          .order_by(F("step__calendar").desc(), "due_date", "id"))  # statutory first
    rows, total = _bounded(qs)
    link = business_unit_link if rules.is_business_unit(user, partnership) else (
        lambda d: reverse("cases:case-deadlines", args=[d.case.reference]))
    return Queue(_deadline_items(rows, link, case_pages=True), total)


# Reviewers --------------------------------------------------------------------------------

def reviews_appointed(user: User, partnership: Partnership) -> Queue:
    """The LCSPRs and learning reviews the user is the appointed reviewer of, while they
    hold the role here."""
    if Role.REVIEWER not in rules.roles_in(user, partnership):
        return Queue([], 0)
    qs = (Reviewer.objects.filter(user=user, lcspr__case__partnership=partnership)
          .exclude(lcspr__case__stage=Stage.CLOSED)
          .select_related("lcspr__case").order_by("-appointed_on", "-id"))
    rows, total = _bounded(qs)
    return Queue([Item(what=f"Your {r.lcspr.title.lower()}",
                       reference=r.lcspr.case.reference,
                       href=reverse("lcspr:overview", args=[r.lcspr.case.reference]),
                       since=r.appointed_on) for r in rows], total)

