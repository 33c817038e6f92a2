"""The overview report: its draft (sections, recommendations, the reviewer's uploaded
draft), freezing a version, and the version's documents; and its approval through the
partnership's chain, stage by stage."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import rules
from accounts.forms import apply_service_errors, edit_conflict
from accounts.models import StatutoryPartner
from accounts.rules import require
from cases.services import EditConflict

from ..forms.report import (
    MeetingDecisionForm,
    PartnerDecisionForm,
    RecommendationForm,
    SectionForm,
    UploadForm,
)
from ..models import SECTION_LABELS, Recommendation, ReportUpload, StageKind
from ..report_documents import chain_summary
from ..report_selectors import lcspr_report_readable, lcspr_report_writable, report_state
from ..services.approval import approval_record, approval_send_back, approval_sign
from ..services.chain import approval_chain
from ..services.report import (
    recommendation_add,
    recommendation_remove,
    report_freeze,
    report_section_save,
    report_upload_add,
    version_documents_generate,
)
from .running import audit_page, back_to


def _report_page(request, lcspr, *, error: str = "", status: int = 200):
    state = report_state(lcspr)
    audit_page(request, lcspr, "report")
    return render(request, "lcspr/report.html", {
        "case": lcspr.case, "lcspr": lcspr, "state": state, "error": error,
        "chain": chain_summary(approval_chain(lcspr.case.partnership_id, lcspr.kind)),
        "can_write": rules.can_write_lcspr_report(request.user, lcspr),
        "can_view_case": rules.can_view_case(request.user, lcspr.case)}, status=status)


@require_GET
def report(request, reference: str):
    return _report_page(request, lcspr_report_readable(request.user, reference))


@require_http_methods(["GET", "POST"])
def report_section(request, reference: str, key: str):
    lcspr = lcspr_report_writable(request.user, reference)
    if key not in SECTION_LABELS:
        raise Http404
    state = report_state(lcspr)
    revision = state.report.revision if state.report else 0
    text = (state.report.sections.get(key, "") if state.report else "") or \
        (lcspr.key_lines_of_enquiry if key == "questions" else "")
    form = SectionForm(request.POST or None, label=SECTION_LABELS[key],
                       initial={"text": text, "revision": revision})
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            voided = report_section_save(actor=request.user, lcspr=lcspr, key=key,
                                         text=form.cleaned_data["text"],
                                         revision=form.cleaned_data["revision"])
        except EditConflict as error:
            conflict = edit_conflict(form, error, field="revision")
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{SECTION_LABELS[key]} saved" + (
                f". Version {voided.number} is void: freeze a new version for approval"
                if voided else ""))
            return redirect("lcspr:report", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case, "conflict": conflict, "title": SECTION_LABELS[key],
        **back_to("lcspr:report", reference, "the report")})


@require_http_methods(["GET", "POST"])
def report_recommendation_add(request, reference: str):
    lcspr = lcspr_report_writable(request.user, reference)
    form = RecommendationForm(request.POST or None, partnership=lcspr.case.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            recommendation_add(actor=request.user, lcspr=lcspr, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Recommendation added")
            return redirect("lcspr:report", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case, "heading": True, "title": "Add a recommendation",
        **back_to("lcspr:report", reference, "the report")})


@require_POST
def report_recommendation_remove(request, reference: str, pk: int):
    lcspr = lcspr_report_writable(request.user, reference)
    recommendation = get_object_or_404(Recommendation, pk=pk, lcspr=lcspr)
    try:
        recommendation_remove(actor=request.user, recommendation=recommendation)
    except ValidationError as refused:
        return _report_page(request, lcspr, error=" ".join(refused.messages), status=400)
    messages.success(request, "Recommendation removed")
    return redirect("lcspr:report", reference=reference)


@require_http_methods(["GET", "POST"])
def report_upload(request, reference: str):
    lcspr = lcspr_report_writable(request.user, reference)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report_upload_add(actor=request.user, lcspr=lcspr, filename=upload.name,
                              data=upload.read())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{upload.name} uploaded as the draft")
            return redirect("lcspr:report", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": lcspr.case, "title": "Upload the reviewer's draft",
        **back_to("lcspr:report", reference, "the report")})


@require_GET
def report_upload_download(request, reference: str, pk: int):
    lcspr = lcspr_report_readable(request.user, reference)
    upload = get_object_or_404(ReportUpload, pk=pk, lcspr=lcspr)
    from accounts.audit import audit_record
    from accounts.models import AuditEvent

    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=request.user, obj=upload,
                 partnership=lcspr.case.partnership, detail={"case": lcspr.case_id})
    response = HttpResponse(bytes(upload.data), content_type=upload.content_type)
    response["Content-Disposition"] = f'attachment; filename="{upload.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def report_freeze_page(request, reference: str):
    lcspr = lcspr_report_writable(request.user, reference)
    try:
        version = report_freeze(actor=request.user, lcspr=lcspr)
    except ValidationError as refused:
        return _report_page(request, lcspr, error=" ".join(refused.messages), status=400)
    messages.success(request, f"Version {version.number} frozen and sent for approval")
    return redirect("lcspr:approval", reference=reference)


@require_POST
def report_documents(request, reference: str):
    """Make the live version's documents that are missing or whose PDF failed."""
    lcspr = lcspr_report_writable(request.user, reference)
    state = report_state(lcspr)
    if state.version is None:
        raise Http404
    version_documents_generate(actor=request.user, version=state.version)
    messages.success(request, f"The documents of version {state.version.number} are made")
    return redirect("lcspr:approval", reference=reference)


