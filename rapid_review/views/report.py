"""The rapid review report's pages: its Appendix G headings, the assessment against the
criteria, the decision and the learning items. The business unit writes them; the review
group (partner representatives included) reads the report and its history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import rules
from accounts.audit import audit_record, audit_view
from accounts.forms import apply_service_errors, edit_conflict
from accounts.models import AuditEvent
from cases.documents import FORMATS, render_docx, render_pdf

from ..documents.report import decision_record_content, report_content
from ..forms.meetings import partnership_agencies
from ..forms.report import AssessmentForm, DecisionForm, LearningItemForm, SectionForm
from ..models import LearningItem, RapidReview, ReviewReport
from ..report import SECTIONS
from ..selectors.report import decision_meetings, report_page, report_revisions
from ..selectors.signoff import out_for_signature
from ..services import (
    learning_item_add,
    learning_item_remove,
    report_assessment_save,
    report_decision_record,
    report_section_save,
    report_start,
)
from ..services.signoff import REOPENED
from .access import review_to_edit, review_to_read

GUIDANCE = {key: (heading, guidance) for key, heading, guidance in SECTIONS}
PREVIEWS = {"report": (report_content, "rapid-review-report"),
            "decision-record": (decision_record_content, "decision-record")}


def _posted(request):
    """The form's data on a POST, even an empty one (so an empty form shows its errors)."""
    return request.POST if request.method == "POST" else None


def _report_to_edit(request, reference: str) -> ReviewReport:
    review = review_to_edit(request, reference)
    return get_object_or_404(ReviewReport.objects.select_related("review__case__partnership"),
                             review=review)


def _saved(request, what: str, report: ReviewReport) -> None:
    """The success message, saying when the edit voided the version out for signature."""
    voided = getattr(report, "voided_version", None)
    if voided is None:
        messages.success(request, what)
        return
    text = (f"{what}. Version {voided.number}, which was out for signature, is now void with "
            f"its signatures: the partners are asked to sign version {voided.number + 1}")
    if voided.void_reason.endswith(REOPENED):
        text += (". All three partners had signed it, so the plan's step for their "
                 "signatures is open again")
    messages.success(request, text)


def _report_page(request, review: RapidReview, *, error: str = ""):
    page = report_page(review)
    audit_view(actor=request.user, obj=page.report if page else review.case,
               case=review.case)
    return render(request, "rapid_review/report/detail.html", {
        "review": review, "case": review.case, "page": page, "error": error,
        "can_edit": rules.can_edit_rapid_review(request.user, review)},
        status=400 if error else 200)


@require_GET
def report(request, reference: str):
    return _report_page(request, review_to_read(request, reference))


@require_POST
def report_start_view(request, reference: str):
    review = review_to_edit(request, reference)
    try:
        report_start(actor=request.user, review=review)
    except ValidationError as error:
        return _report_page(request, review, error=" ".join(error.messages))
    messages.success(request, "Report started from the record. Check each section")
    return redirect("rapid_review:report", reference=reference)


@require_http_methods(["GET", "POST"])
def report_section(request, reference: str, key: str):
    if key not in GUIDANCE:
        raise Http404
    report = _report_to_edit(request, reference)
    heading, guidance = GUIDANCE[key]
    form = SectionForm(_posted(request), initial={"text": report.sections.get(key, ""),
                                                  "revision": report.revision},
                       heading=heading, guidance=guidance)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = report_section_save(actor=request.user, report=report, key=key,
                                        text=form.cleaned_data["text"],
                                        revision=form.cleaned_data["revision"])
        except ValidationError as error:
            conflict = edit_conflict(form, error)
        else:
            _saved(request, f"{heading} saved", saved)
            return redirect("rapid_review:report", reference=reference)
    return render(request, "rapid_review/report/section.html",
                  {"form": form, "case": report.review.case, "heading": heading,
                   "conflict": conflict, "out_for_signature": out_for_signature(report)})


@require_http_methods(["GET", "POST"])
def report_assessment(request, reference: str):
    report = _report_to_edit(request, reference)
    form = AssessmentForm(_posted(request), initial=AssessmentForm.initial_from(report))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = report_assessment_save(actor=request.user, report=report,
                                           **form.service_values())
        except ValidationError as error:
            conflict = edit_conflict(form, error)
        else:
            _saved(request, "Assessment saved", saved)
            return redirect("rapid_review:report", reference=reference)
    return render(request, "rapid_review/report/assessment.html",
                  {"form": form, "case": report.review.case, "conflict": conflict,
                   "out_for_signature": out_for_signature(report)})


