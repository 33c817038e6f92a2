"""An action's page, and what is done there: the agency's update and evidence, the business
unit's judgement of impact or its decision not to implement; the round of updates it asks
for; and the agency's own list of its actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.audit import audit_record
from accounts.forms import apply_service_errors
from accounts.models import AuditEvent
from accounts.rules import require
from config.pagination import paginate

from ..forms.plan import (
    ActionUpdateForm,
    EvidenceForm,
    ImpactReviewForm,
    NotImplementedForm,
    UpdatesRequestForm,
)
from ..models import Action, Evidence
from ..selectors import action_history, action_visible, agency_actions, plan_manageable
from ..services import (
    action_impact_review,
    action_not_implemented,
    action_update_give,
    evidence_add,
    updates_request,
)
from .common import audit_page, back_to_action, back_to_plan


@require_GET
def action_page(request, reference: str, pk: int):
    plan, action = action_visible(request.user, reference, pk)
    audit_page(request, plan, f"action:{action.pk}")
    updates, evidence = action_history(action)
    can_manage = rules.can_manage_action_plan(request.user, plan)
    return render(request, "actionplans/action.html", {
        "case": plan.case, "plan": plan, "action": action, "updates": updates,
        "evidence": evidence, "can_manage": can_manage,
        "can_update": rules.can_update_action(request.user, action, plan) and action.is_open
        and action.status != Action.Status.NOT_IMPLEMENTED,
        "can_review": can_manage and action.status == Action.Status.COMPLETE
        and action.impact == Action.Impact.NOT_REVIEWED,
        "can_read_plan": rules.can_read_action_plan(request.user, plan.case),
        "Action": Action, "today": timezone.localdate()})


def _updatable(request, reference: str, pk: int):
    plan, action = action_visible(request.user, reference, pk)
    require(rules.can_update_action(request.user, action, plan))
    return plan, action


def _form_page(request, plan, action, form, title: str, intro: str = ""):
    return render(request, "actionplans/form.html", {
        "form": form, "case": plan.case, "title": title, "intro": intro,
        "action": action, **back_to_action(plan.case.reference, action.pk)})


@require_http_methods(["GET", "POST"])
def action_update(request, reference: str, pk: int):
    plan, action = _updatable(request, reference, pk)
    form = ActionUpdateForm(request.POST or None, initial={"status": action.status})
    if request.method == "POST" and form.is_valid():
        try:
            action_update_give(actor=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Update on action {action.reference} sent")
            return redirect("actionplans:action", reference=reference, pk=pk)
    return _form_page(request, plan, action, form, f"Update on action {action.reference}",
                      "Complete needs evidence of the action's impact: add it first.")


@require_http_methods(["GET", "POST"])
def evidence_add_page(request, reference: str, pk: int):
    plan, action = _updatable(request, reference, pk)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.pop("file")
        try:
            evidence_add(actor=request.user, action=action,
                         filename=upload.name if upload else "",
                         data=upload.read() if upload else b"", **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Evidence added to action {action.reference}")
            return redirect("actionplans:action", reference=reference, pk=pk)
    return _form_page(request, plan, action, form,
                      f"Add evidence to action {action.reference}")


@require_GET
def evidence_download(request, reference: str, pk: int, evidence_pk: int):
    plan, action = action_visible(request.user, reference, pk)
    evidence = (Evidence.objects.filter(pk=evidence_pk, action=action, file__isnull=False)
                .select_related("file").first())
    require(evidence is not None)
    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=request.user, obj=evidence,
                 partnership_id=plan.case.partnership_id,
                 detail={"case": plan.case_id, "action": action.pk})
    stored = evidence.file
    response = HttpResponse(bytes(stored.data), content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(True, stored.filename)
    return response


@require_http_methods(["GET", "POST"])
def impact_review(request, reference: str, pk: int):
    plan = plan_manageable(request.user, reference)
    plan, action = action_visible(request.user, reference, pk)
    form = ImpactReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action_impact_review(actor=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Action {action.reference}: "
                                      f"{action.get_impact_display().lower()}")
            return redirect("actionplans:action", reference=reference, pk=pk)
    return _form_page(request, plan, action, form,
                      f"Review the evidence for action {action.reference}")


@require_http_methods(["GET", "POST"])
def not_implemented(request, reference: str, pk: int):
    plan_manageable(request.user, reference)
    plan, action = action_visible(request.user, reference, pk)
    form = NotImplementedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action_not_implemented(actor=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Action {action.reference} recorded as not implemented")
            return redirect("actionplans:action", reference=reference, pk=pk)
    return _form_page(request, plan, action, form,
                      f"Action {action.reference} will not be implemented")


@require_http_methods(["GET", "POST"])
def updates_request_page(request, reference: str):
    plan = plan_manageable(request.user, reference)
    form = UpdatesRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            asked = updates_request(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Updates asked for on {asked} action"
                                      f"{'s' if asked != 1 else ''}")
            return redirect("actionplans:plan", reference=reference)
    return render(request, "actionplans/form.html", {
        "form": form, "case": plan.case, "title": "Ask the agencies for updates",
        "intro": "Each agency with an open action gets one email listing its actions; each "
                 "update is due from the agency on the date you set, with reminders.",
        **back_to_plan(reference)})


@require_GET
def my_actions(request):
    """The agency user's actions across the partnership's plans, due first."""
    partnership = request.partnership
    require(rules.can_list_agency_actions(request.user, partnership))
    return render(request, "actionplans/my_actions.html", {
        "page": paginate(request, agency_actions(request.user, partnership)),
        "today": timezone.localdate()})


urlpatterns = [
    path("<str:reference>/action-plan/actions/<int:pk>/", action_page, name="action"),
    path("<str:reference>/action-plan/actions/<int:pk>/update/", action_update,
         name="action-update"),
    path("<str:reference>/action-plan/actions/<int:pk>/evidence/add/", evidence_add_page,
         name="evidence-add"),
    path("<str:reference>/action-plan/actions/<int:pk>/evidence/<int:evidence_pk>/",
         evidence_download, name="evidence-download"),
    path("<str:reference>/action-plan/actions/<int:pk>/impact/", impact_review,
         name="impact-review"),
    path("<str:reference>/action-plan/actions/<int:pk>/not-implemented/", not_implemented,
         name="not-implemented"),
    path("<str:reference>/action-plan/updates/", updates_request_page, name="updates-request"),
]
agency_urlpatterns = [path("action-plans/actions/", my_actions, name="my-actions")]
