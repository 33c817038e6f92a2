"""Referring the case back to the Panel for a national review during the LCSPR: the
referral and its letter, and the Panel's reply."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.forms import apply_service_errors

from ..forms.referral import NationalReferralForm, PanelReplyForm
from ..models import NationalReferral
from ..selectors import lcspr_running, lcspr_running_to_manage, national_referrals
from ..services import national_referral_record, national_referral_reply_record
from ..services.commissioning import decided_by_default
from .running import audit_page, back_to


@require_GET
def referrals(request, reference: str):
    lcspr = lcspr_running(request.user, reference)
    audit_page(request, lcspr, "national_referrals")
    return render(request, "lcspr/national_referrals.html", {
        "case": lcspr.case, "lcspr": lcspr, "referrals": national_referrals(lcspr),
        "can_edit": rules.can_manage_lcspr(request.user, lcspr.case)})


@require_http_methods(["GET", "POST"])
def referral_add(request, reference: str):
    lcspr = lcspr_running_to_manage(request.user, reference)
    form = NationalReferralForm(request.POST or None,
                                initial={"decided_by": decided_by_default(lcspr.case.partnership)})
    if request.method == "POST" and form.is_valid():
        try:
            national_referral_record(actor=request.user, lcspr=lcspr, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Referral recorded. The letter to the Panel is ready to "
                                      "download and send")
            return redirect("lcspr:national-referrals", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case,
        **back_to("lcspr:national-referrals", reference, "referrals to the Panel"),
        "heading": True, "title": "Refer the case to the Panel for a national review"})


@require_http_methods(["GET", "POST"])
def referral_reply(request, reference: str, pk: int):
    lcspr = lcspr_running_to_manage(request.user, reference)
    referral = get_object_or_404(NationalReferral, pk=pk, lcspr=lcspr)
    if request.method == "POST" and referral.reply_received_on is not None and str(
            referral.reply_form_token) == request.POST.get("form_token"):
        return redirect("lcspr:national-referrals", reference=reference)  # a double click
    form = PanelReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            national_referral_reply_record(actor=request.user, referral=referral,
                                           **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The Panel's reply recorded")
            return redirect("lcspr:national-referrals", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case,
        **back_to("lcspr:national-referrals", reference, "referrals to the Panel"),
        "heading": True, "title": "The Panel's reply"})
