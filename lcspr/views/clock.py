"""The LCSPR's dates: the planned publication and the final report sent."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import rules
from accounts.forms import apply_service_errors
from accounts.rules import require
from cases.models import Case
from cases.selectors import cases_visible_to

from ..forms.clock import FinalReportSentForm, PublicationPlanForm
from ..models import FinalReportDispatch, Lcspr
from ..services import lcspr_final_report_sent, lcspr_publication_plan


def _case_or_404(request, reference: str) -> Case:
    case = get_object_or_404(cases_visible_to(request.user).select_related("partnership"),
                             reference=reference)
    # A learning review has no publication or final report to the Panel.
    require(case.stage == "lcspr" and not Lcspr.objects.filter(case=case).exclude(
        kind=Lcspr.Kind.LCSPR).exists())
    return case


@require_http_methods(["GET", "POST"])
def publication_plan(request, reference: str):
    case = _case_or_404(request, reference)
    require(rules.can_manage_lcspr(request.user, case))
    lcspr = Lcspr.objects.filter(case=case).first()
    form = PublicationPlanForm(request.POST or None, initial={
        "planned_on": lcspr.planned_publication_on if lcspr else None})
    if request.method == "POST" and form.is_valid():
        try:
            lcspr_publication_plan(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Publication date saved. The final report's deadline "
                                      "counts back from it")
            return redirect("lcspr:overview", reference=reference)
    return render(request, "lcspr/form.html", {"form": form, "case": case,
                                               "title": "Planned publication date"})


@require_http_methods(["GET", "POST"])
def final_report_sent(request, reference: str):
    case = _case_or_404(request, reference)
    require(rules.can_manage_lcspr(request.user, case))
    lcspr = Lcspr.objects.filter(case=case).first()
    sent = frozenset(lcspr.final_report_dispatches.values_list("recipient", flat=True)) \
        if lcspr else frozenset()
    form = FinalReportSentForm(request.POST or None, sent=sent,
                               initial={"recipients": [r for r in FinalReportDispatch.Recipient
                                                       .values if r not in sent],
                                        "method": FinalReportDispatch.Method.EMAIL})
    if request.method == "POST" and form.is_valid():
        try:
            lcspr_final_report_sent(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Final report recorded as sent")
            return redirect("lcspr:publication", reference=reference)
    return render(request, "lcspr/form.html", {"form": form, "case": case,
                                               "title": "Final report sent"})
