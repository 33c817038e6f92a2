"""The overdue dashboard (issue 14): the managers' and business unit's page of what is late,
with its chase-all for late returns, and the agency's page of its own late work.

Thin: the form validates, ``dashboards.overdue`` reads, ``rapid_review``'s chasing chases.
Each page is audited as viewed (it lists cases' deadlines), with the filters it was asked
for."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.audit import audit_record
from accounts.models import AuditEvent, Role
from accounts.rules import require
from config.pagination import paginate
from rapid_review.services import returns_chase

from . import overdue
from .cache import cached_page
from .forms_overdue import ChaseForm, OverdueFilterForm


def _audit(request, page: str, **detail) -> None:
    audit_record(action=AuditEvent.Action.VIEW, actor=request.user,
                 partnership=request.partnership,
                 detail={"page": page, **{k: v for k, v in detail.items() if v}})


@require_http_methods(["GET", "POST"])
def overdue_dashboard(request):
    """Everything late or due in the next 5 working days, in the partnerships the user
    oversees; POST chases the late returns shown. The page's lists come from the page cache
    (``dashboards.cache``); the read is audited every time."""
    user = request.user
    require(overdue.can_view_overdue(user))
    if request.method == "POST":
        return _chase(request)
    page = cached_page("overdue", request, lambda: _overdue_page(request))
    _audit(request, "overdue_dashboard", **page["audit"])
    return render(request, "dashboards/overdue.html", {
        **page, "form": {"errors": page["errors"]},  # base.html's title: "Error: ..."
        # Per request, never stored: the CSRF token and the chase's own token.
        "chase": ChaseForm(initial={"agency": page["chase_agency"]}, prefix="chase"),
    })


def _overdue_page(request) -> dict:
    """The dashboard's counts and lists as HTML, with what the view needs around them."""
    user = request.user
    partnerships = overdue.partnerships_overseen(user)
    params = request.GET.copy()
    params.pop("page", None)
    form = OverdueFilterForm(params or None, agencies=overdue.agencies_for_filter(user),
                             partnerships=partnerships)
    filters = form.filters()
    dashboard = overdue.overdue_dashboard(user, filters)
    page = paginate(request, dashboard.deadlines, per_page=overdue.PAGE_SIZE)
    chase_in = [p for p in partnerships if rules.can_chase_returns(user, p)
                and (filters.partnership in (None, p.pk))]
    context = {
        "form": form, "filtered": form.is_bound, "page": page,
        "groups": overdue.grouped(dashboard, list(page.object_list)),
        "counts": dashboard.counts, "today": dashboard.today, "group_by": dashboard.group_by,
        "by_holder": dashboard.group_by == overdue.GroupBy.HOLDER,
        "several_partnerships": len(partnerships) > 1,
    }
    return {
        "top": render_to_string("dashboards/_overdue_counts.html", context, request),
        "lists": render_to_string("dashboards/_overdue_lists.html", context, request),
        "errors": bool(form.errors),
        "can_chase": bool(chase_in) and dashboard.counts.agencies_late > 0,
        "chase_agency": filters.agency,
        "audit": {"stage": filters.stage, "agency": filters.agency, "owner": filters.owner,
                  "partnership": filters.partnership,
                  "due_from": filters.due_from and filters.due_from.isoformat(),
                  "due_to": filters.due_to and filters.due_to.isoformat()},
    }


def _chase(request):
    """Chase the late returns in each partnership the user may chase in (one agency's, when
    the dashboard was filtered to it); say what was done."""
    user = request.user
    form = ChaseForm(request.POST, prefix="chase")
    if not form.is_valid():
        messages.error(request, "The page had expired. Chase the returns again")
        return redirect(request.get_full_path())
    chasers = [p for p in overdue.partnerships_overseen(user)
               if rules.can_chase_returns(user, p)]
    require(bool(chasers))
    results = [returns_chase(actor=user, partnership=p, agency_id=form.cleaned_data["agency"],
                             form_token=form.cleaned_data["form_token"]) for p in chasers]
    chased = sum(r.chased for r in results)
    earlier = sum(r.earlier for r in results)
    if all(r.repeated for r in results):
        messages.info(request, "These returns were already chased. Nobody is chased twice")
    elif chased:
        messages.success(request, f"Chasing {_returns(chased)}: the agencies are being "
                                  "emailed now"
                         + (f". {_returns(earlier)} had already been chased today"
                            if earlier else ""))
    elif earlier:
        messages.info(request, f"Nothing more to chase: {_returns(earlier)} had already been "
                               "chased today. Agencies are chased once a day")
    else:
        messages.info(request, "Nothing to chase: no returns are late")
    return redirect(request.get_full_path())


def _returns(count: int) -> str:
    return f"{count:,} late return{'' if count == 1 else 's'}"


@require_GET
def agency_overdue(request):
    """An agency's own late returns and actions, in every partnership where the user acts
    for it; nothing of any other agency. From the page cache; audited every time."""
    user = request.user
    require(bool(overdue.agency_pairs(user)))
    page = cached_page("overdue_agency", request, lambda: _agency_page(request))
    _audit(request, "agency_overdue")
    return render(request, "dashboards/overdue_agency.html", page)


def _agency_page(request) -> dict:
    user = request.user
    view = overdue.agency_overdue(user)
    parts = [
        {"id": "late-returns", "title": "Late returns", "rows": view.returns,
         "more": view.returns_total - len(view.returns),
         "empty": "Your agency has no late returns."},
        {"id": "late-actions", "title": "Late action plan actions", "rows": view.actions,
         "more": view.actions_total - len(view.actions),
         "empty": "Your agency has no late action plan actions."},
    ]
    context = {"parts": parts, "agencies": sorted({
        m.agency.name for m in rules.memberships_of(user)
        if m.role == Role.AGENCY_USER and m.agency_id})}
    return {"body": render_to_string("dashboards/_overdue_agency_body.html", context, request)}
