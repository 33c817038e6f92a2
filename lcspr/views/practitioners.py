"""Practitioners' involvement: individual meetings, input through the SLO, events."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.forms import apply_service_errors

from ..forms.practitioners import PractitionerInvolvementForm
from ..selectors import lcspr_running, lcspr_running_to_manage
from ..services import practitioner_involvement_record
from .running import audit_page, back_to


@require_GET
def practitioners(request, reference: str):
    lcspr = lcspr_running(request.user, reference)
    audit_page(request, lcspr, "practitioners")
    return render(request, "lcspr/practitioners.html", {
        "case": lcspr.case, "lcspr": lcspr,
        "involvement": list(lcspr.practitioner_involvement.prefetch_related("agencies")),
        "can_edit": rules.can_manage_lcspr(request.user, lcspr.case)})


@require_http_methods(["GET", "POST"])
def practitioners_add(request, reference: str):
    lcspr = lcspr_running_to_manage(request.user, reference)
    form = PractitionerInvolvementForm(request.POST or None,
                                       partnership=lcspr.case.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            practitioner_involvement_record(actor=request.user, lcspr=lcspr,
                                            **form.service_values())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Practitioners' involvement recorded")
            return redirect("lcspr:practitioners", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case, "heading": True,
        "title": "Record practitioners' involvement",
        **back_to("lcspr:practitioners", reference, "the practitioners")})
