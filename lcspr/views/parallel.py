"""Parallel processes, and the 6 month target with its revisions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.forms import apply_service_errors

from ..forms.parallel import ParallelProcessForm, TargetRevisionForm
from ..models import ParallelProcess
from ..selectors import lcspr_running, lcspr_running_to_manage
from ..services import lcspr_target_revise, parallel_process_add, parallel_process_update
from ..services.target import target_deadline
from .running import audit_page, back_to

EDITABLE = ("status", "lead", "contact", "contacted_on", "effect_on_timetable")


@require_GET
def parallel_processes(request, reference: str):
    lcspr = lcspr_running(request.user, reference)
    audit_page(request, lcspr, "parallel_processes")
    return render(request, "lcspr/parallel_processes.html", {
        "case": lcspr.case, "lcspr": lcspr,
        "processes": list(lcspr.parallel_processes.select_related("updated_by")),
        "can_edit": rules.can_manage_lcspr(request.user, lcspr.case)})


@require_http_methods(["GET", "POST"])
def parallel_process_add_page(request, reference: str):
    lcspr = lcspr_running_to_manage(request.user, reference)
    form = ParallelProcessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            process = parallel_process_add(actor=request.user, lcspr=lcspr, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{process.get_kind_display()} added to the parallel "
                                      f"processes")
            return redirect("lcspr:parallel-processes", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case,
        **back_to("lcspr:parallel-processes", reference, "the parallel processes"),
        "heading": True, "title": "Add a parallel process"})


@require_http_methods(["GET", "POST"])
def parallel_process_edit(request, reference: str, pk: int):
    lcspr = lcspr_running_to_manage(request.user, reference)
    process = get_object_or_404(ParallelProcess, pk=pk, lcspr=lcspr)
    form = ParallelProcessForm(request.POST or None, editing=True,
                               initial={field: getattr(process, field) for field in EDITABLE})
    if request.method == "POST" and form.is_valid():
        try:
            parallel_process_update(actor=request.user, process=process, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{process.get_kind_display()} saved")
            return redirect("lcspr:parallel-processes", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case,
        **back_to("lcspr:parallel-processes", reference, "the parallel processes"),
        "heading": True, "title": process.get_kind_display()})


@require_GET
def target(request, reference: str):
    lcspr = lcspr_running(request.user, reference)
    audit_page(request, lcspr, "target")
    revisions = list(lcspr.target_revisions.select_related("parallel_process", "recorded_by"))
    deadline = target_deadline(lcspr)
    return render(request, "lcspr/target.html", {
        "case": lcspr.case, "lcspr": lcspr, "deadline": deadline, "revisions": revisions,
        "today": timezone.localdate(),
        "original": revisions[0].previous_on if revisions else
        (deadline.due_date if deadline else None),
        "can_edit": rules.can_manage_lcspr(request.user, lcspr.case)
        and deadline is not None and deadline.status == "open"})


@require_http_methods(["GET", "POST"])
def target_revise(request, reference: str):
    lcspr = lcspr_running_to_manage(request.user, reference)
    form = TargetRevisionForm(request.POST or None,
                              processes=list(lcspr.parallel_processes.all()))
    if request.method == "POST" and form.is_valid():
        try:
            revision = lcspr_target_revise(actor=request.user, lcspr=lcspr,
                                           **form.service_values())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Target date revised to "
                                      f"{revision.revised_on:%-d %B %Y}")
            return redirect("lcspr:target", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case,
        **back_to("lcspr:target", reference, "the target date"),
        "heading": True, "title": "Revise the target date"})
