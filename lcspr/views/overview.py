"""The review's page (a task list of its commissioning, its target and dates), and
commissioning one by hand; the same page, in its own words, for a learning review or a
single-agency review, which has no reviewer's letter, publication or final report."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.audit import audit_view
from accounts.forms import apply_service_errors
from accounts.rules import require
from calendars.models import Anchor, Deadline, StepAction

from ..forms.commissioning import CommissionForm
from ..models import Lcspr
from ..selectors import lcspr_for
from ..services import lcspr_open
from ..services.commissioning import (
    KIND_FOR_STAGE,
    decided_by_default,
    rapid_review_key_lines,
)
from ..services.learning import needs_leading_agency, reviewer_optional
from ..services.subgroup import partners_missing
from ..services.target import target_deadline
from .report import report_tasks
from .running import running_tasks


def _tasks(lcspr, terms, can_edit: bool, can_appoint: bool, reference: str) -> list[dict]:
    """The commissioning task list: each part's status, and where it is done. A learning
    review starts with its method; only an LCSPR sends the reviewer's name to the Panel."""
    def url(name):
        return reverse(f"lcspr:{name}", args=[reference])
    reviewer = getattr(lcspr, "reviewer", None)
    missing = partners_missing(lcspr)
    members = list(lcspr.members.all())
    agreed = terms is not None and any(a.version == terms.version
                                       for a in terms.agreements.all())
    tasks = [
        {"name": "Review sub-group", "url": url("sub-group") if can_edit else "",
         "status": "Completed" if not missing else ("In progress" if members
                                                      else "Not started")},
        {"name": "Reviewer", "url": url("reviewer") if can_appoint else "",
         "status": "Completed" if reviewer else
         "Optional" if not lcspr.is_lcspr and reviewer_optional(lcspr) else "Not started"},
    ]
    if lcspr.is_lcspr:
        sent = {d.recipient for d in lcspr.dispatches.all()}
        tasks.append({"name": "Reviewer's name to the Panel, Ofsted and DfE",
                      "url": url("reviewer-letter") if can_edit and reviewer else "",
                      "status": "Completed" if len(sent) == 3 else (
                          "In progress" if sent else "Cannot start yet" if not reviewer
                          else "Not started")})
    else:
        tasks.insert(0, {"name": "Method" + (" and leading agency"
                                             if needs_leading_agency(lcspr) else ""),
                         "url": url("method") if can_edit else "",
                         "status": "Completed" if lcspr.method else "Not started"})
    tasks.append({"name": "Terms of reference", "url": url("terms"),
                  "status": "Completed" if agreed else ("In progress" if terms
                                                        else "Not started")})
    return tasks


def _kind(case, lcspr) -> Lcspr:
    """The review, or (not yet opened) an unsaved one of the kind the case's stage is for,
    so the page can name it."""
    return lcspr or Lcspr(case=case, kind=KIND_FOR_STAGE.get(case.stage, Lcspr.Kind.LCSPR))


@require_GET
def overview(request, reference: str):
    case, lcspr = lcspr_for(request.user, reference)
    audit_view(actor=request.user, obj=case)
    review = _kind(case, lcspr)
    can_edit = rules.can_manage_lcspr(request.user, case)
    terms = getattr(lcspr, "terms", None) if lcspr else None
    target = target_deadline(review)
    running = lcspr is not None and lcspr.decided_on is not None
    return render(request, "lcspr/overview.html", {
        "case": case, "lcspr": lcspr, "review": review, "today": timezone.localdate(),
        "decided": case.anchor_events.filter(kind=review.decision_anchor).first(),
        "target": target,
        "running": running_tasks(lcspr, target, timezone.localdate()) if running else [],
        "final_report_due": Deadline.objects.filter(
            case=case, anchor_event__kind=Anchor.PLANNED_PUBLICATION,
            step__met_by=StepAction.FINAL_REPORT_SENT).select_related("step").first()
        if review.is_lcspr else None,
        "report_tasks": report_tasks(lcspr, request.user) if running else [],
        "can_edit": can_edit,
        "can_view_case": rules.can_view_case(request.user, case),
        "tasks": _tasks(lcspr, terms, can_edit,
                        rules.can_appoint_lcspr_reviewer(request.user, case), reference)
        if lcspr and lcspr.decided_on else [],
    })


@require_http_methods(["GET", "POST"])
def commission(request, reference: str):
    case, lcspr = lcspr_for(request.user, reference)
    require(rules.can_manage_lcspr(request.user, case)
            and (lcspr is None or lcspr.decided_on is None))
    review = _kind(case, lcspr)
    form = CommissionForm(request.POST or None, name=review.short_name, initial={
        "decided_by": decided_by_default(case.partnership),
        "key_lines_of_enquiry": rapid_review_key_lines(case)})
    if request.method == "POST" and form.is_valid():
        try:
            lcspr_open(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "LCSPR commissioned. Its 6 month target counts from the "
                                      "decision" if review.is_lcspr else
                                      f"{review.title} started. Its target counts from the "
                                      f"decision")
            return redirect("lcspr:overview", reference=reference)
    return render(request, "lcspr/form.html", {
        "form": form, "case": case, "heading": True,
        "title": f"Commission the {review.short_name}" if review.is_lcspr
        else f"Start the {review.short_name}"})
