"""A case's deadlines: what is due and what each counts from, correcting an anchor date,
closing a step that no longer applies, and marking done a step done outside the service.
The calendars app computes; these pages belong to the case."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.audit import audit_view
from accounts.forms import apply_service_errors
from accounts.rules import require
from calendars import selectors, services
from calendars.forms import AnchorDateForm, MarkDoneForm, WaiveDeadlineForm
from calendars.models import AnchorEvent, Deadline, StepAction
from config.pagination import paginate

from ..models import Case
from ..selectors import cases_visible_to


def _case_or_404(request, reference: str) -> Case:
    return get_object_or_404(cases_visible_to(request.user), reference=reference)


@require_GET
def case_deadlines(request, reference: str):
    case = _case_or_404(request, reference)
    audit_view(actor=request.user, obj=case)
    return render(request, "calendars/case_deadlines.html", {
        "case": case,
        "page": paginate(request, selectors.case_deadlines(request.user, case)),
        "anchors": case.anchor_events.order_by("occurred_on", "kind"),
        "can_correct": rules.can_correct_anchor(request.user, case),
        "can_waive": rules.can_waive_deadlines_on(request.user, case),
        "can_mark_done": rules.can_correct_anchor(request.user, case),
        "marked_done": StepAction.MARKED_DONE,
        "today": timezone.localdate(),
    })


@require_http_methods(["GET", "POST"])
def anchor_correct(request, reference: str, pk: int):
    case = _case_or_404(request, reference)
    require(rules.can_correct_anchor(request.user, case))
    anchor = get_object_or_404(AnchorEvent, pk=pk, case=case)
    form = AnchorDateForm(request.POST or None, initial={"occurred_on": anchor.occurred_on},
                          label=f"{anchor.get_kind_display()}: date")
    if request.method == "POST" and form.is_valid():
        try:
            services.anchor_record(
                actor=request.user, case=case, kind=anchor.kind, related_key=anchor.related_key,
                occurred_on=form.cleaned_data["occurred_on"], occurred_at=None)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Date corrected. Open deadlines have moved; deadlines "
                                      "already met have not")
            return redirect("cases:case-deadlines", reference=case.reference)
    return render(request, "calendars/anchor_correct.html",
                  {"form": form, "case": case, "anchor": anchor})


def _deadline_or_404(case: Case, pk: int) -> Deadline:
    return get_object_or_404(Deadline.objects.select_related("step", "case__partnership"),
                             pk=pk, case=case)


@require_http_methods(["GET", "POST"])
def deadline_waive(request, reference: str, pk: int):
    case = _case_or_404(request, reference)
    deadline = _deadline_or_404(case, pk)
    require(rules.can_waive_deadline(request.user, deadline))
    form = WaiveDeadlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_waive(actor=request.user, deadline=deadline,
                                    reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Deadline waived")
            return redirect("cases:case-deadlines", reference=case.reference)
    return render(request, "calendars/deadline_waive.html",
                  {"form": form, "case": case, "deadline": deadline})


@require_http_methods(["GET", "POST"])
def deadline_mark_done(request, reference: str, pk: int):
    case = _case_or_404(request, reference)
    deadline = _deadline_or_404(case, pk)
    require(rules.can_mark_deadline_done(request.user, deadline)
            and deadline.step.met_by == StepAction.MARKED_DONE)
    form = MarkDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_mark_done(actor=request.user, deadline=deadline,
                                        note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{deadline.step.label}: marked done")
            return redirect("cases:case-deadlines", reference=case.reference)
    return render(request, "calendars/deadline_done.html",
                  {"form": form, "case": case, "deadline": deadline})


urlpatterns = [
    path("<str:reference>/deadlines/", case_deadlines, name="case-deadlines"),
    path("<str:reference>/dates/<int:pk>/", anchor_correct, name="anchor-correct"),
    path("<str:reference>/deadlines/<int:pk>/waive/", deadline_waive, name="deadline-waive"),
    path("<str:reference>/deadlines/<int:pk>/done/", deadline_mark_done,
         name="deadline-done"),
]
