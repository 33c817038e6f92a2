"""Submission to the Panel: the signed pack, recording it, and the delay notice."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import rules
from accounts.audit import audit_record, audit_view
from accounts.forms import apply_service_errors
from accounts.models import AuditEvent
from calendars.working_days import add_working_days, default_calendar
from cases.models import CaseDocument, Stage

from ..forms.submission import DelayNoticeForm, NoticeSentForm, SubmissionForm
from ..models import DelayNotice, PanelResponse, PanelSubmission, RapidReview
from ..selectors import review_clock
from ..selectors.signoff import signoff_state
from ..services.panel_response import REPLY_OUTCOMES, NextStep, review_next_step
from ..services.submission import (
    delay_notice_create,
    delay_notice_mark_sent,
    submission_due_on,
    submission_pack_documents_make,
    submission_pack_stored,
    submission_record,
)
from .access import review_to_edit, review_to_read

WARN_FROM_DAY = 13


def _page(request, review: RapidReview, *, form: SubmissionForm | None = None,
          status: int = 200, error: str = ""):
    case = review.case
    can_manage = rules.can_edit_rapid_review(request.user, review)
    submission = PanelSubmission.objects.filter(review=review).select_related(
        "recorded_by", "version").first()
    state = signoff_state(review)
    notices = list(DelayNotice.objects.filter(review=review))
    documents = {d.related_key: d for d in CaseDocument.objects.filter(
        case=case, kind=CaseDocument.Kind.DELAY_NOTICE).defer("docx", "pdf")}
    rows = [(n, documents.get(f"delay-notice-{n.pk}")) for n in notices]
    warn_from = add_working_days(review.started_on, WARN_FROM_DAY, default_calendar())
    if form is None and can_manage and submission is None and state.all_signed:
        form = SubmissionForm(initial={"submitted_on": timezone.localdate()})
    if form is not None:
        form.helper.form_action = reverse("rapid_review:submission-record",
                                          args=[case.reference])
    responses = list(PanelResponse.objects.filter(review=review)) if submission else []
    next_step = review_next_step(review) if responses else None
    audit_view(actor=request.user, obj=case)
    return render(request, "rapid_review/submission/page.html", {
        "responses": responses, "reply_outcomes": REPLY_OUTCOMES, "error": error,
        "next_step": (dict(NextStep.CHOICES).get(next_step) or Stage(next_step).label)
        if next_step else None,
        "review": review, "case": case, "state": state, "submission": submission,
        "due_on": submission_due_on(review), "clock": review_clock(review),
        "warn": submission is None and timezone.localdate() >= warn_from,
        "notices": rows, "form": form if can_manage and submission is None else None,
        "can_manage": can_manage}, status=status)


@require_GET
def submission(request, reference: str):
    review = review_to_read(request, reference)
    return _page(request, review)


@require_http_methods(["GET", "POST"])
def pack(request, reference: str):
    """POST makes what the pack holds and is missing, then redirects to the GET, which packs
    the stored documents and changes nothing."""
    review = review_to_edit(request, reference)
    try:
        if request.method == "POST":
            submission_pack_documents_make(actor=request.user, review=review)
            return redirect("rapid_review:submission-pack", reference=reference)
        filename, data = submission_pack_stored(review=review)
    except ValidationError as refused:
        if not signoff_state(review).all_signed:  # not signed yet: nothing to download
            raise Http404 from refused
        # Not endorsed yet, or a document (or its PDF) could not be made: the page says so.
        messages.error(request, " ".join(refused.messages))
        return redirect("rapid_review:submission", reference=reference)
    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=request.user, obj=review.case,
                 partnership=review.case.partnership,
                 detail={"case": review.case_id, "kind": "submission_pack"})
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def record(request, reference: str):
    review = review_to_edit(request, reference)
    form = SubmissionForm(request.POST)
    if form.is_valid():
        try:
            submission_record(actor=request.user, review=review, **form.cleaned_data)
        except ValidationError as refused:
            apply_service_errors(form, refused)
        else:
            messages.success(request, "Submission to the Panel recorded. The referring agency "
                                      "and the contributors are being told the outcome")
            return redirect("rapid_review:submission", reference=reference)
    return _page(request, review, form=form, status=400)


@require_http_methods(["GET", "POST"])
def delay_notice(request, reference: str):
    review = review_to_edit(request, reference)
    form = DelayNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delay_notice_create(actor=request.user, review=review, **form.cleaned_data)
        except ValidationError as refused:
            apply_service_errors(form, refused)
        else:
            messages.success(request, "Notice prepared: download it, send it to the Panel, "
                                      "then record when it was sent")
            return redirect("rapid_review:submission", reference=reference)
    return render(request, "rapid_review/submission/delay.html",
                  {"form": form, "case": review.case, "due_on": submission_due_on(review)})


@require_http_methods(["GET", "POST"])
def delay_notice_sent(request, reference: str, pk: int):
    review = review_to_edit(request, reference)
    notice = get_object_or_404(DelayNotice, review=review, pk=pk, sent_on__isnull=True)
    form = NoticeSentForm(request.POST or None, initial={"sent_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            delay_notice_mark_sent(actor=request.user, notice=notice,
                                   sent_on=form.cleaned_data["sent_on"])
        except ValidationError as refused:
            apply_service_errors(form, refused)
        else:
            messages.success(request, "Notice recorded as sent")
            return redirect("rapid_review:submission", reference=reference)
    return render(request, "rapid_review/submission/delay_sent.html",
                  {"form": form, "case": review.case, "notice": notice})


urlpatterns = [
    path("cases/<str:reference>/rapid-review/submission/", submission, name="submission"),
    path("cases/<str:reference>/rapid-review/submission/pack.zip", pack,
         name="submission-pack"),
    path("cases/<str:reference>/rapid-review/submission/record/", record,
         name="submission-record"),
    path("cases/<str:reference>/rapid-review/submission/delay-notice/", delay_notice,
         name="delay-notice"),
    path("cases/<str:reference>/rapid-review/submission/delay-notice/<int:pk>/sent/",
         delay_notice_sent, name="delay-notice-sent"),
]