# Approval ----------------------------------------------------------------------------------
@require_GET
def approval(request, reference: str):
    lcspr = lcspr_report_readable(request.user, reference)
    state = report_state(lcspr)
    partner = rules.partner_represented_by(request.user, lcspr.case.partnership)
    audit_page(request, lcspr, "approval")
    decidable = []
    for stage in state.stages:
        if not stage.is_next or state.version.voided_at:
            continue
        if stage.kind == StageKind.PARTNERS:
            if rules.can_endorse_lcspr_report(request.user, lcspr) and \
                    stage.signature_for(partner) is None:
                decidable.append(stage.position)
        elif rules.can_manage_lcspr(request.user, lcspr.case):
            decidable.append(stage.position)
    return render(request, "lcspr/approval.html", {
        "case": lcspr.case, "lcspr": lcspr, "state": state, "decidable": decidable,
        "partner_label": StatutoryPartner(partner).label if partner else "",
        "can_write": rules.can_write_lcspr_report(request.user, lcspr),
        "can_manage": rules.can_manage_lcspr(request.user, lcspr.case)})


@require_http_methods(["GET", "POST"])
def approval_stage(request, reference: str, stage: int):
    """The decision of one stage on the live version: a group's (recorded by the business
    unit) or a partner's (their representative's own)."""
    lcspr = lcspr_report_readable(request.user, reference)
    state = report_state(lcspr)
    version = state.version
    require(version is not None and 1 <= stage <= len(state.stages))
    spec = state.stages[stage - 1]
    partners = spec.kind == StageKind.PARTNERS
    require(rules.can_endorse_lcspr_report(request.user, lcspr) if partners
            else rules.can_manage_lcspr(request.user, lcspr.case))
    initial = {"content_sha256": version.content_sha256}
    form = (PartnerDecisionForm(request.POST or None, initial=initial) if partners else
            MeetingDecisionForm(request.POST or None, initial=initial,
                                information=spec.kind == StageKind.INFORMATION))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        outcome, comment = data.pop("outcome"), data.pop("comment")
        try:
            if outcome == "sent_back":
                data.pop("signer_role", None)
                approval_send_back(actor=request.user, version=version, stage=stage,
                                   comment=comment, **data)
            elif partners:
                approval_sign(actor=request.user, version=version, stage=stage,
                              partner=request.POST.get("partner") or None, **data)
            else:
                approval_record(actor=request.user, version=version, stage=stage, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{spec.name}: decision on version {version.number} "
                                      f"recorded")
            return redirect("lcspr:approval", reference=reference)
    return render(request, "lcspr/approval_stage.html", {
        "form": form, "case": lcspr.case, "version": version, "stage": spec,
        "back_url": reverse("lcspr:approval", args=[reference])})


def report_tasks(lcspr, user) -> list[dict]:
    """The report's part of the overview's task list: the report, its approval, the
    anonymised copy and publication, each with its status (a tag) and its page."""
    from ..report_selectors import report_progress

    def url(name):
        return reverse(f"lcspr:{name}", args=[lcspr.case.reference])
    has = report_progress(lcspr)
    not_yet = ("Cannot start yet", "")
    statuses = [
        ("Overview report", "report",
         ("Completed", "") if has["approved"] else
         ("In progress", "light-blue") if has["report"] else ("Not yet started", "blue")),
        ("Approval", "approval",
         ("Completed", "") if has["approved"] else
         ("In progress", "light-blue") if has["version"] else not_yet),
        ("Anonymised copy for publication", "redaction",
         ("Completed", "") if has["copy_ready"] else
         ("In progress", "light-blue") if has["terms"] else
         ("Not yet started", "blue") if has["approved"] else not_yet),
        ("Publication", "publication",
         ("Completed", "") if has["published"] else
         ("In progress", "light-blue") if has["dispatched"] or has["decided"]
         else ("Not yet started", "blue") if has["approved"] else not_yet),
    ]
    readable = {"report": True, "approval": True, "publication": True,
                "redaction": rules.can_view_case(user, lcspr.case)}
    return [{"name": name, "url": url(page) if readable[page] else "", "status": status,
             "tag": tag} for name, page, (status, tag) in statuses]
