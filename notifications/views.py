"""The local authority's notifications (the Panel; the Secretary of State and Ofsted for a
looked-after child's death; or its decision not to notify), and the letters to the partners.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import rules
from accounts.forms import apply_service_errors
from accounts.rules import require
from calendars.models import Anchor
from cases.models import Case, CaseDocument
from cases.selectors import cases_visible_to

from .documents import LETTER_KINDS
from .forms import (
    DecisionNotToNotifyForm,
    LetterSendForm,
    LookedAfterDeathNoticeForm,
    PanelNotificationForm,
)
from .models import LookedAfterDeathNotice, PanelNotification
from .selectors import letters_for
from .services import (
    can_be_notified,
    decision_not_to_notify_record,
    letter_generate,
    letter_recipients,
    letter_send,
    letters_open,
    looked_after_death_notices_record,
    looked_after_death_recorded,
    notification_due,
    notification_record,
)

LETTER_SLUGS = {"partners": CaseDocument.Kind.PARTNER_LETTER,
                "review-group": CaseDocument.Kind.REVIEW_GROUP_LETTER,
                "rapid-review": CaseDocument.Kind.RAPID_REVIEW_LETTER}


def _case_or_404(request, reference: str) -> Case:
    return get_object_or_404(cases_visible_to(request.user).select_related("partnership"),
                             reference=reference)


@require_http_methods(["GET", "POST"])
def notification_edit(request, reference: str):
    case = _case_or_404(request, reference)
    require(rules.can_record_notification(request.user, case) and can_be_notified(case))
    existing = PanelNotification.objects.filter(case=case).first()
    if existing:
        initial = {f: getattr(existing, f) for f in PanelNotificationForm.base_fields
                   if f != "children"}
        initial["children"] = list(existing.children.all())
    else:
        aware = case.anchor_events.filter(kind=Anchor.BECAME_AWARE).first()
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
    aware_on = initial.get("became_aware_on")
    return render(request, "notifications/notification_form.html", {
        "form": form, "case": case, "existing": existing,
        "due_on": notification_due(aware_on) if aware_on else None})


@require_http_methods(["GET", "POST"])
def decision_not_to_notify(request, reference: str):
    case = _case_or_404(request, reference)
    require(rules.can_record_notification(request.user, case)
            and not PanelNotification.objects.filter(case=case).exists())
    form = DecisionNotToNotifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision_not_to_notify_record(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The local authority's decision not to notify the Panel "
                                      "is recorded. Its notification deadlines are closed")
            return redirect("cases:case-detail", reference=case.reference)
    return render(request, "notifications/decision_not_to_notify.html",
                  {"form": form, "case": case})


@require_http_methods(["GET", "POST"])
def looked_after_death(request, reference: str):
    case = _case_or_404(request, reference)
    require(rules.can_record_looked_after_notices(request.user, case)
            and looked_after_death_recorded(case))
    notice = LookedAfterDeathNotice.objects.filter(case=case).first()
    initial = {"secretary_of_state_notified_on": notice.secretary_of_state_notified_on,
               "ofsted_notified_on": notice.ofsted_notified_on} if notice else {}
    form = LookedAfterDeathNoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            looked_after_death_notices_record(actor=request.user, case=case,
                                              **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Saved")
            return redirect("cases:case-detail", reference=case.reference)
    return render(request, "notifications/looked_after_death.html",
                  {"form": form, "case": case})


def _letters_case_or_404(request, reference: str) -> Case:
    # The letters read the case's referral, incident, notification and review: one query.
    case = get_object_or_404(cases_visible_to(request.user).select_related(
        "partnership", "rapid_review", "incident", "panel_notification",
        "referral__referring_agency", "looked_after_death_notice"), reference=reference)
    require(rules.can_send_letters(request.user, case))
    return case


@require_GET
def letters(request, reference: str):
    case = _letters_case_or_404(request, reference)
    slugs = {kind: slug for slug, kind in LETTER_SLUGS.items()}
    rows = [(letter, slugs[letter.kind]) for letter in letters_for(case)]
    return render(request, "notifications/letters.html", {
        "case": case, "rows": rows, "can_send": letters_open(case),
        "today": timezone.localdate(),
        "needs_generating": any(not letter.up_to_date for letter, _ in rows)})


@require_POST
def letters_generate(request, reference: str):
    case = _letters_case_or_404(request, reference)
    for kind in LETTER_KINDS:
        letter_generate(actor=request.user, case=case, kind=kind)
    messages.success(request, "The letters have been created from the record")
    return redirect("notifications:letters", reference=reference)


@require_http_methods(["GET", "POST"])
def letter_send_confirm(request, reference: str, letter: str):
    case = _letters_case_or_404(request, reference)
    kind = LETTER_SLUGS.get(letter)
    require(kind is not None and letters_open(case))
    allow_extra = kind == CaseDocument.Kind.REVIEW_GROUP_LETTER
    letter_name = dict(CaseDocument.Kind.choices)[kind]
    # Not ``request.POST or None``: the partners' letters have no field, so their POST is
    # empty and the form must still be bound for the send to happen.
    form = LetterSendForm(request.POST if request.method == "POST" else None,
                          allow_extra=allow_extra,
                          button="Send the letter")
    if request.method == "POST" and form.is_valid():
        try:
            dispatch = letter_send(actor=request.user, case=case, kind=kind,
                                   extra_recipients=form.cleaned_data.get("extra_recipients"),
                                   form_token=form.cleaned_data["form_token"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{letter_name} sent to {len(dispatch.recipients)} "
                                      f"people")
            return redirect("notifications:letters", reference=reference)
    return render(request, "notifications/letter_send.html", {
        "case": case, "form": form, "letter_name": letter_name,
        "recipients": letter_recipients(case=case, kind=kind)})


urlpatterns = [
    path("<str:reference>/notification/", notification_edit, name="notification-edit"),
    path("<str:reference>/notification/not-needed/", decision_not_to_notify,
         name="decision-not-to-notify"),
    path("<str:reference>/looked-after-death/", looked_after_death,
         name="looked-after-death"),
    path("<str:reference>/notification/letters/", letters, name="letters"),
    path("<str:reference>/notification/letters/create/", letters_generate,
         name="letters-generate"),
    path("<str:reference>/notification/letters/<str:letter>/send/", letter_send_confirm,
         name="letter-send"),
]
