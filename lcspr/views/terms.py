"""The LCSPR's terms of reference: read (the reviewer too), edit, agree, download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import rules
from accounts.forms import apply_service_errors, edit_conflict
from accounts.rules import require
from cases.services import EditConflict
from cases.views.documents import stored_version_redirect

from ..forms.terms import AgreeForm, TermsForm
from ..models import LcsprTerms
from ..selectors import lcspr_for, lcspr_to_manage
from ..services import lcspr_terms_agree, lcspr_terms_document, lcspr_terms_save
from ..services.subgroup import partners_missing
from ..services.terms import terms_defaults, terms_now


def _terms(lcspr) -> LcsprTerms | None:
    return (LcsprTerms.objects.select_related("updated_by").prefetch_related("agencies")
            .filter(lcspr=lcspr).first())


@require_GET
def terms(request, reference: str):
    case, lcspr = lcspr_for(request.user, reference)
    require(lcspr is not None and lcspr.decided_on is not None)
    current = _terms(lcspr)
    agreements = list(current.agreements.order_by("version")) if current else []
    return render(request, "lcspr/terms.html", {
        "case": case, "lcspr": lcspr, "terms": current,
        "parts": terms_now(current) if current else [], "agreements": agreements,
        "agreed": any(a.version == current.version for a in agreements) if current else False,
        "missing": partners_missing(lcspr),
        "can_edit": rules.can_manage_lcspr(request.user, case),
        "can_view_case": rules.can_view_case(request.user, case)})


@require_http_methods(["GET", "POST"])
def terms_edit(request, reference: str):
    lcspr = lcspr_to_manage(request.user, reference)
    existing = _terms(lcspr)
    if existing:
        initial = {field: getattr(existing, field) for field in (
            "questions", "scope_from", "scope_to", "method", "child_perspective",
            "practitioner_involvement", "family_involvement", "communications_lead",
            "criminal_proceedings", "coroner", "version")}
        initial["agencies"] = list(existing.agencies.all())
    else:
        initial = {**terms_defaults(lcspr), "version": 0}
    form = TermsForm(request.POST or None, initial=initial,
                     partnership=lcspr.case.partnership)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = lcspr_terms_save(actor=request.user, lcspr=lcspr, **form.service_values())
        except EditConflict as error:
            conflict = edit_conflict(form, error, field="version")
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Terms of reference saved as version {saved.version}. "
                                      f"The review sub-group needs to agree this version")
            return redirect("lcspr:terms", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case, "conflict": conflict, "back": "lcspr:terms",
        "heading": True, "title": "Terms of reference"})


@require_http_methods(["GET", "POST"])
def terms_agree(request, reference: str):
    lcspr = lcspr_to_manage(request.user, reference)
    current = _terms(lcspr)
    require(current is not None)
    form = AgreeForm(request.POST or None, initial={"version": current.version})
    if request.method == "POST" and form.is_valid():
        try:
            agreement = lcspr_terms_agree(actor=request.user, terms=current,
                                          **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Version {agreement.version} of the terms of reference "
                                      f"recorded as agreed by the review sub-group")
            return redirect("lcspr:terms", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case, "back": "lcspr:terms",
        "heading": True, "title": f"Record the sub-group's agreement to version {current.version}"})


@require_POST
def terms_download(request, reference: str, fmt: str):
    """The terms as they stand now, stored as a version the first time they are asked for
    (a POST), then downloaded from it; the reviewer may download them too."""
    case, lcspr = lcspr_for(request.user, reference)
    current = _terms(lcspr) if lcspr else None
    require(current is not None)
    current.lcspr = lcspr
    document = lcspr_terms_document(actor=request.user, terms=current)
    document.case = case
    return stored_version_redirect(document, fmt)
