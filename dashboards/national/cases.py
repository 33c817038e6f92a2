"""One partnership's cases as the plan says, written with COPY: referral, children,
family, involvements and incident; triage; the Panel notification and rapid review with
its terms, information requests, returns and chronology; the LCSPR or learning review and
the action plan where the case has gone that far."""

from __future__ import annotations

import datetime
import random
import uuid
from collections import defaultdict

from django.utils import timezone

from accounts.models import Role
from actionplans.models import Action, ActionPlan, Recommendation
from cases.models import (
    Case,
    CaseReferenceSequence,
    CaseStageChange,
    Child,
    Incident,
    Involvement,
    Pathway,
    Person,
    Referral,
    Stage,
    TriageDecision,
)
from lcspr.models import Lcspr, Reviewer
from notifications.models import PanelNotification
from rapid_review.models import (
    AgencyReturn,
    ChronologyEntry,
    InformationRequest,
    RapidReview,
    TermsOfReference,
)

from . import names
from .bulk import copy_in, reserve_ids, with_ids
from .people import Area
from .plan import CasePlan, open_due

DECISIONS = {
    Stage.MORE_INFORMATION: TriageDecision.Decision.MORE_INFORMATION,
    Stage.LEARNING_REVIEW: TriageDecision.Decision.LEARNING_REVIEW_PARTNERSHIP,
    Stage.SINGLE_AGENCY_REVIEW: TriageDecision.Decision.SINGLE_AGENCY_REVIEW,
    Stage.NO_FURTHER_ACTION: TriageDecision.Decision.NO_FURTHER_ACTION,
}
PATHWAYS = {
    TriageDecision.Decision.RAPID_REVIEW: Pathway.RAPID_REVIEW,
    TriageDecision.Decision.LEARNING_REVIEW_PARTNERSHIP: Pathway.LEARNING_REVIEW_PARTNERSHIP,
    TriageDecision.Decision.SINGLE_AGENCY_REVIEW: Pathway.SINGLE_AGENCY_REVIEW,
    TriageDecision.Decision.NO_FURTHER_ACTION: Pathway.NO_FURTHER_ACTION,
}
LCSPR_KINDS = {Stage.LCSPR: Lcspr.Kind.LCSPR, Stage.LEARNING_REVIEW: Lcspr.Kind.LEARNING_REVIEW,
               Stage.SINGLE_AGENCY_REVIEW: Lcspr.Kind.SINGLE_AGENCY_REVIEW}
CHARACTERISTICS = ["neglect_longstanding", "neglect_recent", "injury", "abuse_emotional",
                   "sudden_infant_death", "exploitation_county_lines", "abuse_online",
                   "knife_crime", "suicide", "not_yet_known"]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class Batch:
    """The rows of one partnership, by model, written in dependency order."""

    ORDER = [Case, CaseReferenceSequence, CaseStageChange, Child, Person, Involvement,
             Incident, Referral, TriageDecision, PanelNotification,
             PanelNotification.children.through, RapidReview, TermsOfReference, Lcspr,
             Reviewer, ActionPlan, Recommendation, Action]

    def __init__(self):
        self.rows: dict[type, list] = defaultdict(list)

    def add(self, obj) -> object:
        self.rows[type(obj)].append(obj)
        return obj

    def write(self, models: list[type] | None = None) -> dict[str, int]:
        counts = {}
        for model in models or self.ORDER:
            objs = self.rows.pop(model, [])
            if objs:
                counts[model._meta.label_lower] = copy_in(model, with_ids(model, objs))
        return counts


