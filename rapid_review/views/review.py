"""The rapid review's overview: its clock, its task list with each task's status, what is
due, and stopping it. The review group (partner representatives included) reads it; the
business unit runs the review from it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.audit import audit_view
from accounts.forms import apply_service_errors
from calendars.selectors import case_deadlines
from notifications.forms import StopReviewForm

from ..selectors import review_clock
from ..selectors.overview import review_tasks
from ..services import rapid_review_stop
from .access import review_to_edit, review_to_read


@require_GET
def overview(request, reference: str):
    review = review_to_read(request, reference)
    case = review.case
    audit_view(actor=request.user, obj=case)
    can_view_case = rules.can_view_case(request.user, case)
    return render(request, "rapid_review/overview.html", {
        "review": review,
        "case": case,
        "clock": review_clock(review),
        "tasks": review_tasks(request.user, review),
        "notification": review.notification,
        "notified_children": review.notification.children.all(),
        "can_view_case": can_view_case,
        "deadlines": case_deadlines(request.user, case) if can_view_case else [],
        "can_edit": rules.can_edit_rapid_review(request.user, review),
    })


@require_http_methods(["GET", "POST"])
def stop(request, reference: str):
    review = review_to_edit(request, reference)
    form = StopReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rapid_review_stop(actor=request.user, review=review, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Rapid review stopped. The case takes no further action "
                                      "and the review's open steps are closed")
            return redirect("rapid_review:overview", reference=reference)
    return render(request, "rapid_review/stop.html", {"form": form, "case": review.case})


urlpatterns = [
    path("cases/<str:reference>/rapid-review/", overview, name="overview"),
    path("cases/<str:reference>/rapid-review/stop/", stop, name="stop"),
]
