"""The rapid review meeting's pages: its sessions, who attended, and whether it was
quorate. The review group reads them with the papers; the business unit records them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import rules
from accounts.audit import audit_view
from accounts.forms import apply_service_errors

from ..forms.meetings import AttendeeForm, MeetingForm, partnership_agencies
from ..models import MeetingAttendee, RapidReview, ReviewMeeting
from ..selectors import meeting_summary, review_clock, review_meetings
from ..services import (
    meeting_attendee_add,
    meeting_attendee_remove,
    meeting_confirm_held,
    meeting_schedule,
)
from .access import review_to_edit, review_to_read


@require_GET
def meetings(request, reference: str):
    review = review_to_read(request, reference)
    sessions, window = review_meetings(review)
    audit_view(actor=request.user, obj=review.case)
    return render(request, "rapid_review/meetings/list.html", {
        "review": review, "case": review.case, "sessions": sessions, "window": window,
        "clock": review_clock(review),
        "can_record": rules.can_edit_rapid_review(request.user, review)})


@require_http_methods(["GET", "POST"])
def meeting_schedule_view(request, reference: str):
    review = review_to_edit(request, reference)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_schedule(actor=request.user, review=review, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Session scheduled for {meeting.held_on:%-d %B %Y}")
            return redirect("rapid_review:meetings", reference=reference)
    _sessions, window = review_meetings(review)
    return render(request, "rapid_review/meetings/schedule.html",
                  {"form": form, "case": review.case, "window": window})


def _meeting_page(request, review: RapidReview, pk: int, *, error: str = "",
                  not_quorate_check: bool = False):
    summary = meeting_summary(review, pk)
    if summary is None:
        raise Http404
    audit_view(actor=request.user, obj=summary.meeting, case=review.case)
    return render(request, "rapid_review/meetings/detail.html", {
        "review": review, "case": review.case, "summary": summary, "error": error,
        "not_quorate_check": not_quorate_check,
        "can_record": rules.can_edit_rapid_review(request.user, review)},
        status=400 if error else 200)


@require_GET
def meeting(request, reference: str, pk: int):
    return _meeting_page(request, review_to_read(request, reference), pk)


@require_http_methods(["GET", "POST"])
def attendee_add(request, reference: str, pk: int):
    review = review_to_edit(request, reference)
    session = get_object_or_404(ReviewMeeting, review=review, pk=pk)
    form = AttendeeForm(request.POST or None, agencies=partnership_agencies(
        review.case.partnership))
    if request.method == "POST" and form.is_valid():
        try:
            meeting_attendee_add(actor=request.user, meeting=session, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['name'].strip()} added")
            return redirect("rapid_review:meeting", reference=reference, pk=pk)
    return render(request, "rapid_review/meetings/attendee_add.html",
                  {"form": form, "case": review.case, "session": session})


@require_http_methods(["GET", "POST"])
def attendee_remove(request, reference: str, pk: int, attendee_pk: int):
    review = review_to_edit(request, reference)
    attendee = get_object_or_404(MeetingAttendee.objects.select_related("meeting"),
                                 meeting__review=review, meeting__pk=pk, pk=attendee_pk)
    error = ""
    if request.method == "POST":
        try:
            meeting_attendee_remove(actor=request.user, attendee=attendee)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, f"{attendee.name} removed")
            return redirect("rapid_review:meeting", reference=reference, pk=pk)
    return render(request, "rapid_review/meetings/attendee_remove.html",
                  {"attendee": attendee, "case": review.case, "error": error},
                  status=400 if error else 200)


@require_POST
def meeting_confirm(request, reference: str, pk: int):
    """A meeting that is not quorate is confirmed only once the page has said so (the
    attendance can be corrected first): it took place, but cannot record the decision."""
    review = review_to_edit(request, reference)
    summary = meeting_summary(review, pk)
    if summary is None:
        raise Http404
    if summary.attendees and not summary.is_quorate and \
            request.POST.get("not_quorate") != "confirmed":
        return _meeting_page(request, review, pk, not_quorate_check=True)
    try:
        meeting_confirm_held(actor=request.user, meeting=summary.meeting)
    except ValidationError as error:
        return _meeting_page(request, review, pk, error=" ".join(error.messages))
    if summary.is_quorate:
        messages.success(request, "Meeting confirmed as held with these attendees")
    else:
        messages.warning(request, "The meeting is confirmed as held, but it was not quorate: "
                                  f"no representative of {' or '.join(summary.missing_partners)} "
                                  "attended, so no decision can be recorded at it. Schedule "
                                  "another session for the decision")
    return redirect("rapid_review:meeting", reference=reference, pk=pk)


@require_GET
def referral_paper(request, reference: str):
    """The referral and the notification, for the review group before the meeting: what the
    case page shows, without the business unit's working (queries, deadlines, triage)."""
    review = review_to_read(request, reference)
    case = review.case
    audit_view(actor=request.user, obj=case)
    return render(request, "rapid_review/meetings/referral_paper.html", {
        "review": review, "case": case, "notification": review.notification,
        "referral": getattr(case, "referral", None), "incident": getattr(case, "incident", None),
        "notified_children": list(review.notification.children.all())})


urlpatterns = [
    path("cases/<str:reference>/rapid-review/meetings/", meetings, name="meetings"),
    path("cases/<str:reference>/rapid-review/meetings/papers/referral/", referral_paper,
         name="meeting-referral-paper"),
    path("cases/<str:reference>/rapid-review/meetings/schedule/", meeting_schedule_view,
         name="meeting-schedule"),
    path("cases/<str:reference>/rapid-review/meetings/<int:pk>/", meeting, name="meeting"),
    path("cases/<str:reference>/rapid-review/meetings/<int:pk>/attendees/add/", attendee_add,
         name="meeting-attendee-add"),
    path("cases/<str:reference>/rapid-review/meetings/<int:pk>/attendees/<int:attendee_pk>/"
         "remove/", attendee_remove, name="meeting-attendee-remove"),
    path("cases/<str:reference>/rapid-review/meetings/<int:pk>/confirm/", meeting_confirm,
         name="meeting-confirm"),
]
