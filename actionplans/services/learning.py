"""How the review's learning is shared (issue 13, "Learning dissemination"; seed 002's
seven-minute briefings): what is shared, how, with whom and when; the agencies'
safeguarding leads on how it landed; and the business unit's words around the generated
seven-minute briefing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.fields import NARRATIVE_MAX_LENGTH
from accounts.models import Agency, AuditEvent, User
from accounts.rules import agency_ids_of
from cases.services import CaseError, EditConflict

from ..models import ActionPlan, Dissemination, DisseminationFeedback, SevenMinuteBriefing
from .plan import _locked_plan

BRIEFING_FIELDS = ("background", "why_it_matters", "questions", "further_information")


def _too_long(errors: dict, **values: str) -> None:
    for name, value in values.items():
        if len(value) > NARRATIVE_MAX_LENGTH:
            errors.setdefault(name, f"This must be {NARRATIVE_MAX_LENGTH:,} characters or "
                                    "fewer")


@transaction.atomic
def dissemination_add(*, actor: User, plan: ActionPlan, what: str, method: str,
                      audience: str, planned_on: datetime.date | None,
                      form_token=None) -> Dissemination:
    """Plan how one piece of learning is shared. The same form posted twice adds it once."""
    what, audience = (what or "").strip(), (audience or "").strip()
    errors: dict[str, str] = {}
    if not what:
        errors["what"] = "Enter what learning is shared"
    if method not in Dissemination.Method.values:
        errors["method"] = "Select how the learning is shared"
    if not audience:
        errors["audience"] = "Enter who the learning is shared with"
    if planned_on is None:
        errors["planned_on"] = "Enter the date it is planned for"
    _too_long(errors, what=what, audience=audience)
    if errors:
        raise CaseError(errors)
    plan = _locked_plan(plan)
    if form_token is not None:
        earlier = Dissemination.objects.filter(form_token=form_token, plan=plan).first()
        if earlier is not None:
            return earlier
    dissemination = Dissemination.objects.create(
        plan=plan, what=what, method=method, audience=audience, planned_on=planned_on,
        created_by=actor, form_token=form_token)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=dissemination,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "method": method})
    return dissemination


@transaction.atomic
def dissemination_done(*, actor: User, dissemination: Dissemination,
                       done_on: datetime.date | None) -> Dissemination:
    """Record when the learning was shared (or correct the date)."""
    if done_on is None:
        raise CaseError({"done_on": "Enter the date the learning was shared"})
    if done_on > timezone.localdate():
        raise CaseError({"done_on": "The date the learning was shared must be today or in "
                                    "the past"})
    plan = _locked_plan(dissemination.plan)
    dissemination = Dissemination.objects.select_for_update(of=("self",)).get(
        pk=dissemination.pk, plan=plan)
    dissemination.done_on = done_on
    dissemination.save(update_fields=["done_on"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=dissemination,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "done_on": done_on.isoformat()})
    return dissemination


@transaction.atomic
def dissemination_feedback_give(*, actor: User, dissemination: Dissemination,
                                agency: Agency | None, text: str,
                                form_token=None) -> DisseminationFeedback:
    """A safeguarding lead's feedback for their own agency, once the learning is shared."""
    text = (text or "").strip()
    errors: dict[str, str] = {}
    plan = dissemination.plan
    if agency is None or agency.pk not in agency_ids_of(actor, plan.case.partnership):
        errors["agency"] = "Select your agency"
    if not text:
        errors["text"] = "Enter how the learning landed in your agency"
    _too_long(errors, text=text)
    if errors:
        raise CaseError(errors)
    plan = _locked_plan(plan)
    if form_token is not None:
        earlier = DisseminationFeedback.objects.filter(
            form_token=form_token, dissemination=dissemination).first()
        if earlier is not None:
            return earlier
    if dissemination.done_on is None:
        raise CaseError("Feedback can be given once the learning has been shared")
    feedback = DisseminationFeedback.objects.create(
        dissemination=dissemination, agency=agency, text=text, given_by=actor,
        form_token=form_token)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=feedback,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "dissemination": dissemination.pk,
                         "agency": agency.pk})
    return feedback


@transaction.atomic
def briefing_save(*, actor: User, plan: ActionPlan, background: str, why_it_matters: str,
                  questions: str, further_information: str,
                  revision: int | None = None) -> SevenMinuteBriefing:
    """The business unit's words in the seven-minute briefing; a save against words someone
    else changed since the page was read is refused, not overwritten."""
    values = {"background": background, "why_it_matters": why_it_matters,
              "questions": questions, "further_information": further_information}
    values = {name: (value or "").strip() for name, value in values.items()}
    errors: dict[str, str] = {}
    _too_long(errors, **values)
    if errors:
        raise CaseError(errors)
    plan = _locked_plan(plan)
    briefing = (SevenMinuteBriefing.objects.select_for_update(of=("self",))
                .select_related("updated_by").filter(plan=plan).first())
    if briefing is None:
        briefing = SevenMinuteBriefing(plan=plan, updated_by=actor)
        action = AuditEvent.Action.CREATE
    else:
        if revision is not None and revision != briefing.revision:
            raise EditConflict(
                f"{briefing.updated_by.full_name} changed the briefing after you opened the "
                "page. Check what it says now before you save",
                who=briefing.updated_by.full_name, when=briefing.updated_at,
                theirs=[(name.replace("_", " ").capitalize(), getattr(briefing, name)[:500])
                        for name in BRIEFING_FIELDS],
                current=briefing.revision)
        action = AuditEvent.Action.UPDATE
    for name, value in values.items():
        setattr(briefing, name, value)
    briefing.revision += 1
    briefing.updated_by = actor
    briefing.save()
    audit_record(action=action, actor=actor, obj=briefing,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "revision": briefing.revision})
    return briefing
