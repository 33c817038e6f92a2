"""Information from agencies during the LCSPR: the rapid review's returns and master
chronology carried over (their own pages, which the reviewer of this LCSPR may read), and
further information requests through the rapid review's request and return pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.forms import apply_service_errors
from rapid_review.services import further_information_request_send
from rapid_review.services.requests import requestable_agencies

from ..forms.information import FurtherRequestForm
from ..selectors import FURTHER_SHOWN, agency_information, lcspr_running, lcspr_running_to_manage
from .running import audit_page, back_to


@require_GET
def information(request, reference: str):
    lcspr = lcspr_running(request.user, reference)
    audit_page(request, lcspr, "information")
    info = agency_information(lcspr)
    return render(request, "lcspr/information.html", {
        "case": lcspr.case, "lcspr": lcspr, "info": info, "shown": FURTHER_SHOWN,
        "can_ask": info.review is not None
        and rules.can_manage_lcspr(request.user, lcspr.case)})


@require_http_methods(["GET", "POST"])
def further_request(request, reference: str):
    lcspr = lcspr_running_to_manage(request.user, reference)
    review = agency_information(lcspr).review
    agencies = (list(requestable_agencies(review).order_by("name")) if review is not None
                else [])
    form = FurtherRequestForm(request.POST or None, agencies=agencies)
    if review is not None and request.method == "POST" and form.is_valid():
        try:
            sent = further_information_request_send(actor=request.user, review=review,
                                                    **form.service_values())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Further information request sent to "
                                      f"{sent.agency.name}")
            if not sent.contact_email:
                messages.warning(request, f"Nobody was emailed at {sent.agency.name}: no "
                                          "named contact, mailbox or user. Send the request "
                                          "another way and record receipt")
            return redirect("lcspr:information", reference=reference)
    return render(request, "lcspr/further_request.html", {
        "form": form, "case": lcspr.case, "review": review,
        **back_to("lcspr:information", reference, "information from agencies"),
        "heading": True, "title": "Ask an agency for further information"})
