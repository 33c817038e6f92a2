"""The family and wider network, and the offers made to each."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.forms import apply_service_errors

from ..forms.family import FamilyMemberForm, FamilyOffersForm
from ..models import OFFERS, FamilyMember
from ..selectors import lcspr_running, lcspr_running_to_manage
from ..services import family_member_add, family_offers_record
from .running import audit_page, back_to

OFFER_FIELDS = [field for field, _label in OFFERS]


@require_GET
def family(request, reference: str):
    lcspr = lcspr_running(request.user, reference)
    audit_page(request, lcspr, "family")
    return render(request, "lcspr/family.html", {
        "case": lcspr.case, "lcspr": lcspr, "members": list(lcspr.family.all()),
        "can_edit": rules.can_manage_lcspr(request.user, lcspr.case)})


@require_http_methods(["GET", "POST"])
def family_member_add_page(request, reference: str):
    lcspr = lcspr_running_to_manage(request.user, reference)
    form = FamilyMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = family_member_add(actor=request.user, lcspr=lcspr, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{member.name} added")
            return redirect("lcspr:family-offers", reference=reference, pk=member.pk)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case, "heading": True,
        "title": "Add a family member or someone in the wider network",
        **back_to("lcspr:family", reference, "the family")})


@require_http_methods(["GET", "POST"])
def family_offers(request, reference: str, pk: int):
    lcspr = lcspr_running_to_manage(request.user, reference)
    member = get_object_or_404(FamilyMember, pk=pk, lcspr=lcspr)
    initial = {field: getattr(member, field) for field in [
        *OFFER_FIELDS, "contact_arrangement", "contribution", "declined_on", "declined_note"]}
    form = FamilyOffersForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            family_offers_record(actor=request.user, member=member, **form.service_values())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Saved for {member.name}")
            return redirect("lcspr:family", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case, "heading": True,
        "title": f"{member.name}: involvement in the review",
        **back_to("lcspr:family", reference, "the family")})
