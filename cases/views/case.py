"""Case list and case page for the business unit, managers and scrutineers."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import rules
from accounts.audit import audit_view
from accounts.saved_filters import PARAM as FILTERS
from accounts.saved_filters import filters_redirect, filters_saved
from calendars.step_pages import business_unit_link
from config.pagination import paginate
from rapid_review.selectors import review_clock

from .. import selectors
from ..forms.case import CaseFilterForm
from ..models import Stage


@require_http_methods(["GET", "POST"])
def case_list(request):
    """The filters are posted and kept in the session (a child's name is searched for
    here): the address holds only their token (accounts/saved_filters.py)."""
    partnership = request.partnership
    if not rules.has_any_role(request.user, partnership, rules.CASE_READERS):
        raise Http404
    if request.method == "POST":
        return filters_redirect(request, scope="case-list", to=reverse("cases:case-list"))
    saved = filters_saved(request, scope="case-list")
    form = CaseFilterForm(saved)
    cases = selectors.case_list(request.user, partnership, form.filters())
    return render(request, "cases/case/list.html", {
        "form": form, "filtered": form.is_bound,
        "filters_ended": saved is None and FILTERS in request.GET,
        "page": paginate(request, cases)})


@require_GET
def case_detail(request, reference: str):
    case = selectors.case_detail(request.user, reference)
    if case is None or not rules.can_view_case(request.user, case):
        raise Http404
    audit_view(actor=request.user, obj=case)
    decisions = list(case.triage_decisions.all())
    recommendations = selectors.triage_recommendations(case, decisions)
    rapid_review = getattr(case, "rapid_review", None)
    notified = getattr(case, "panel_notification", None)
    every_deadline = selectors.case_deadlines(case)
    deadlines = selectors.next_deadlines(every_deadline)
    can_act = rules.can_triage(request.user, case)
    next_step = deadlines[0] if deadlines else None
    return render(request, "cases/case/detail.html", {
        "case": case,
        "referral": getattr(case, "referral", None),
        "incident": getattr(case, "incident", None),
        "decisions": [(d, recommendations.get(d.pk)) for d in decisions],
        "awaiting": next((d for d in decisions if d.awaiting_executive), None),
        "deadlines": deadlines,
        "next_step": next_step,
        "next_step_href": business_unit_link(next_step) if next_step and can_act else None,
        "before_triage": case.stage in (Stage.REFERRED, Stage.MORE_INFORMATION, Stage.TRIAGE),
        "timeline": selectors.case_timeline(case, every_deadline),
        "can_act": can_act,
        "can_take_to_triage": case.stage in (Stage.REFERRED, Stage.MORE_INFORMATION),
        "in_triage": case.stage == Stage.TRIAGE,
        "today": timezone.localdate(),
        "rapid_review": rapid_review,
        "review_clock": review_clock(rapid_review) if rapid_review else None,
        "notification": notified,
        "not_notifying": getattr(case, "decision_not_to_notify", None),
        "can_record_notification": rules.can_record_notification(request.user, case)
        and (rapid_review is None or not rapid_review.stopped_on),
        "can_send_letters": rules.can_send_letters(request.user, case)
        and (rapid_review is None or not rapid_review.stopped_on),
        "looked_after_death": case.looked_after_died,
        "looked_after_notice": getattr(case, "looked_after_death_notice", None),
        "can_record_looked_after": rules.can_record_looked_after_notices(request.user, case),
        "can_manage_lcspr": rules.can_manage_lcspr(request.user, case),
        "review": getattr(case, "lcspr", None),
        "retention": getattr(case, "retention", None),
        "can_decide_retention": rules.can_decide_retention(request.user, case),
        "can_view_history": rules.can_view_audit_trail(request.user, case.partnership),
    })


urlpatterns = [
    path("", case_list, name="case-list"),
    # Last: a reference would otherwise swallow the fixed paths above and in triage.py.
    path("<str:reference>/", case_detail, name="case-detail"),
]