@require_http_methods(["GET", "POST"])
def report_decision(request, reference: str):
    report = _report_to_edit(request, reference)
    meetings = decision_meetings(report.review)
    initial = {"meeting": report.decision_meeting_id, "decision": report.decision,
               "key_lines_of_enquiry": report.key_lines_of_enquiry,
               "no_further_learning_reason": report.no_further_learning_reason,
               "dissemination": report.dissemination, "revision": report.revision}
    form = DecisionForm(_posted(request), initial=initial, meetings=meetings)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = report_decision_record(actor=request.user, report=report,
                                           **form.service_values())
        except ValidationError as error:
            conflict = edit_conflict(form, error)
        else:
            _saved(request, "Decision recorded", saved)
            return redirect("rapid_review:report", reference=reference)
    return render(request, "rapid_review/report/decision.html",
                  {"form": form, "case": report.review.case, "meetings": meetings,
                   "conflict": conflict, "out_for_signature": out_for_signature(report)})


@require_http_methods(["GET", "POST"])
def learning_add(request, reference: str):
    report = _report_to_edit(request, reference)
    form = LearningItemForm(_posted(request),
                            initial={"kind": request.GET.get("kind", "")},
                            agencies=partnership_agencies(report.review.case.partnership))
    if request.method == "POST" and form.is_valid():
        try:
            item = learning_item_add(actor=request.user, report=report, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _saved(request, f"{item.get_kind_display()} added", item.report)
            return redirect("rapid_review:report", reference=reference)
    return render(request, "rapid_review/report/learning_add.html",
                  {"form": form, "case": report.review.case,
                   "out_for_signature": out_for_signature(report)})


@require_http_methods(["GET", "POST"])
def learning_remove(request, reference: str, pk: int):
    report = _report_to_edit(request, reference)
    item = LearningItem.objects.filter(report=report, pk=pk).first()
    if item is None:
        if request.method == "POST":  # removed already: by a double click, or by someone else
            messages.success(request, "That item has already been removed")
            return redirect("rapid_review:report", reference=reference)
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            saved = learning_item_remove(actor=request.user, item=item)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            _saved(request, f"{item.get_kind_display()} removed", saved)
            return redirect("rapid_review:report", reference=reference)
    return render(request, "rapid_review/report/learning_remove.html",
                  {"item": item, "case": report.review.case, "error": error,
                   "out_for_signature": out_for_signature(report)},
                  status=400 if error else 200)


@require_GET
def report_history(request, reference: str):
    review = review_to_read(request, reference)
    report = get_object_or_404(ReviewReport, review=review)
    audit_view(actor=request.user, obj=report, case=review.case)
    return render(request, "rapid_review/report/history.html", {
        "case": review.case, "report": report, "revisions": report_revisions(report)})


@require_GET
def report_preview(request, reference: str, document: str, fmt: str):
    """The report or decision record as it stands, rendered now and not stored: what the
    partners sign is the version the sign-off freezes."""
    review = review_to_read(request, reference)
    if document not in PREVIEWS or fmt not in FORMATS:
        raise Http404
    report = get_object_or_404(ReviewReport.objects.select_related(
        "review__case__partnership", "review__notification", "decision_meeting"),
        review=review)
    build, name = PREVIEWS[document]
    content = build(report)
    data = render_pdf(content) if fmt == "pdf" else render_docx(content)
    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=request.user, obj=report,
                 partnership=review.case.partnership,
                 detail={"case": review.case_id, "preview": document, "format": fmt,
                         "revision": report.revision})
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = \
        f'attachment; filename="{review.case.reference}-{name}-draft.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


_BASE = "cases/<str:reference>/rapid-review/report/"
urlpatterns = [
    path(_BASE, report, name="report"),
    path(f"{_BASE}start/", report_start_view, name="report-start"),
    path(f"{_BASE}sections/<str:key>/", report_section, name="report-section"),
    path(f"{_BASE}assessment/", report_assessment, name="report-assessment"),
    path(f"{_BASE}decision/", report_decision, name="report-decision"),
    path(f"{_BASE}learning/add/", learning_add, name="report-learning-add"),
    path(f"{_BASE}learning/<int:pk>/remove/", learning_remove, name="report-learning-remove"),
    path(f"{_BASE}history/", report_history, name="report-history"),
    path(f"{_BASE}preview/<str:document>.<str:fmt>", report_preview, name="report-preview"),
]