class CaseBuilder:
    """Builds one partnership's cases into a ``Batch``; requests and returns are kept for
    the deadlines, which must exist before the requests that point at them."""

    def __init__(self, area: Area, rng: random.Random, today: datetime.date):
        self.area, self.rng, self.today = area, rng, today
        self.partnership = area.partnership
        self.place = self.partnership.local_authority.removesuffix(" Council (fictional)")
        self.officers = area.staff[Role.BUSINESS_UNIT_OFFICER]
        self.manager = area.first(Role.BUSINESS_MANAGER)
        self.referring = [a for a in area.agencies if area.agency_users.get(a.pk)]
        self.batch = Batch()
        self.requests: list[InformationRequest] = []
        self.returns: list[AgencyReturn] = []
        self.entries: list[tuple[AgencyReturn, int]] = []
        self.actions: list[tuple[Case, ActionPlan, Action]] = []
        self.cases: list[tuple[Case, CasePlan, dict]] = []
        self.reviewer_turn = 0

    def officer(self):
        return self.rng.choice(self.officers)

    def build(self, plans: list[CasePlan]) -> None:
        numbers: dict[int, int] = defaultdict(int)
        for plan in sorted(plans, key=lambda p: p.created):
            reference = None
            if plan.stage != Stage.DRAFT:
                numbers[plan.created.year] += 1
                reference = (f"{self.partnership.code}-{plan.created.year}-"
                             f"{numbers[plan.created.year]:03d}")
            self._case(plan, reference)
        for year, last in numbers.items():
            self.batch.add(CaseReferenceSequence(partnership=self.partnership, year=year,
                                                 last_number=last))

    def _case(self, plan: CasePlan, reference: str | None) -> None:
        rng, created = self.rng, plan.created
        decision = (TriageDecision.Decision.RAPID_REVIEW if plan.reviewed
                    else DECISIONS.get(plan.stage) or (
                        TriageDecision.Decision.LEARNING_REVIEW_PARTNERSHIP
                        if plan.stage == Stage.CLOSED else None))
        case = self.batch.add(Case(
            partnership=self.partnership, reference=reference, stage=plan.stage,
            pathway=PATHWAYS.get(decision, ""), created_at=_at(created),
            stage_changed_at=_at(min(created + datetime.timedelta(days=20), self.today))))
        incident_on = created - datetime.timedelta(days=rng.randint(1, 3))
        dates = {"incident": incident_on, "referred": created,
                 "triage": created + datetime.timedelta(days=2)}
        self.cases.append((case, plan, dates))
        died = rng.random() < 0.3
        children = [self.batch.add(Child(
            case=case, full_name=f"{names.person(rng)} (fictional)",
            date_of_birth=incident_on - datetime.timedelta(days=rng.randint(30, 6000)),
            date_of_death=incident_on if died and n == 0 else None,
            gender=rng.choice(["female", "male", "not_known"]), ethnicity="Not recorded",
            address=f"{rng.randint(1, 99)} Imaginary Row, {self.place} (fictional)",
            legal_status=rng.choice(["none", "child_in_need", "looked_after"])))
            for n in range(1 if rng.random() < 0.8 else 2)]
        for relationship in ("parent", "partner_of_parent"):
            self.batch.add(Person(case=case, relationship=relationship,
                                  full_name=f"{names.person(rng)} (fictional)"))
        agency = dates["agency"] = rng.choice(self.referring)
        for involved in {agency.pk: agency, **{a.pk: a for a in rng.sample(
                self.area.agencies, min(2, len(self.area.agencies)))}}.values():
            self.batch.add(Involvement(case=case, agency=involved,
                                       nature="Universal services and recent contacts"))
        self.batch.add(Incident(
            case=case, occurred_on=incident_on, place=f"Family home, {self.place} (fictional)",
            description="Fictional incident for the national data set",
            immediate_actions="Siblings' safety checked; strategy discussion held",
            harm=Incident.Harm.DEATH if died else Incident.Harm.SERIOUS_HARM,
            concern=rng.choice(["abuse", "neglect", "both"]), certainty="suspected",
            characteristics=rng.sample(CHARACTERISTICS, 2)))
        self.batch.add(Referral(
            case=case, referring_agency=agency,
            referrer=rng.choice(self.area.agency_users[agency.pk]),
            request_type=Referral.RequestType.PARTNER_NOTIFICATION,
            reason="Fictional: serious harm where neglect is suspected",
            lead_officer_name="Dee Designated (fictional)",
            lead_officer_role="Named safeguarding lead", draft_key=uuid.uuid4(),
            started_at=_at(created, 9), updated_at=_at(created, 9),
            submitted_at=None if plan.stage == Stage.DRAFT else _at(created, 11)))
        if decision is not None:
            self.batch.add(TriageDecision(
                case=case, meeting_date=dates["triage"],
                attendees="Review group (fictional members)", criteria_met=["serious_case"],
                decision=decision, rationale="Fictional rationale for the national data set",
                decided_by=self.officer(), decided_at=_at(dates["triage"], 15)))
        if plan.stage != Stage.DRAFT:
            self.batch.add(CaseStageChange(
                case=case, from_stage=Stage.REFERRED if plan.stage != Stage.REFERRED else "",
                to_stage=plan.stage, changed_at=case.stage_changed_at,
                changed_by=self.officer()))
        if plan.reviewed:
            self._review(case, plan, dates, children)
        if plan.stage in LCSPR_KINDS:
            self._lcspr(case, plan)
        if plan.actions:
            self._action_plan(case, plan)

    def _review(self, case, plan: CasePlan, dates: dict, children: list) -> None:
        rng = self.rng
        notified = min(dates["triage"] + datetime.timedelta(days=rng.randint(0, 2)),
                       self.today)
        dates["notified"] = notified
        notification = self.batch.add(PanelNotification(
            case=case, became_aware_on=dates["referred"], notified_on=notified,
            notified_by="Duty manager, children's services (fictional)",
            recorded_by=self.officer(), recorded_at=_at(notified, 16)))
        through = PanelNotification.children.through
        for child in children:
            self.batch.add(through(panelnotification=notification, child=child))
        next_step = {Stage.LCSPR: "lcspr", Stage.ACTION_PLAN: "action_plan",
                     Stage.CLOSED: "action_plan"}.get(plan.stage, "")
        review = self.batch.add(RapidReview(case=case, notification=notification,
                                            started_on=notified, next_step=next_step))
        self.batch.add(TermsOfReference(
            review=review, scope_from=dates["incident"] - datetime.timedelta(days=365),
            scope_to=dates["incident"], returns_due_on=notified + datetime.timedelta(days=7),
            updated_by=self.officer(), updated_at=_at(notified, 17)))
        sent = _at(notified + datetime.timedelta(days=1), 9)
        ids = reserve_ids(InformationRequest, len(plan.returns))
        for pk, planned in zip(ids, plan.returns, strict=True):
            agency = self.area.agencies[planned.agency_index]
            request = InformationRequest(
                pk=pk, review=review, agency=agency, contact_name=agency.contact_name,
                contact_email=agency.contact_email, sent_at=sent, sent_by=self.officer(),
                receipt_confirmed_at=sent if planned.submitted else None)
            users = self.area.agency_users.get(agency.pk) or [None]
            agency_return = AgencyReturn(
                request=request,
                status=AgencyReturn.Status.SUBMITTED if planned.submitted
                else AgencyReturn.Status.DRAFT,
                is_nil_return=planned.nil,
                nil_reason="No involvement in the scope period (fictional)" if planned.nil
                else "",
                summary="" if planned.nil else "Routine contacts with the family (fictional)",
                services="Universal services", authorised_by="Safeguarding lead (fictional)",
                submitted_at=sent + datetime.timedelta(days=4) if planned.submitted else None,
                submitted_by=rng.choice(users) if planned.submitted else None,
                revision=3, updated_at=sent + datetime.timedelta(days=4))
            self.requests.append(request)
            self.returns.append(agency_return)
            if planned.entries:
                self.entries.append((agency_return, planned.entries))

    def _lcspr(self, case, plan: CasePlan) -> None:
        kind = LCSPR_KINDS[plan.stage]
        decided = plan.created + datetime.timedelta(days=40)
        lcspr = self.batch.add(Lcspr(
            case=case, kind=kind,
            method=Lcspr.Method.DESK_TOP if kind == Lcspr.Kind.LEARNING_REVIEW else "",
            leading_agency=self.referring[0] if kind == Lcspr.Kind.SINGLE_AGENCY_REVIEW
            else None,
            decided_on=decided, decided_by=Lcspr.DecidedBy.PARTNERS,
            key_lines_of_enquiry="1. How well did agencies share information? (fictional)",
            updated_by=self.manager, updated_at=_at(decided)))
        reviewers = self.area.staff[Role.REVIEWER]
        if kind == Lcspr.Kind.LCSPR and reviewers:
            user = reviewers[self.reviewer_turn % len(reviewers)]
            self.reviewer_turn += 1
            self.batch.add(Reviewer(
                lcspr=lcspr, user=user, name=user.full_name, email=user.email,
                organisation="Independent (fictional)", no_line_management=True,
                no_involvement=True, skills=["analysis", "writing"],
                appointed_on=decided + datetime.timedelta(days=10), appointed_by=self.manager,
                updated_at=_at(decided)))

    def _action_plan(self, case, plan: CasePlan) -> None:
        officer, rng = self.officer(), self.rng
        closed = not plan.plan_open
        started = _at(plan.created + datetime.timedelta(days=60))
        action_plan = self.batch.add(ActionPlan(
            case=case, status=ActionPlan.Status.SIGNED_OFF if closed
            else ActionPlan.Status.MONITORING,
            update_round=0 if closed else 1,
            updates_due_on=None if closed else open_due(self.today, rng),
            signed_off_on=plan.created + datetime.timedelta(days=400) if closed else None,
            board_name="Partnership board" if closed else "", signed_off_by=officer
            if closed else None, created_by=officer, updated_by=officer, created_at=started,
            updated_at=started))
        for number, count in enumerate(plan.actions, start=1):
            recommendation = self.batch.add(Recommendation(
                plan=action_plan, number=number, text=f"Recommendation {number} (fictional): "
                "agencies share information about children at risk", created_by=officer,
                updated_by=officer, created_at=started, updated_at=started))
            for action_number in range(1, count + 1):
                action = self.batch.add(Action(
                    recommendation=recommendation, number=action_number,
                    text="Audit twenty referrals for the voice of the child (fictional)",
                    agency=rng.choice(self.area.agencies), lead="Named lead (fictional)",
                    due_on=plan.created + datetime.timedelta(days=200) if closed
                    else open_due(self.today, rng),
                    status=Action.Status.COMPLETE if closed else rng.choice(
                        [Action.Status.NOT_STARTED, Action.Status.ON_TRACK,
                         Action.Status.AT_RISK]),
                    created_by=officer, updated_by=officer, created_at=started,
                    updated_at=started))
                self.actions.append((case, action_plan, action))

    def write_requests(self) -> dict[str, int]:
        """After the deadlines: the requests (their ids were reserved), returns and
        chronology entries."""
        counts = {"rapid_review.informationrequest": copy_in(InformationRequest,
                                                             self.requests)}
        counts["rapid_review.agencyreturn"] = copy_in(
            AgencyReturn, with_ids(AgencyReturn, self.returns))
        counts["rapid_review.chronologyentry"] = copy_in(ChronologyEntry, self._entries(),
                                                         with_pk=False)
        return counts

    def _entries(self):
        rng = self.rng
        for agency_return, count in self.entries:
            request = agency_return.request
            review = request.review
            scope_to = review.started_on
            for position in range(1, count + 1):
                day = scope_to - datetime.timedelta(days=rng.randint(0, 1100))
                yield ChronologyEntry(
                    agency_return=agency_return, review=review,
                    agency=request.agency, date=day, source="Case notes",
                    agency_department="Safeguarding team",
                    subjects=rng.choice(["Child (fictional)", "Mother (fictional)",
                                         "Child and sibling (fictional)"]),
                    contact_type=rng.choice(names.CONTACT_TYPES),
                    by_whom="Practitioner (fictional)",
                    details="Fictional event details, a sentence or two long as agencies "
                            "write them.",
                    comments="Fictional comment on the outcome.", position=position,
                    created_at=agency_return.submitted_at)
