"""Calendar, timeline plan and deadline pages. Thin: rules decide, services change."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.forms import apply_service_errors
from accounts.rules import require
from config.pagination import paginate

from . import selectors, services
from .forms import AdoptTemplateForm, CalendarDayForm, RemoveCalendarDayForm, TimelineStepForm
from .models import TimelineStep


def _recalculation_message(request, done: str) -> None:
    """Say whether open deadlines are being recalculated, or are waiting for the worker."""
    if selectors.deadlines_recompute_waiting(request.user, request.partnership):
        messages.warning(request, f"{done}. Open deadlines keep their old dates for now: "
                                  "the background service is not answering, and they will "
                                  "be recalculated automatically when it is back")
    else:
        messages.success(request, f"{done}. Open deadlines are being recalculated")


@require_http_methods(["GET", "POST"])
def calendar(request):
    partnership = request.partnership
    require(rules.can_view_calendar(request.user, partnership))
    can_edit = rules.can_edit_calendar(request.user, partnership)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        require(can_edit)
        if form.is_valid():
            try:
                services.calendar_day_add(actor=request.user, partnership=partnership,
                                          **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                _recalculation_message(request, "Calendar changed")
                return redirect("calendars:calendar")
    today = timezone.localdate()
    return render(request, "calendars/calendar.html", {
        "form": form,
        "can_edit": can_edit,
        "days": selectors.calendar_days_visible_to(request.user, partnership),
        "bank_holidays": selectors.bank_holidays_between(
            today, datetime.date(today.year + 1, 12, 31)),
    })


@require_http_methods(["GET", "POST"])
def calendar_day_remove(request, pk: int):
    partnership = request.partnership
    require(rules.can_edit_calendar(request.user, partnership))
    day = get_object_or_404(selectors.calendar_days_visible_to(request.user, partnership), pk=pk)
    form = RemoveCalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.calendar_day_remove(actor=request.user, day=day)
        _recalculation_message(request, "Calendar change removed")
        return redirect("calendars:calendar")
    return render(request, "calendars/calendar_day_remove.html", {"day": day, "form": form})


@require_GET
def timeline(request):
    partnership = request.partnership
    require(rules.can_view_calendar(request.user, partnership))
    return render(request, "calendars/timeline.html", {
        "template": selectors.active_template_for(request.user, partnership),
        "can_edit": rules.can_edit_calendar(request.user, partnership),
    })


@require_http_methods(["GET", "POST"])
def timeline_choose(request):
    partnership = request.partnership
    require(rules.can_edit_calendar(request.user, partnership))
    form = AdoptTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.template_adopt(actor=request.user, partnership=partnership,
                                builtin=form.cleaned_data["template"])
        messages.success(request, "New deadlines will follow this plan. Deadlines already "
                                  "set keep their dates")
        return redirect("calendars:timeline")
    return render(request, "calendars/timeline_choose.html", {
        "form": form, "builtins": selectors.builtin_templates()})


def _step_or_404(request, pk: int) -> TimelineStep:
    template = selectors.active_template_for(request.user, request.partnership)
    if template is None:
        raise Http404
    return get_object_or_404(template.steps.all(), pk=pk)


@require_http_methods(["GET", "POST"])
def timeline_step_edit(request, pk: int | None = None):
    partnership = request.partnership
    require(rules.can_edit_calendar(request.user, partnership))
    step = _step_or_404(request, pk) if pk else None
    template = selectors.active_template_for(request.user, partnership)
    if template is None:
        raise Http404
    form = TimelineStepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        fields = {f: form.cleaned_data[f] for f in TimelineStepForm.Meta.fields}
        try:
            if step is None:
                services.template_step_create(actor=request.user, template=template, **fields)
            else:
                services.template_step_update(actor=request.user, step=step, **fields)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _recalculation_message(request, "Step saved")
            return redirect("calendars:timeline")
    return render(request, "calendars/timeline_step_edit.html", {"form": form, "step": step})


@require_GET
def deadlines(request):
    partnership = request.partnership
    require(rules.can_view_partnership_deadlines(request.user, partnership))
    show_all = request.GET.get("show") == "all"
    rows = selectors.partnership_deadlines(
        request.user, partnership, due_within_working_days=None if show_all else 5)
    page = paginate(request, rows)
    return render(request, "calendars/deadlines.html",
                  {"page": page, "show_all": show_all, "today": timezone.localdate(),
                   "can_send_reminders": rules.can_send_reminders_now(request.user,
                                                                      partnership)})


def _reminders(count: int, verb: str = "") -> str:
    """'3 reminders are', '1 reminder is' (verb 'is' or 'has')."""
    plural = {"is": "are", "has": "have"}
    words = f"{count:,} reminder{'' if count == 1 else 's'}"
    return f"{words} {verb if count == 1 else plural[verb]}" if verb else words


def _reminders_now_message(request, result: services.RemindersNow) -> None:
    """Say what "send today's reminders now" did: sending, waiting for the worker, or
    nothing to send and why."""
    if result.to_send and result.queued:
        messages.success(request, f"Sending {_reminders(result.to_send)} due today. The "
                                  "emails go out in the next few minutes")
    elif result.to_send:
        messages.warning(request, f"{_reminders(result.to_send, 'is')} waiting to be sent: "
                                  "the background service is not answering, and they will "
                                  "be sent automatically when it is back")
    elif result.sent_today:
        messages.info(request, f"Nothing more to send: {_reminders(result.sent_today, 'has')}"
                               " already been sent today. Nobody gets the same reminder twice")
    elif not result.working_day:
        messages.info(request, "Nothing to send: today is not a working day, so no "
                               "reminders are due")
    else:
        messages.info(request, "Nothing to send: no reminders are due today")


@require_http_methods(["GET", "POST"])
def reminders_send_now(request):
    partnership = request.partnership
    require(rules.can_send_reminders_now(request.user, partnership))
    if request.method == "POST":
        result = services.reminders_send_now(actor=request.user, partnership=partnership)
        _reminders_now_message(request, result)
        return redirect("calendars:deadlines")
    return render(request, "calendars/reminders_send_now.html")
