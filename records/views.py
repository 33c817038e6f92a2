"""Records management's pages: the retention rules, the records due for review, a case's
retention decisions, and subject access. Thin: rules decide, services change, selectors
read."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import rules
from accounts.audit import audit_record
from accounts.forms import apply_service_errors
from accounts.models import AuditEvent
from accounts.read_audit import searched
from accounts.rules import require
from config.pagination import paginate

from . import selectors, services, subject_access
from .forms import RetentionDecisionForm, RetentionRulesForm, SubjectSearchForm
from .models import DEFAULT_YEARS, RecordType, RetentionDecision

HOLDS_SHOWN = 20
SPOOL_BYTES = 20 * 1024 * 1024  # a larger export waits on disk, not in memory


@require_http_methods(["GET", "POST"])
def retention_rules(request):
    user, partnership = request.user, request.partnership
    require(rules.can_manage_records(user, partnership))
    form = RetentionRulesForm(request.POST or None,
                              initial=selectors.retention_periods(partnership))
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.retention_rules_save(actor=user, partnership=partnership,
                                                    years=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Retention rules saved" if changed
                             else "Nothing changed")
            return redirect("records:review")
    return render(request, "records/retention_rules.html", {"form": form})


@require_GET
def review(request):
    """The cases due for review (paginated), the legal holds, and the audit trail's age."""
    user, partnership = request.user, request.partnership
    require(rules.can_manage_records(user, partnership))
    page = paginate(request, selectors.records_due_for_review(user, partnership))
    holds = selectors.legal_holds(user, partnership)
    held = list(holds[:HOLDS_SHOWN + 1])
    periods = selectors.retention_periods(partnership)
    oldest = selectors.oldest_audit_event(partnership)
    trail_cutoff = selectors.years_before(timezone.localdate(), periods[RecordType.AUDIT_TRAIL])
    return render(request, "records/review.html", {
        "page": page,
        "holds": held[:HOLDS_SHOWN], "holds_total": holds.count() if len(held) > HOLDS_SHOWN
        else len(held),
        "rules": [(kind.label, periods[kind], periods[kind] == DEFAULT_YEARS[kind])
                  for kind in RecordType],
        "oldest_event": oldest, "trail_years": periods[RecordType.AUDIT_TRAIL],
        "trail_past": oldest is not None and oldest.date() < trail_cutoff,
        "trail_cutoff": trail_cutoff,
        "can_export": rules.can_export_subject_access(user, partnership),
    })


def _choices(retention) -> list[str]:
    kinds = RetentionDecision.Kind
    if retention is not None and retention.legal_hold:
        return [kinds.RELEASE]
    choices = [kinds.KEEP, kinds.HOLD]
    if retention is not None and retention.flagged_on:
        choices.append(kinds.REVIEWED)
    return choices


DECIDE = {
    RetentionDecision.Kind.KEEP: services.retention_keep,
    RetentionDecision.Kind.HOLD: services.legal_hold_place,
    RetentionDecision.Kind.RELEASE: services.legal_hold_release,
    RetentionDecision.Kind.REVIEWED: services.retention_mark_reviewed,
}


@require_http_methods(["GET", "POST"])
def case_retention(request, reference: str):
    """Keep a case longer, place or release a legal hold, or mark it reviewed, with a
    reason; and what was decided before."""
    case = selectors.case_for_retention(request.user, request.partnership, reference)
    if case is None:
        raise Http404
    retention = selectors.retention_of(case)
    form = RetentionDecisionForm(request.POST or None, choices=_choices(retention))
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["decision"]
        extra = {"years": form.cleaned_data["years"]} if kind == RetentionDecision.Kind.KEEP \
            else {}
        try:
            decision = DECIDE[kind](actor=request.user, case=case,
                                    reason=form.cleaned_data["reason"], **extra)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{decision.get_kind_display()}: case {case.reference}")
            return redirect("records:review")
    return render(request, "records/case_retention.html", {
        "case": case, "retention": retention, "form": form,
        "rule": selectors.rule_for(case),
        "decisions": case.retention_decisions.select_related("decided_by")[:20],
        "can_view_case": rules.can_view_case(request.user, case),
    })


@require_http_methods(["GET", "POST"])
def subject_access_search(request):
    """The search is posted and its results shown in the answer: the name is in no URL."""
    require(rules.can_export_subject_access(request.user, request.partnership))
    return _search_page(request)


def _search_page(request, *, selection_error: str = ""):
    user, partnership = request.user, request.partnership
    form = SubjectSearchForm(request.POST or None)
    matches = None
    if request.method == "POST" and form.is_valid():
        matches = subject_access.subject_search(user, partnership, **form.cleaned_data)
        _audit_search(request, len(matches))
    return render(request, "records/subject_access.html", {
        "form": form, "matches": matches, "max_matches": subject_access.MAX_MATCHES,
        "selection_error": selection_error})


def _audit_search(request, found: int) -> None:
    """A search for a person is a read of whoever it finds: audited, the words as a keyed
    digest (accounts/read_audit.py), never the name."""
    posted = request.POST.copy()
    for key in ("csrfmiddlewaretoken", "subject"):
        posted.pop(key, None)
    audit_record(action=AuditEvent.Action.VIEW, actor=request.user,
                 partnership=request.partnership,
                 detail={"page": "records:subject-access", "searched": searched(posted),
                         "found": found})


@require_POST
def subject_access_export(request):
    """One ZIP of everything linked to the records chosen; made for this answer, stored
    nowhere, audited."""
    user, partnership = request.user, request.partnership
    require(rules.can_export_subject_access(user, partnership))
    keys = request.POST.getlist("subject")
    if not keys:  # the search, posted again with the choice, is shown again
        return _search_page(request, selection_error="Select the records that are the "
                                                     "person's")
    subjects = subject_access.subjects_chosen(user, partnership, keys)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it)
    subject_access.subject_access_export(actor=user, partnership=partnership,
                                         subjects=subjects, out=out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, content_type="application/zip",
                        filename=f"subject-access-{timezone.localdate():%Y-%m-%d}.zip")
