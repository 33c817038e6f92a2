"""The copy for publication: the list of terms to replace, the anonymised copy and its
review, and the family's embargoed copy."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import rules
from accounts.forms import apply_service_errors
from accounts.rules import require
from cases.models import CaseDocument
from cases.views.documents import stored_version_redirect

from ..forms.report import RedactionTermForm
from ..models import AnonymisedCopy, RedactionTerm
from ..report_selectors import lcspr_report_readable
from ..services.approval import approved_version
from ..services.redaction import (
    anonymised_copy_make,
    anonymised_copy_ready,
    family_copy_document,
    ready_copy,
    redaction_term_add,
    redaction_term_remove,
    redaction_terms_confirm,
    redaction_terms_suggest,
)
from .running import audit_page, back_to


def _readable(request, reference: str):
    """The list names the child and family: the case's readers only."""
    lcspr = lcspr_report_readable(request.user, reference)
    require(rules.can_view_case(request.user, lcspr.case))
    return lcspr


def _manageable(request, reference: str):
    lcspr = _readable(request, reference)
    require(rules.can_manage_lcspr(request.user, lcspr.case))
    return lcspr


def _page(request, lcspr, *, error: str = "", status: int = 200):
    terms = list(lcspr.redaction_terms.all()[:500])
    copy = lcspr.anonymised_copies.select_related("version", "ready_by").first()
    documents = list(CaseDocument.objects.filter(
        case=lcspr.case, related_key__in=[f"anonymised-{copy.number}",
                                          f"anonymised-{copy.number}-upload"])
        .defer("docx", "pdf").order_by("related_key", "-version")[:2]) if copy else []
    family = list(CaseDocument.objects.filter(
        case=lcspr.case, kind=CaseDocument.Kind.LCSPR_FAMILY_COPY).defer("docx", "pdf")
        .order_by("-created_at")[:1])
    version = approved_version(lcspr)
    audit_page(request, lcspr, "redaction")
    return render(request, "lcspr/redaction.html", {
        "case": lcspr.case, "lcspr": lcspr, "terms": terms, "copy": copy, "error": error,
        "documents": documents, "family_copy": family[0] if family else None,
        "approved": version, "copy_current": copy is not None and copy.version_id == getattr(
            version, "pk", None),
        "unconfirmed": sum(1 for t in terms if not t.confirmed_at),
        "can_edit": rules.can_manage_lcspr(request.user, lcspr.case)}, status=status)


@require_GET
def redaction(request, reference: str):
    return _page(request, _readable(request, reference))


def _act(request, reference: str, action, success: str):
    lcspr = _manageable(request, reference)
    try:
        action(lcspr)
    except ValidationError as refused:
        return _page(request, lcspr, error=" ".join(refused.messages), status=400)
    messages.success(request, success)
    return redirect("lcspr:redaction", reference=reference)


@require_POST
def redaction_suggest(request, reference: str):
    return _act(request, reference, lambda lcspr: redaction_terms_suggest(
        actor=request.user, lcspr=lcspr), "Suggestions from the case record added: check "
                                          "each, then confirm the list")


@require_POST
def redaction_confirm(request, reference: str):
    return _act(request, reference, lambda lcspr: redaction_terms_confirm(
        actor=request.user, lcspr=lcspr), "The list is confirmed")


@require_POST
def redaction_remove(request, reference: str, pk: int):
    lcspr = _manageable(request, reference)
    term = get_object_or_404(RedactionTerm, pk=pk, lcspr=lcspr)
    return _act(request, reference, lambda _lcspr: redaction_term_remove(
        actor=request.user, term=term), "Removed from the list")


@require_POST
def redaction_copy_make(request, reference: str):
    return _act(request, reference, lambda lcspr: anonymised_copy_make(
        actor=request.user, lcspr=lcspr), "Anonymised copy made: read it, then mark it ready")


@require_POST
def redaction_copy_ready(request, reference: str, pk: int):
    lcspr = _manageable(request, reference)
    copy = get_object_or_404(AnonymisedCopy, pk=pk, lcspr=lcspr)
    return _act(request, reference, lambda _lcspr: anonymised_copy_ready(
        actor=request.user, copy=copy, content_sha256=request.POST.get("content_sha256", "")),
        f"Anonymised copy {copy.number} marked ready for publication")


@require_http_methods(["GET", "POST"])
def redaction_add(request, reference: str):
    lcspr = _manageable(request, reference)
    form = RedactionTermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            redaction_term_add(actor=request.user, lcspr=lcspr, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Added to the list")
            return redirect("lcspr:redaction", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case, "heading": True, "title": "Add a term to replace",
        **back_to("lcspr:redaction", reference, "the anonymised copy")})


@require_POST
def redaction_family_copy(request, reference: str, fmt: str):
    """The family's embargoed copy, made (once for the same content) when asked for (a
    POST), then downloaded from the stored version."""
    lcspr = _manageable(request, reference)
    require(ready_copy(lcspr) is not None and lcspr.planned_publication_on is not None)
    document = family_copy_document(actor=request.user, lcspr=lcspr)
    document.case = lcspr.case
    return stored_version_redirect(document, fmt)
