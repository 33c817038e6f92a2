"""Every read of a child's record audited, and every refusal: one mechanism for every page.

After a signed-in person's GET of a page answers 200, one "viewed" event is written, unless
the view wrote its own (a view or download naming a more precise record: a return, a
document) or the page is one of ``NO_CHILD_DATA``. The record the page concerns is found
from its URL's arguments: the apps say how (``case_finder_register``, from their
``ready()``), so this ground floor knows no model above it. A page whose URL names no record
is a list (the case list, the inbox): its event names the page and what it was searched or
filtered by.

A signed-in person's 404 on a named URL, whatever the method, is a "refused" event: the
path and, when the URL names a record that exists, that record, in that record's
partnership's trail (its people are the ones to know who probed it). A record that does not
exist is recorded the same way: probing for ids looks the same either way. Paths that match
no URL at all (a browser asking for /favicon.ico) are not recorded.

The middleware (``ReadAuditMiddleware``) calls ``request_audit`` once the view has answered,
inside the request context, so the events carry the server's request id and the client's
address. If the event cannot be written the request fails: no page without its audit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import ResolverMatch
from django.utils.crypto import salted_hmac

from .audit import audit_record, audit_record_of
from .models import AuditEvent

# Given a URL's arguments, the record its page concerns (unscoped: the view has already
# decided whether the person may see it): a queryset of at most one row that has a
# ``partnership_id``.
Finder = Callable[[dict], QuerySet]

# Pages that show no child's data, reviewed one by one; every other page is audited.
NO_CHILD_DATA = frozenset({
    # The home page's work queues name cases by reference, step and date only, never a
    # child's details; every signed-in person lands on it (sign-in is audited).
    "dashboards:home",
    # The trail itself (its CSV export is audited as a download), and figures, which are
    # counts (the page audits its own view).
    "dashboards:audit-trail", "dashboards:figures",
    # The partnership's directory and administration: people and agencies, no case.
    "accounts:choose-partnership", "accounts:partnership-detail", "accounts:agency-list",
    "accounts:agency-detail", "accounts:people", "accounts:administration",
    "accounts:partnership-settings", "accounts:agency-add", "accounts:agency-edit",
    "accounts:agency-share", "accounts:person-add", "accounts:person", "accounts:role-give",
    "accounts:role-remove", "accounts:person-deactivate", "accounts:person-reactivate",
    "accounts:invitation-resend", "accounts:second-factor-reset",
    # Signing in and out, the second step, and the session's keep-alive (the timeout
    # warning's, every few minutes on every open page).
    "accounts:sign-out", "accounts:second-factor", "accounts:second-factor-set-up",
    "accounts:recovery-codes", "accounts:session-keep-alive",
    # The calendar and the timeline template: dates and steps, no case.
    "calendars:calendar", "calendars:calendar-day-remove", "calendars:timeline",
    "calendars:timeline-choose", "calendars:timeline-step-new", "calendars:timeline-step-edit",
    "calendars:reminders-send-now",
    # A referral's start page (the draft is made by its POST), the blank chronology
    # template, the partnership's approval chains.
    "cases:referral-start", "rapid_review:chronology-template", "lcspr:approval-chains",
    # Records management: the retention rules (periods, no case), and the subject access
    # search's empty form (its posted search audits itself, the name as a digest).
    "records:retention-rules", "records:subject-access",
    # Public pages (no one is signed in) and the health check.
    "accounts:sign-in", "accounts:password-reset", "accounts:password-reset-sent",
    "accounts:password-reset-confirm", "accounts:password-reset-complete",
    "accounts:invitation-accept", "operations:health",
})
# The operations admin (users, partnerships, agencies, the trail, emails) keeps Django's own
# log of changes; its pages are not the service's.
NOT_AUDITED_NAMESPACES = frozenset({"admin"})

_by_name: dict[str, Finder] = {}
_by_argument: dict[str, Finder] = {}


def case_finder_register(finder: Finder, *, argument: str = "",
                         url_names: Iterable[str] = ()) -> None:
    """Say how the pages with this URL argument (``reference``), or these URL names, find
    the record they concern. A name's finder wins over an argument's; arguments are tried
    in the order registered."""
    if argument:
        _by_argument[argument] = finder
    for name in url_names:
        _by_name[name] = finder


@dataclass(frozen=True)
class Subject:
    """The record a page concerns, as the trail names it."""

    record: models.Model  # holds the type and the id only
    partnership_id: int | None


def _finder(match: ResolverMatch) -> Finder | None:
    if match.view_name in _by_name:
        return _by_name[match.view_name]
    return next((f for argument, f in _by_argument.items() if argument in match.kwargs), None)


def _subject(finder: Finder, kwargs: dict) -> Subject | None:
    rows = finder(kwargs)
    found = rows.values_list("pk", "partnership_id").first()
    if found is None:
        return None
    return Subject(rows.model(pk=found[0]), found[1])


_PLAIN = re.compile(r"[0-9./:-]{0,30}")  # page numbers and dates
_KEY = re.compile(r"[a-z0-9_-]{1,40}")  # a form field's name


def _digest(value: str) -> str:
    """A keyed digest of what was typed: an investigator who knows a name can find the
    searches for it; someone reading the trail learns no name. (Keyed with SECRET_KEY:
    digests made before a key rotation no longer match.)"""
    return "digest:" + salted_hmac("accounts.read_audit.search", value.strip().casefold(),
                                   algorithm="sha256").hexdigest()[:32]


def searched(params: QueryDict) -> dict:
    """What a list was searched or filtered by. Numbers and dates as they were sent;
    anything else, a search box's words above all, as a keyed digest: never a name."""
    found = {}
    for key in sorted(params)[:20]:
        values = [v if _PLAIN.fullmatch(v) else _digest(v) for v in params.getlist(key)[:10]]
        found[key if _KEY.fullmatch(key) else _digest(key)] = (
            values[0] if len(values) == 1 else values)
    return found


def request_audit(request: HttpRequest, response: HttpResponse, *, reads_written: int) -> None:
    """Write the request's read or refusal event, if it needs one (see the module)."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if user is None or not user.is_authenticated or match is None:
        return
    if match.namespace in NOT_AUDITED_NAMESPACES:
        return
    if response.status_code == 404:
        _refused(request, match)
    elif (response.status_code == 200 and request.method in ("GET", "HEAD")
          and not reads_written and match.view_name not in NO_CHILD_DATA):
        _viewed(request, match)


def _viewed(request: HttpRequest, match: ResolverMatch) -> None:
    finder = _finder(match)
    if finder is None:
        audit_record(action=AuditEvent.Action.VIEW, actor=request.user,
                     partnership=getattr(request, "partnership", None),
                     detail={"page": match.view_name, "searched": searched(request.GET)})
        return
    audit_record_of(action=AuditEvent.Action.VIEW, actor=request.user,
                    rows=finder(match.kwargs),
                    detail={"page": match.view_name, "path": request.path})


def _refused(request: HttpRequest, match: ResolverMatch) -> None:
    finder = _finder(match)
    subject = _subject(finder, match.kwargs) if finder else None
    _write(request, AuditEvent.Action.REFUSED, subject,
           {"page": match.view_name, "path": request.path, "method": request.method})


def _write(request: HttpRequest, action: str, subject: Subject | None, detail: dict) -> None:
    if subject is None:
        audit_record(action=action, actor=request.user,
                     partnership=getattr(request, "partnership", None), detail=detail)
    else:
        audit_record(action=action, actor=request.user, obj=subject.record,
                     partnership_id=subject.partnership_id, detail=detail)
