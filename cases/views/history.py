"""Who changed a case's records and what they were before (issue 15: row history), for
those who may read the audit trail. The database writes the history; this page reads it."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from accounts import rules
from accounts.audit import audit_view
from accounts.record_history import change_shown
from accounts.selectors import record_changes_of_case
from config.pagination import paginate

from ..selectors import cases_visible_to


@require_GET
def case_history(request, reference: str):
    case = get_object_or_404(cases_visible_to(request.user), reference=reference)
    if not rules.can_view_audit_trail(request.user, case.partnership):
        raise Http404
    audit_view(actor=request.user, obj=case)
    page = paginate(request, record_changes_of_case(request.user, case))
    return render(request, "cases/case/history.html", {
        "case": case, "page": page, "changes": [change_shown(c) for c in page]})


urlpatterns = [
    path("<str:reference>/history/", case_history, name="case-history"),
]
