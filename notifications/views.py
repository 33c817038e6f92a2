"""Recording the notification to the National Panel, and the letters it sets off."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import rules
from accounts.forms import apply_service_errors
from accounts.rules import require
from cases.models import CaseDocument
from cases.selectors import cases_visible_to

from .documents import LETTER_KINDS
from .forms import LetterSendForm, PanelNotificationForm
from .models import PanelNotification
from .selectors import letters_for
from .services import letter_generate, letter_recipients, letter_send, notification_record

LETTER_SLUGS = {"partners": CaseDocument.Kind.PARTNER_LETTER,
                "review-group": CaseDocument.Kind.REVIEW_GROUP_LETTER}


@require_http_methods(["GET", "POST"])
def notification_edit(request, reference: str):
    case = get_object_or_404(cases_visible_to(request.user), reference=reference)
    require(rules.can_record_notification(request.user, case))
    existing = PanelNotification.objects.filter(case=case).first()
    initial = {}
    if existing:
        initial = {f: getattr(existing, f) for f in PanelNotificationForm.base_fields
                   if f != "children"}
        initial["children"] = list(existing.children.all())
    else:
        aware = case.anchor_events.filter(kind="became_aware").first()
        initial = {"became_aware_on": aware.occurred_on if aware else None,
                   "children": list(case.children.all())}
    form = PanelNotificationForm(request.POST or None, initial=initial, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            notification_record(actor=request.user, case=case,
                                **{**form.cleaned_data,
                                   "children": list(form.cleaned_data["children"])})
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Notification recorded. The rapid review clock has "
                                      "started")
            return redirect("rapid_review:overview", reference=case.reference)
    return render(request, "notifications/notification_form.html",
                  {"form": form, "case": case, "existing": existing})


def _notification_or_404(request, reference: str) -> PanelNotification:
    """The business unit's letters: only with a notification, only while reviewing."""
    case = get_object_or_404(cases_visible_to(request.user), reference=reference)
    require(rules.can_run_rapid_review(request.user, case))
    return get_object_or_404(
        PanelNotification.objects.select_related("case__partnership", "case__incident",
                                                 "rapid_review"), case=case)


@require_GET
def letters(request, reference: str):
    notification = _notification_or_404(request, reference)
    case = notification.case
    slugs = {kind: slug for slug, kind in LETTER_SLUGS.items()}
    rows = [(letter, slugs[letter.kind]) for letter in letters_for(notification)]
    return render(request, "notifications/letters.html", {
        "case": case, "notification": notification, "rows": rows,
        "can_send": notification.rapid_review.stopped_on is None,
        "needs_generating": any(not letter.up_to_date for letter, _ in rows)})


@require_POST
def letters_generate(request, reference: str):
    notification = _notification_or_404(request, reference)
    for kind in LETTER_KINDS:
        letter_generate(actor=request.user, notification=notification, kind=kind)
    messages.success(request, "The letters have been created from the record")
    return redirect("notifications:letters", reference=reference)


@require_http_methods(["GET", "POST"])
def letter_send_confirm(request, reference: str, letter: str):
    notification = _notification_or_404(request, reference)
    kind = LETTER_SLUGS.get(letter)
    require(kind is not None and notification.rapid_review.stopped_on is None)
    allow_extra = kind == CaseDocument.Kind.REVIEW_GROUP_LETTER
    letter_name = dict(CaseDocument.Kind.choices)[kind]
    form = LetterSendForm(request.POST if request.method == "POST" else None,
                          allow_extra=allow_extra,
                          button="Send the letter")
    if request.method == "POST" and form.is_valid():
        try:
            dispatch = letter_send(actor=request.user, notification=notification, kind=kind,
                                   extra_recipients=form.cleaned_data.get("extra_recipients"))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{letter_name} sent to {len(dispatch.recipients)} "
                                      f"people")
            return redirect("notifications:letters", reference=reference)
    return render(request, "notifications/letter_send.html", {
        "case": notification.case, "form": form, "letter_name": letter_name,
        "recipients": letter_recipients(case=notification.case, kind=kind)})


urlpatterns = [
    path("<str:reference>/notification/", notification_edit, name="notification-edit"),
    path("<str:reference>/notification/letters/", letters, name="letters"),
    path("<str:reference>/notification/letters/create/", letters_generate,
         name="letters-generate"),
    path("<str:reference>/notification/letters/<str:letter>/send/", letter_send_confirm,
         name="letter-send"),
]
