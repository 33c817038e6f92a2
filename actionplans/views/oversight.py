"""The group's reviews of the plan, scrutiny audits and the board's sign-off."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from accounts.forms import apply_service_errors, edit_conflict
from accounts.rules import require

from ..documents import plan_content, plan_recommendations
from ..forms.oversight import (
    AuditFindingsForm,
    GroupNameForm,
    PlanReviewForm,
    ScrutinyAuditForm,
    SignOffForm,
)
from ..models import Action, ScrutinyAudit
from ..selectors import plan_manageable
from ..services import (
    actions_unfinished,
    plan_group_rename,
    plan_review_record,
    plan_sign_off,
    scrutiny_audit_complete,
    scrutiny_audit_request,
)
from .common import audit_page, back_to_plan


def _page(request, plan, form, title: str, intro: str = "", **extra):
    return render(request, "actionplans/form.html", {
        "form": form, "case": plan.case, "title": title, "intro": intro,
        **back_to_plan(plan.case.reference), **extra})


@require_http_methods(["GET", "POST"])
def group_name(request, reference: str):
    plan = plan_manageable(request.user, reference)
    form = GroupNameForm(request.POST or None,
                         initial={"group_name": plan.group_name, "revision": plan.revision})
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            plan_group_rename(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            conflict = edit_conflict(form, error)
        else:
            messages.success(request, "The group's name is saved")
            return redirect("actionplans:plan", reference=reference)
    return _page(request, plan, form, "The group that monitors the plan", conflict=conflict)


@require_http_methods(["GET", "POST"])
def review_record(request, reference: str):
    plan = plan_manageable(request.user, reference)
    form = PlanReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan_review_record(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"The {plan.group_name}'s review is recorded")
            return redirect("actionplans:plan", reference=reference)
    return _page(request, plan, form, f"Record the {plan.group_name}'s review",
                 "The plan as it stands is kept as the paper the group read.")


@require_http_methods(["GET", "POST"])
def audit_request(request, reference: str):
    plan = plan_manageable(request.user, reference)
    actions = list(Action.objects.filter(recommendation__plan=plan).select_related(
        "recommendation", "agency")[:100])
    form = ScrutinyAuditForm(request.POST or None, choices=[
        (str(a.pk), f"{a.reference} {a.agency.name}: {a.text[:150]}") for a in actions])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [a for a in actions if str(a.pk) in set(data.pop("actions"))]
        try:
            scrutiny_audit_request(actor=request.user, plan=plan, actions=chosen, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The scrutiny audit is recorded")
            return redirect("actionplans:plan", reference=reference)
    return _page(request, plan, form, "Ask for an independent scrutiny audit")


@require_http_methods(["GET", "POST"])
def audit_findings(request, reference: str, pk: int):
    plan = plan_manageable(request.user, reference)
    audit = ScrutinyAudit.objects.filter(plan=plan, pk=pk, completed_on__isnull=True).first()
    require(audit is not None)
    form = AuditFindingsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scrutiny_audit_complete(actor=request.user, audit=audit, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The audit's findings are recorded")
            return redirect("actionplans:plan", reference=reference)
    return _page(request, plan, form, f"Findings of {audit.auditor}'s audit")


@require_http_methods(["GET", "POST"])
def sign_off(request, reference: str):
    plan = plan_manageable(request.user, reference)
    recommendations = plan_recommendations(plan)
    content = plan_content(plan, recommendations)
    form = SignOffForm(request.POST or None, initial={"read_sha256": content.sha256()})
    if request.method == "POST" and form.is_valid():
        try:
            plan_sign_off(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The board's sign-off is recorded: the plan and the "
                                      "case are closed")
            return redirect("actionplans:plan", reference=reference)
    audit_page(request, plan, "sign-off")
    return render(request, "actionplans/sign_off.html", {
        "form": form, "case": plan.case, "plan": plan, "recommendations": recommendations,
        "unfinished": actions_unfinished(plan), **back_to_plan(reference)})


urlpatterns = [
    path("<str:reference>/action-plan/group/", group_name, name="group-name"),
    path("<str:reference>/action-plan/reviews/add/", review_record, name="review-add"),
    path("<str:reference>/action-plan/audits/add/", audit_request, name="audit-add"),
    path("<str:reference>/action-plan/audits/<int:pk>/", audit_findings, name="audit-findings"),
    path("<str:reference>/action-plan/sign-off/", sign_off, name="sign-off"),
]
