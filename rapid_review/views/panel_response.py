"""The Panel's response: recording it, replying to its questions, sharing it, and moving
the case on. The responses themselves are listed on the submission page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import apply_service_errors

from ..forms.panel_response import MoveOnForm, PanelReplyForm, PanelResponseForm
from ..models import PanelResponse, PanelSubmission, RapidReview
from ..services.panel_response import (
    REPLY_OUTCOMES,
    case_move_on,
    panel_response_record,
    panel_response_reply,
    panel_response_share,
    review_next_step,
)
from .access import review_to_edit
from .submission import _page as submission_page


def _data(request):
    """The POST data, even when empty (so an empty submission shows its errors)."""
    return request.POST if request.method == "POST" else None


def _submitted_review(request, reference: str) -> tuple[RapidReview, PanelSubmission]:
    """The business unit's, once the review has gone to the Panel (nothing to respond to
    before)."""
    review = review_to_edit(request, reference)
    submission = PanelSubmission.objects.filter(review=review).first()
    if submission is None:
        raise Http404
    return review, submission


@require_http_methods(["GET", "POST"])
def record(request, reference: str):
    review, submission = _submitted_review(request, reference)
    form = PanelResponseForm(_data(request),
                             initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            panel_response_record(actor=request.user, review=review, **form.cleaned_data)
        except ValidationError as refused:
            apply_service_errors(form, refused)
        else:
            messages.success(request, "The Panel's response is recorded. Share it with the "
                                      "partners and the review group")
            return redirect("rapid_review:submission", reference=reference)
    return render(request, "rapid_review/panel_response/record.html",
                  {"form": form, "case": review.case, "submission": submission},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def reply(request, reference: str, pk: int):
    review, _submission = _submitted_review(request, reference)
    response = get_object_or_404(PanelResponse, review=review, pk=pk,
                                 outcome__in=REPLY_OUTCOMES, replied_on__isnull=True)
    form = PanelReplyForm(_data(request), initial={"replied_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            panel_response_reply(actor=request.user, response=response, **form.cleaned_data)
        except ValidationError as refused:
            apply_service_errors(form, refused)
        else:
            messages.success(request, "Reply to the Panel recorded")
            return redirect("rapid_review:submission", reference=reference)
    return render(request, "rapid_review/panel_response/reply.html",
                  {"form": form, "case": review.case, "response": response},
                  status=400 if form.errors else 200)


@require_POST
def share(request, reference: str, pk: int):
    review, _submission = _submitted_review(request, reference)
    response = get_object_or_404(PanelResponse, review=review, pk=pk)
    try:
        panel_response_share(actor=request.user, response=response)
    except ValidationError as refused:
        return submission_page(request, review, error=" ".join(refused.messages), status=400)
    messages.success(request, "The partners and the business unit are being emailed that the "
                              "Panel's response is available")
    return redirect("rapid_review:submission", reference=reference)


@require_http_methods(["GET", "POST"])
def move_on(request, reference: str):
    review, _submission = _submitted_review(request, reference)
    if not review.panel_responses.exists() or review_next_step(review) is not None:
        raise Http404
    form = MoveOnForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            case_move_on(actor=request.user, review=review, **form.cleaned_data)
        except ValidationError as refused:
            apply_service_errors(form, refused)
        else:
            messages.success(request, "The case has moved on")
            return redirect("rapid_review:submission", reference=reference)
    return render(request, "rapid_review/panel_response/move_on.html",
                  {"form": form, "case": review.case},
                  status=400 if form.errors else 200)


urlpatterns = [
    path("cases/<str:reference>/rapid-review/panel-response/record/", record,
         name="panel-response-record"),
    path("cases/<str:reference>/rapid-review/panel-response/<int:pk>/reply/", reply,
         name="panel-response-reply"),
    path("cases/<str:reference>/rapid-review/panel-response/<int:pk>/share/", share,
         name="panel-response-share"),
    path("cases/<str:reference>/rapid-review/panel-response/move-on/", move_on,
         name="panel-response-move-on"),
]
