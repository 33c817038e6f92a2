"""Sharing the review's learning: the page of what is shared, how, with whom and when (the
business unit adds and records it done; the agencies' safeguarding leads give feedback for
their agency), and the business unit's words in the seven-minute briefing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.forms import apply_service_errors, edit_conflict
from accounts.rules import require

from ..forms.learning import BriefingForm, DisseminationDoneForm, DisseminationForm, FeedbackForm
from ..learning_selectors import (
    briefing_written,
    dissemination_of,
    disseminations,
    plan_for_learning,
)
from ..models import SevenMinuteBriefing
from ..selectors import plan_manageable
from ..services import (
    briefing_save,
    dissemination_add,
    dissemination_done,
    dissemination_feedback_give,
)
from .common import audit_page


def _back_to_learning(reference: str) -> dict:
    return {"back_url": reverse("actionplans:dissemination", args=[reference]),
            "back_text": "Back to sharing the learning"}


@require_GET
def dissemination_page(request, reference: str):
    plan = plan_for_learning(request.user, reference)
    audit_page(request, plan, "learning")
    reader = rules.can_read_action_plan(request.user, plan.case)
    return render(request, "actionplans/dissemination.html", {
        "case": plan.case, "plan": plan, "reader": reader,
        "rows": disseminations(plan, request.user),
        "can_manage": rules.can_manage_action_plan(request.user, plan),
        "can_feedback": rules.can_give_learning_feedback(request.user, plan),
        "briefing_ready": reader or briefing_written(plan)})


@require_http_methods(["GET", "POST"])
def dissemination_add_page(request, reference: str):
    plan = plan_manageable(request.user, reference)
    form = DisseminationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dissemination_add(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Added to the learning shared")
            return redirect("actionplans:dissemination", reference=reference)
    return render(request, "actionplans/dissemination_form.html", {
        "form": form, "case": plan.case, "title": "Add how the learning is shared",
        **_back_to_learning(reference)})


@require_http_methods(["GET", "POST"])
def dissemination_done_page(request, reference: str, pk: int):
    plan = plan_manageable(request.user, reference)
    dissemination = dissemination_of(plan, pk)
    form = DisseminationDoneForm(request.POST or None,
                                 initial={"done_on": dissemination.done_on})
    if request.method == "POST" and form.is_valid():
        try:
            dissemination_done(actor=request.user, dissemination=dissemination,
                               **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Recorded as shared")
            return redirect("actionplans:dissemination", reference=reference)
    return render(request, "actionplans/dissemination_form.html", {
        "form": form, "case": plan.case, "title": "Record that the learning was shared",
        "dissemination": dissemination, **_back_to_learning(reference)})


@require_http_methods(["GET", "POST"])
def dissemination_feedback_page(request, reference: str, pk: int):
    plan = plan_for_learning(request.user, reference)
    require(rules.can_give_learning_feedback(request.user, plan))
    dissemination = dissemination_of(plan, pk)
    require(dissemination.done_on is not None)
    agency = next(m.agency for m in rules.memberships_of(request.user)
                  if m.agency_id in rules.agency_ids_of(request.user, plan.case.partnership))
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dissemination_feedback_give(actor=request.user, dissemination=dissemination,
                                        agency=agency, text=data["text"],
                                        form_token=data["form_token"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Feedback sent to the business unit")
            return redirect("actionplans:dissemination", reference=reference)
    return render(request, "actionplans/dissemination_form.html", {
        "form": form, "case": plan.case, "title": f"Give {agency.name}'s feedback",
        "dissemination": dissemination, **_back_to_learning(reference)})


@require_http_methods(["GET", "POST"])
def briefing_page(request, reference: str):
    plan = plan_manageable(request.user, reference)
    briefing = (SevenMinuteBriefing.objects.select_related("updated_by")
                .filter(plan=plan).first())
    initial = ({name: getattr(briefing, name) for name in (
        "background", "why_it_matters", "questions", "further_information")}
        | {"revision": briefing.revision} if briefing else {"revision": 0})
    form = BriefingForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            briefing_save(actor=request.user, plan=plan, background=data["background"],
                          why_it_matters=data["why_it_matters"], questions=data["questions"],
                          further_information=data["further_information"],
                          revision=data.get("revision"))
        except ValidationError as error:
            conflict = edit_conflict(form, error)
        else:
            messages.success(request, "Seven-minute briefing saved")
            return redirect("actionplans:dissemination", reference=reference)
    return render(request, "actionplans/briefing.html", {
        "form": form, "case": plan.case, "plan": plan, "conflict": conflict,
        "briefing": briefing, "title": "Seven-minute briefing",
        **_back_to_learning(reference)})


urlpatterns = [
    path("<str:reference>/action-plan/learning/", dissemination_page, name="dissemination"),
    path("<str:reference>/action-plan/learning/add/", dissemination_add_page,
         name="dissemination-add"),
    path("<str:reference>/action-plan/learning/<int:pk>/done/", dissemination_done_page,
         name="dissemination-done"),
    path("<str:reference>/action-plan/learning/<int:pk>/feedback/",
         dissemination_feedback_page, name="dissemination-feedback"),
    path("<str:reference>/action-plan/briefing/", briefing_page, name="briefing"),
]
