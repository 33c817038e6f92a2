"""Each role's home page: its work queue, every item one click from where it is done."""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import rules
from accounts.audit import audit_record
from accounts.models import AuditEvent, Role
from accounts.rules import require
from accounts.selectors import audit_events_visible_to
from config.pagination import paginate

from . import selectors
from .audit import describe, people_in
from .cache import cached_page
from .forms import AuditFilterForm


@require_GET
def home(request):
    """One page, with the queues of each role the user holds in the current partnership,
    from the page cache (``dashboards.cache``; the page shows no child's data and is not
    audited as read, docs/decisions/0018-read-audit.md)."""
    return render(request, "dashboards/home.html",
                  cached_page("home", request, lambda: _home_page(request)))


def _home_page(request) -> dict:
    user, partnership = request.user, request.partnership
    roles = rules.roles_in(user, partnership)
    queues = {}
    if roles & rules.BUSINESS_UNIT:
        queues.update(next_steps=selectors.next_steps(user, partnership),
                      referrals=selectors.referrals_waiting(user, partnership),
                      chase=selectors.returns_to_chase(user, partnership),
                      disagreements=selectors.disagreements_to_resolve(user, partnership),
                      evidence=selectors.evidence_waiting(user, partnership))
    if Role.PARTNER_REPRESENTATIVE in roles:
        queues.update(signatures=selectors.signatures_waiting(user, partnership),
                      terms=selectors.terms_waiting(user, partnership))
    if Role.AGENCY_USER in roles:
        queues.update(requests=selectors.requests_waiting(user, partnership),
                      actions=selectors.actions_to_update(user, partnership),
                      questions=selectors.questions_waiting(user, partnership),
                      drafts=selectors.drafts(user, partnership))
    if roles & {Role.MANAGER, Role.SCRUTINEER}:
        queues.update(overdue=selectors.overdue(user, partnership))
    if Role.REVIEWER in roles:
        queues.update(reviews=selectors.reviews_appointed(user, partnership))
    if roles & rules.RECORDS_MANAGERS:
        queues.update(records=selectors.records_to_review(user, partnership))
    if roles - rules.BUSINESS_UNIT - {Role.MANAGER, Role.SCRUTINEER, Role.ADMINISTRATOR}:
        queues.update(mine=selectors.my_deadlines_queue(user, partnership))
    return {"body": render_to_string("dashboards/_home_body.html", {
        "roles": roles, "Role": Role, "queues": queues, "today": timezone.localdate(),
        "is_business_unit": bool(roles & rules.BUSINESS_UNIT),
        "manages_records": bool(roles & rules.RECORDS_MANAGERS),
        "my_agencies": [m.agency for m in rules.memberships_of(user)
                        if m.role == Role.AGENCY_USER and m.partnership == partnership],
        "my_partners": [m.get_statutory_partner_display() for m in rules.memberships_of(user)
                        if m.role == Role.PARTNER_REPRESENTATIVE
                        and m.partnership == partnership],
    }, request)}


@require_GET
def audit_trail(request):
    """The partnership's audit trail, filtered; the CSV export has what the filters select."""
    user, partnership = request.user, request.partnership
    require(rules.can_view_audit_trail(user, partnership))
    everything = audit_events_visible_to(user, partnership)
    params = request.GET.copy()
    params.pop("page", None)
    export = params.pop("format", [""])[0] == "csv"
    form = AuditFilterForm(params or None, people=people_in(everything))
    filters = form.filters()
    events = filters.apply(everything)
    if export:
        return _csv(request, events, filters)
    page = paginate(request, events)
    return render(request, "dashboards/audit_trail.html", {
        "form": form, "filtered": form.is_bound, "page": page,
        "lines": describe(list(page.object_list)), "query": params.urlencode()})


def _csv(request, events, filters) -> StreamingHttpResponse:
    """Every selected event, streamed a thousand at a time; the export is itself audited."""
    count = events.count()
    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=request.user,
                 partnership=request.partnership,
                 detail={"export": "audit_trail", "rows": count, "case": filters.case or None,
                         "person": filters.person, "action": filters.action or None})
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["When (UTC)", "Who", "What", "Address", "Request"])
        for start in range(0, count, 1000):
            chunk = list(events[start:start + 1000])
            for line in describe(chunk):
                yield writer.writerow([line.event.occurred_at.isoformat(), line.who, line.what,
                                       line.event.ip_address or "", line.event.request_id])

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    response["Cache-Control"] = "no-store"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value
