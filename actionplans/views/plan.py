"""The plan page, starting the plan, taking up the reviews' learning, and writing its
recommendations and actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import rules
from accounts.forms import apply_service_errors, edit_conflict
from accounts.rules import require
from cases.services import CaseError

from ..forms.plan import ActionForm, RecommendationForm, TakeUpForm
from ..models import Action
from ..selectors import (
    case_for_plan,
    plan_manageable,
    plan_of,
    plan_page,
    recommendation_of,
)
from ..services import (
    SmartRefused,
    action_plan_start,
    action_save,
    not_yet_smart,
    plan_candidates,
    plan_take_up,
    recommendation_save,
)
from .common import audit_page, back_to_action, back_to_plan


@require_GET
def plan(request, reference: str):
    case = case_for_plan(request.user, reference)
    action_plan = plan_of(case)
    if action_plan is None:
        return render(request, "actionplans/no_plan.html", {
            "case": case, "can_start": rules.can_start_action_plan(request.user, case)})
    action_plan.case = case
    audit_page(request, action_plan, "plan")
    page = plan_page(action_plan)
    can_manage = rules.can_manage_action_plan(request.user, action_plan)
    return render(request, "actionplans/plan.html", {
        "case": case, "plan": action_plan, "page": page, "can_manage": can_manage,
        "not_yet_smart": not_yet_smart(action_plan) if can_manage else 0,
        "reviews": list(action_plan.reviews.select_related("paper")
                       .defer("paper__docx", "paper__pdf")[:5]),
        "audits": list(action_plan.audits.prefetch_related("actions__recommendation")[:5]),
        "Action": Action, "today": timezone.localdate()})


@require_POST
def plan_start(request, reference: str):
    case = case_for_plan(request.user, reference)
    require(rules.can_start_action_plan(request.user, case))
    try:
        action_plan_start(actor=request.user, case=case)
    except CaseError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("actionplans:plan", reference=reference)


@require_http_methods(["GET", "POST"])
def take_up(request, reference: str):
    action_plan = plan_manageable(request.user, reference)
    taken = set(action_plan.recommendations.exclude(source_key="")
                .values_list("source_key", flat=True))
    candidates = [c for c in plan_candidates(action_plan.case) if c.key not in taken]
    form = TakeUpForm(request.POST or None, choices=[
        (c.key, f"{c.source_label}: {c.text[:300]}") for c in candidates])
    if request.method == "POST" and form.is_valid():
        try:
            made = plan_take_up(actor=request.user, plan=action_plan,
                                keys=form.cleaned_data["keys"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            flagged = sum(bool(r.smart_flags) for r in made)
            messages.success(request, f"{len(made)} taken into the plan"
                             + (f": the SMART check flags {flagged} to rewrite" if flagged
                                else ""))
            return redirect("actionplans:plan", reference=reference)
    return render(request, "actionplans/take_up.html", {
        "form": form, "case": action_plan.case, "candidates": candidates,
        **back_to_plan(reference)})


def _show_keep(request, item) -> bool:
    return bool(request.POST.get("keep_as_written")) or bool(
        item is not None and item.smart_flags)


@require_http_methods(["GET", "POST"])
def recommendation_edit(request, reference: str, pk: int | None = None):
    action_plan = plan_manageable(request.user, reference)
    recommendation = recommendation_of(action_plan, pk) if pk else None
    initial = ({"finding": recommendation.finding, "text": recommendation.text,
                "revision": recommendation.revision,
                "keep_as_written": bool(recommendation.smart_accepted_reason),
                "keep_reason": recommendation.smart_accepted_reason}
               if recommendation else {})
    show_keep = _show_keep(request, recommendation)
    title = (f"Recommendation {recommendation.number}" if recommendation
             else "Add a recommendation")
    form = RecommendationForm(request.POST or None, initial=initial, show_keep=show_keep)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recommendation = recommendation_save(
                actor=request.user, plan=action_plan, recommendation=recommendation,
                finding=data["finding"], text=data["text"],
                accept_reason=form.accept_reason(), revision=data.get("revision"),
                form_token=data.get("form_token"))
        except ValidationError as error:
            if not show_keep and isinstance(error, SmartRefused):
                form = RecommendationForm(request.POST, initial=initial, show_keep=True)
                form.is_valid()
            conflict = edit_conflict(form, error)
        else:
            messages.success(request, f"Recommendation {recommendation.number} saved")
            return redirect("actionplans:plan", reference=reference)
    return render(request, "actionplans/form.html", {
        "form": form, "case": action_plan.case, "title": title, "conflict": conflict,
        "intro": recommendation.smart_accepted_reason if recommendation else "",
        **back_to_plan(reference)})


@require_http_methods(["GET", "POST"])
def action_edit(request, reference: str, recommendation_pk: int, pk: int | None = None):
    action_plan = plan_manageable(request.user, reference)
    recommendation = recommendation_of(action_plan, recommendation_pk)
    action = None
    if pk:
        action = recommendation.actions.select_related("updated_by").filter(pk=pk).first()
        require(action is not None)
    initial = ({"text": action.text, "agency": action.agency_id, "lead": action.lead,
                "due_on": action.due_on, "outcome": action.outcome, "measure": action.measure,
                "revision": action.revision,
                "keep_as_written": bool(action.smart_accepted_reason),
                "keep_reason": action.smart_accepted_reason} if action else {})
    show_keep = _show_keep(request, action)

    def make(show: bool):
        return ActionForm(request.POST or None, initial=initial, show_keep=show,
                          partnership=action_plan.case.partnership)
    form = make(show_keep)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = action_save(
                actor=request.user, plan=action_plan, recommendation=recommendation,
                action=action, text=data["text"], agency=data["agency"], lead=data["lead"],
                due_on=data["due_on"], outcome=data["outcome"], measure=data["measure"],
                accept_reason=form.accept_reason(), revision=data.get("revision"),
                form_token=data.get("form_token"))
        except ValidationError as error:
            if not show_keep and isinstance(error, SmartRefused):
                form = make(True)
                form.is_valid()
            conflict = edit_conflict(form, error)
        else:
            messages.success(request, f"Action {action.reference} saved")
            return redirect("actionplans:action", reference=reference, pk=action.pk)
    title = (f"Action {action.reference}" if action
             else f"Add an action to recommendation {recommendation.number}")
    back = back_to_action(reference, action.pk) if action else back_to_plan(reference)
    return render(request, "actionplans/form.html", {
        "form": form, "case": action_plan.case, "title": title, "conflict": conflict,
        "recommendation": recommendation, **back})


urlpatterns = [
    path("<str:reference>/action-plan/", plan, name="plan"),
    path("<str:reference>/action-plan/start/", plan_start, name="start"),
    path("<str:reference>/action-plan/take-up/", take_up, name="take-up"),
    path("<str:reference>/action-plan/recommendations/add/", recommendation_edit,
         name="recommendation-add"),
    path("<str:reference>/action-plan/recommendations/<int:pk>/", recommendation_edit,
         name="recommendation"),
    path("<str:reference>/action-plan/recommendations/<int:recommendation_pk>/actions/add/",
         action_edit, name="action-add"),
    path("<str:reference>/action-plan/recommendations/<int:recommendation_pk>/actions/"
         "<int:pk>/edit/", action_edit, name="action-edit"),
]
