"""Regulation 14 progress checkpoints: the list, setting them, and at each the reviewer's
update and the partners' review."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.forms import apply_service_errors
from accounts.rules import require

from ..forms.checkpoints import (
    CheckpointDateForm,
    CheckpointMoveForm,
    EveryWeeksForm,
    PartnersReviewForm,
    ReviewerUpdateForm,
)
from ..models import Checkpoint
from ..selectors import lcspr_running, lcspr_running_to_manage
from ..services import (
    checkpoint_add,
    checkpoint_move,
    checkpoint_review_record,
    checkpoint_update_write,
    checkpoints_schedule,
)
from .running import audit_page, back_to

REVIEW_FIELDS = ("reviewed_on", "time_view", "quality_view", "corrective_action",
                 "early_learning")


def _form_page(request, lcspr, form, title, back):
    return render(request, "lcspr/form.html", {"form": form, "case": lcspr.case,
                                               "heading": True, "title": title, **back})


@require_GET
def checkpoints(request, reference: str):
    lcspr = lcspr_running(request.user, reference)
    audit_page(request, lcspr, "checkpoints")
    today = timezone.localdate()
    rows = [(c, c.status(today)) for c in lcspr.checkpoints.all()]
    return render(request, "lcspr/checkpoints.html", {
        "case": lcspr.case, "lcspr": lcspr, "rows": rows,
        "can_edit": rules.can_manage_lcspr(request.user, lcspr.case)})


@require_http_methods(["GET", "POST"])
def checkpoints_every(request, reference: str):
    lcspr = lcspr_running_to_manage(request.user, reference)
    form = EveryWeeksForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = checkpoints_schedule(actor=request.user, lcspr=lcspr, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{len(added)} checkpoint{'s' if len(added) != 1 else ''}"
                                      f" set" if added else "No new checkpoints were needed")
            return redirect("lcspr:checkpoints", reference=reference)
    return _form_page(request, lcspr, form, "Set checkpoints at regular intervals",
                      back_to("lcspr:checkpoints", reference, "the progress checkpoints"))


@require_http_methods(["GET", "POST"])
def checkpoint_add_page(request, reference: str):
    lcspr = lcspr_running_to_manage(request.user, reference)
    form = CheckpointDateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            checkpoint = checkpoint_add(actor=request.user, lcspr=lcspr, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Checkpoint set for {checkpoint.due_on:%-d %B %Y}")
            return redirect("lcspr:checkpoints", reference=reference)
    return _form_page(request, lcspr, form, "Add a checkpoint",
                      back_to("lcspr:checkpoints", reference, "the progress checkpoints"))


def _checkpoint(lcspr, pk: int) -> Checkpoint:
    return get_object_or_404(Checkpoint.objects.select_related("update_by", "reviewed_by"),
                             pk=pk, lcspr=lcspr)


@require_GET
def checkpoint(request, reference: str, pk: int):
    lcspr = lcspr_running(request.user, reference)
    item = _checkpoint(lcspr, pk)
    audit_page(request, lcspr, f"checkpoint:{item.pk}")
    return render(request, "lcspr/checkpoint.html", {
        "case": lcspr.case, "lcspr": lcspr, "checkpoint": item,
        "status": item.status(timezone.localdate()),
        "can_write_update": rules.can_write_lcspr_progress_update(request.user, lcspr),
        "can_edit": rules.can_manage_lcspr(request.user, lcspr.case)})


@require_http_methods(["GET", "POST"])
def checkpoint_update(request, reference: str, pk: int):
    lcspr = lcspr_running(request.user, reference)
    require(rules.can_write_lcspr_progress_update(request.user, lcspr))
    item = _checkpoint(lcspr, pk)
    form = ReviewerUpdateForm(request.POST or None,
                              initial={"reviewer_update": item.reviewer_update})
    if request.method == "POST" and form.is_valid():
        try:
            checkpoint_update_write(actor=request.user, checkpoint=item, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Update saved")
            return redirect("lcspr:checkpoint", reference=reference, pk=pk)
    return _form_page(request, lcspr, form,
                      f"Progress update for the checkpoint on {item.due_on:%-d %B %Y}",
                      back_to("lcspr:checkpoint", reference, "the checkpoint", pk))


@require_http_methods(["GET", "POST"])
def checkpoint_review(request, reference: str, pk: int):
    lcspr = lcspr_running_to_manage(request.user, reference)
    item = _checkpoint(lcspr, pk)
    form = PartnersReviewForm(request.POST or None,
                              initial={field: getattr(item, field) for field in REVIEW_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            checkpoint_review_record(actor=request.user, checkpoint=item, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The partners' review is recorded")
            return redirect("lcspr:checkpoint", reference=reference, pk=pk)
    return _form_page(request, lcspr, form,
                      f"The partners' review at the checkpoint on {item.due_on:%-d %B %Y}",
                      back_to("lcspr:checkpoint", reference, "the checkpoint", pk))


@require_http_methods(["GET", "POST"])
def checkpoint_move_page(request, reference: str, pk: int):
    lcspr = lcspr_running_to_manage(request.user, reference)
    item = _checkpoint(lcspr, pk)
    form = CheckpointMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = checkpoint_move(actor=request.user, checkpoint=item, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Checkpoint moved to {item.due_on:%-d %B %Y}")
            return redirect("lcspr:checkpoint", reference=reference, pk=pk)
    return _form_page(request, lcspr, form,
                      f"Move the checkpoint on {item.due_on:%-d %B %Y}",
                      back_to("lcspr:checkpoint", reference, "the checkpoint", pk))
