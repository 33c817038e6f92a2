"""Publication: the final report sent, the decision, the publication and the statement."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.forms import apply_service_errors
from accounts.rules import require
from calendars.models import Anchor, Deadline, StepAction
from cases.models import CaseDocument
from cases.views.documents import document_response

from ..forms.report import PublicationDecisionForm, PublicationForm
from ..models import FinalReportDispatch, Publication
from ..report_selectors import lcspr_report_readable
from ..services.approval import approved_version
from ..services.publication import publication_decide, publication_record
from ..services.redaction import ready_copy
from .running import audit_page, back_to


@require_GET
def publication(request, reference: str):
    lcspr = lcspr_report_readable(request.user, reference)
    audit_page(request, lcspr, "publication")
    sent = {d.recipient: d for d in lcspr.final_report_dispatches.all()}
    statement = (CaseDocument.objects.filter(
        case=lcspr.case, kind=CaseDocument.Kind.LCSPR_PUBLICATION_STATEMENT)
        .defer("docx", "pdf").order_by("-version").first())
    return render(request, "lcspr/publication.html", {
        "case": lcspr.case, "lcspr": lcspr, "approved": approved_version(lcspr),
        "dispatches": [(label, sent.get(value)) for value, label
                       in FinalReportDispatch.Recipient.choices],
        "all_sent": len(sent) == len(FinalReportDispatch.Recipient.values),
        "due": Deadline.objects.filter(case=lcspr.case,
                                       anchor_event__kind=Anchor.PLANNED_PUBLICATION,
                                       step__met_by=StepAction.FINAL_REPORT_SENT)
        .select_related("step").first(),
        "publication": Publication.objects.filter(lcspr=lcspr).first(),
        "copy_ready": ready_copy(lcspr) is not None, "statement": statement,
        "can_edit": rules.can_manage_lcspr(request.user, lcspr.case)})


def _manageable(request, reference: str):
    lcspr = lcspr_report_readable(request.user, reference)
    require(rules.can_manage_lcspr(request.user, lcspr.case))
    return lcspr


@require_http_methods(["GET", "POST"])
def publication_decision(request, reference: str):
    lcspr = _manageable(request, reference)
    form = PublicationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decided = publication_decide(actor=request.user, lcspr=lcspr, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Decision recorded" + (
                ". The case has moved to its action plan"
                if decided.decision == Publication.Decision.NOT_PUBLISH else ""))
            return redirect("lcspr:publication", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case, "heading": True, "title": "Publication decision",
        **back_to("lcspr:publication", reference, "publication")})


@require_http_methods(["GET", "POST"])
def publication_published(request, reference: str):
    lcspr = _manageable(request, reference)
    form = PublicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            publication_record(actor=request.user, lcspr=lcspr, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Publication recorded. The case has moved to its action "
                                      "plan")
            return redirect("lcspr:publication", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case, "heading": True, "title": "Record the publication",
        **back_to("lcspr:publication", reference, "publication")})


@require_GET
def publication_statement(request, reference: str, fmt: str):
    lcspr = lcspr_report_readable(request.user, reference)
    document = (CaseDocument.objects.filter(
        case=lcspr.case, kind=CaseDocument.Kind.LCSPR_PUBLICATION_STATEMENT)
        .select_related("case__partnership").order_by("-version").first())
    require(document is not None)
    return document_response(request, document, fmt)
