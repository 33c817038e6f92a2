"""The review's timetable: the list, adding an item, and at each item moving, cancelling or
recording it held or done. The business unit and the appointed reviewer keep it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.forms import apply_service_errors, edit_conflict
from accounts.rules import require

from ..forms.timetable import (
    TimetableCancelForm,
    TimetableDoneForm,
    TimetableItemForm,
    TimetableMoveForm,
)
from ..selectors import lcspr_running, timetable_item_for, timetable_items
from ..services import (
    timetable_item_add,
    timetable_item_cancel,
    timetable_item_done,
    timetable_item_move,
)
from .running import audit_page, back_to


def _keeping(request, reference: str):
    lcspr = lcspr_running(request.user, reference)
    require(rules.can_keep_lcspr_timetable(request.user, lcspr))
    return lcspr


@require_GET
def timetable(request, reference: str):
    lcspr = lcspr_running(request.user, reference)
    audit_page(request, lcspr, "timetable")
    items, total = timetable_items(lcspr)
    today = timezone.localdate()
    return render(request, "lcspr/timetable.html", {
        "case": lcspr.case, "lcspr": lcspr, "total": total,
        "rows": [(item, *item.status_tag(today)) for item in items],
        "can_edit": rules.can_keep_lcspr_timetable(request.user, lcspr)})


@require_http_methods(["GET", "POST"])
def timetable_add(request, reference: str):
    lcspr = _keeping(request, reference)
    form = TimetableItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = timetable_item_add(actor=request.user, lcspr=lcspr, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{item.title} added to the timetable for "
                                      f"{item.due_on:%-d %B %Y}")
            return redirect("lcspr:timetable", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case, "heading": True,
        "title": "Add to the timetable", **back_to("lcspr:timetable", reference,
                                                   "the timetable")})


@require_GET
def timetable_item(request, reference: str, pk: int):
    lcspr = lcspr_running(request.user, reference)
    item = timetable_item_for(lcspr, pk)
    audit_page(request, lcspr, f"timetable:{item.pk}")
    status, tag = item.status_tag(timezone.localdate())
    return render(request, "lcspr/timetable_item.html", {
        "case": lcspr.case, "lcspr": lcspr, "item": item, "status": status, "tag": tag,
        "can_edit": item.status == item.Status.PLANNED
        and rules.can_keep_lcspr_timetable(request.user, lcspr)})


def _change_page(request, reference: str, pk: int, form_class, service, title: str,
                 done: str):
    """Move, cancel or record an item: one page each, with the same shape."""
    lcspr = _keeping(request, reference)
    item = timetable_item_for(lcspr, pk)
    form = form_class(request.POST or None, initial={"revision": item.revision})
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            conflict = edit_conflict(form, error)
        else:
            messages.success(request, done)
            return redirect("lcspr:timetable-item", reference=reference, pk=pk)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case, "heading": True, "conflict": conflict,
        "title": f"{title}: {item.title}",
        **back_to("lcspr:timetable-item", reference, "the item", pk)})


@require_http_methods(["GET", "POST"])
def timetable_item_move_page(request, reference: str, pk: int):
    return _change_page(request, reference, pk, TimetableMoveForm, timetable_item_move,
                        "Move", "The item has moved")


@require_http_methods(["GET", "POST"])
def timetable_item_cancel_page(request, reference: str, pk: int):
    return _change_page(request, reference, pk, TimetableCancelForm, timetable_item_cancel,
                        "Cancel", "The item is cancelled")


@require_http_methods(["GET", "POST"])
def timetable_item_done_page(request, reference: str, pk: int):
    return _change_page(request, reference, pk, TimetableDoneForm, timetable_item_done,
                        "Held or done", "The item is recorded as held or done")
