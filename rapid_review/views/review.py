"""The rapid review's overview: its clock, what is due, and stopping it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.audit import audit_view
from accounts.forms import apply_service_errors
from accounts.rules import require
from calendars.selectors import case_deadlines
from cases.selectors import cases_visible_to
from notifications.forms import StopReviewForm

from ..models import RapidReview
from ..selectors import review_clock
from ..services import rapid_review_stop


def _review_or_404(request, reference: str) -> RapidReview:
    case = get_object_or_404(cases_visible_to(request.user), reference=reference)
    return get_object_or_404(RapidReview.objects.select_related("case__partnership",
                                                                "notification"), case=case)


@require_GET
def overview(request, reference: str):
    review = _review_or_404(request, reference)
    audit_view(actor=request.user, obj=review.case)
    return render(request, "rapid_review/overview.html", {
        "review": review,
        "case": review.case,
        "clock": review_clock(review),
        "notification": review.notification,
        "notified_children": review.notification.children.all(),
        "deadlines": case_deadlines(request.user, review.case),
        "can_edit": rules.can_edit_rapid_review(request.user, review),
    })


@require_http_methods(["GET", "POST"])
def stop(request, reference: str):
    review = _review_or_404(request, reference)
    require(rules.can_edit_rapid_review(request.user, review))
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
