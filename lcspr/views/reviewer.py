"""Appointing the reviewer, and the letter giving their name to the Panel, Ofsted and DfE."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import rules
from accounts.forms import apply_service_errors
from accounts.rules import require
from cases.views.documents import stored_version_redirect

from ..forms.reviewer import DispatchForm, ReviewerForm
from ..selectors import lcspr_to_manage, reviewer_letters_due
from ..services import (
    reviewer_appoint,
    reviewer_letter,
    reviewer_letter_dispatch_record,
    reviewer_letter_stored,
)


@require_http_methods(["GET", "POST"])
def reviewer(request, reference: str):
    lcspr = lcspr_to_manage(request.user, reference)
    require(rules.can_appoint_lcspr_reviewer(request.user, lcspr.case))
    current = getattr(lcspr, "reviewer", None)
    initial = ({"name": current.name, "email": current.email,
                "organisation": current.organisation, "skills": current.skills}
               if current else {})
    form = ReviewerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            appointed = reviewer_appoint(actor=request.user, lcspr=lcspr, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{appointed.name} appointed as the reviewer. They can "
                                      f"sign in and see this {lcspr.short_name} only")
            return redirect("lcspr:overview", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case,
        "heading": True, "title": "Change the reviewer" if current else "Appoint the reviewer"})


@require_http_methods(["GET", "POST"])
def reviewer_letter_page(request, reference: str):
    lcspr = lcspr_to_manage(request.user, reference)
    # Only an LCSPR's reviewer is named to the Panel, Ofsted and DfE (seed 003 flowchart 3).
    require(lcspr.is_lcspr and getattr(lcspr, "reviewer", None) is not None)
    form = DispatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dispatch = reviewer_letter_dispatch_record(actor=request.user, lcspr=lcspr,
                                                       **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Recorded as sent to {dispatch.get_recipient_display()}")
            return redirect("lcspr:reviewer-letter", reference=reference)
    document = reviewer_letter_stored(lcspr=lcspr)
    return render(request, "lcspr/reviewer_letter.html", {
        "form": form, "case": lcspr.case, "lcspr": lcspr, "document": document,
        "dispatches": list(lcspr.dispatches.select_related("document", "recorded_by")),
        "due": reviewer_letters_due(lcspr), "today": timezone.localdate()})


@require_POST
def reviewer_letter_download(request, reference: str, fmt: str):
    """The letter as the record says now, stored as a version (once for the same content),
    then downloaded from it."""
    lcspr = lcspr_to_manage(request.user, reference)
    require(lcspr.is_lcspr and getattr(lcspr, "reviewer", None) is not None)
    return stored_version_redirect(reviewer_letter(actor=request.user, lcspr=lcspr), fmt)
