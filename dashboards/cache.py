"""The managers' dashboards served from a cache, kept right by a data version
(docs/decisions/0020-page-cache.md).

**The version.** One number in the database (``DataVersion``), raised once after every
committed transaction that wrote to a table the dashboards may show. Every statement the
application sends passes the execute wrapper installed here (as ``accounts.history``'s):
an INSERT, UPDATE or DELETE whose table is not in ``UNSHOWN`` schedules the raise for when
its transaction commits (once a transaction), or makes it at once in autocommit. So a
``save()``, a ``QuerySet.update``, a ``bulk_create``, the sweeps' ``config.bulk`` SQL and
a Celery task's writes are all seen, with no list of call sites to keep; the one path that
does not go through Django's cursor (the national seed's COPY) calls ``bump()`` itself.

Raised after the commit, never before: a reader reads the version first, then the data, so
it can store newer data under an older version (harmless: the next reader asks with the
newer one) but never older data under a newer one. The raise is a single-row
``UPDATE ... + 1`` in its own autocommit statement: no lock held across anyone's
transaction, no deadlock.

**The pages.** ``cached_page`` keys a page's costly part by the page, the person, their
current partnership, the normalised query string (filters and page number), today's date
in Europe/London (what is overdue depends on it) and the version; ``PAGE_TTL`` is a
backstop. What is stored is HTML with nothing per request in it (no CSRF token, no CSP
nonce, no messages, no form tokens; the views render those around it) and what the view
needs to audit the read, which it writes on every GET, served from the cache or not.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from collections.abc import Callable
from urllib.parse import urlencode

from django.apps import apps
from django.core.cache import caches
from django.db import DatabaseError, connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.utils import timezone

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
PAGE_TTL = 600  # seconds: a backstop; the version is what keeps a page right
VERSION_TABLE = "dashboards_dataversion"

# Tables no dashboard reads, written on every page view, sign-in or sweep: their writes
# leave the cached pages as they are. Every other table counts, a new one too.
UNSHOWN = frozenset({
    VERSION_TABLE,
    "django_session", "django_admin_log",
    "axes_accessattempt", "axes_accessattemptexpiration", "axes_accessfailurelog",
    "axes_accesslog",
    "otp_totp_totpdevice", "otp_static_staticdevice", "otp_static_statictoken",
    "accounts_auditevent", "accounts_recordchange",  # the audit trail and row history
    "outbox_message",
    "calendars_reminder", "calendars_sweeprun", "calendars_deadlinerecompute",
    "cases_documentpreparation", "cases_documentdispatch",
    "operations_heartbeat",
})
# Signing in records when (``update_last_login``); no page shows it.
_LAST_LOGIN_ONLY = re.compile(
    r'^\s*UPDATE\s+"accounts_user"\s+SET\s+"last_login"\s*=\s*(?:%s|NULL)\s+WHERE', re.IGNORECASE)
_WRITTEN = re.compile(  # the table written, after an optional schema ("public".)
    r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?(?:"?\w+"?\.)?"?(\w+)"?',
    re.IGNORECASE)
_UPSERT = (f"INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, 1) "  # noqa: S608 - a constant
           f"ON CONFLICT (id) DO UPDATE SET version = {VERSION_TABLE}.version + 1")

_paused = False  # while migrating: the version's table may not exist yet
_shown: frozenset[str] | None = None


def _shown_tables() -> frozenset[str]:
    global _shown
    if _shown is None:
        _shown = frozenset(m._meta.db_table.lower()
                           for m in apps.get_models(include_auto_created=True)) - UNSHOWN
    return _shown


def writes_shown_table(sql) -> bool:
    """Whether the statement may change a row a dashboard shows."""
    if not isinstance(sql, str):
        return True  # composed SQL: assume it does
    if not sql.lstrip()[:6].upper().startswith(("INSERT", "UPDATE", "DELETE", "WITH")):
        return False  # a SELECT (FOR UPDATE too), SAVEPOINT, SET ...
    if _LAST_LOGIN_ONLY.match(sql):
        return False
    shown = _shown_tables()
    return any(table.lower() in shown for table in _WRITTEN.findall(sql))


class _Bump:
    """The raise, as an ``on_commit`` callback recognisable in the connection's list (so a
    transaction schedules it once)."""

    def __init__(self, alias: str):
        self.alias = alias

    def __call__(self) -> None:
        _bump_now(connections[self.alias])


def _bump_now(connection) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT)
    except DatabaseError:
        # The change is committed already: failing the request now would not undo it.
        # The pages' TTL bounds how long they can be stale.
        logger.exception("The dashboards' data version could not be raised")


def _after_commit(connection) -> None:
    if connection.in_atomic_block:
        if not any(isinstance(func, _Bump) for _sids, func, _robust in
                   connection.run_on_commit):
            connection.on_commit(_Bump(connection.alias), robust=True)
    else:
        _bump_now(connection)  # autocommit: committed already


def bump(using: str = "default") -> None:
    """Raise the version once the current transaction commits (at once outside one): for
    a write that does not pass Django's cursor (COPY)."""
    _after_commit(connections[using])


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not _paused and writes_shown_table(sql):
        _after_commit(context["connection"])
    return result


def current_version(using: str = "default") -> int:
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else 0


def _install(sender, connection, **kwargs) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def _pause(**kwargs) -> None:
    global _paused
    _paused = True


def _resume(**kwargs) -> None:
    global _paused, _shown
    _paused, _shown = False, None


@contextlib.contextmanager
def unwatched():
    """Writes that raise no version: emptying every table at once (the tests' flush and a
    restore of the demo), after which there is no stored page to keep right, and whose own
    data version is emptied or restored with the rest."""
    global _paused
    was, _paused = _paused, True
    try:
        yield
    finally:
        _paused = was


def install() -> None:
    """Called once, from AppConfig.ready: every new connection gets the wrapper."""
    connection_created.connect(_install, dispatch_uid="dashboards.cache")
    pre_migrate.connect(_pause, dispatch_uid="dashboards.cache.pause")
    post_migrate.connect(_resume, dispatch_uid="dashboards.cache.resume")


# The pages ---------------------------------------------------------------------------------

def page_key(name: str, request, version: int) -> str:
    """Everything a cached page depends on besides the data: who, where, what was asked for
    and what day it is."""
    query = urlencode(sorted((key, value) for key, values in request.GET.lists()
                             for value in values))
    partnership = getattr(request, "partnership", None)
    return ":".join([
        "page", name, f"u{request.user.pk}", f"p{partnership.pk if partnership else '-'}",
        timezone.localdate().isoformat(), f"v{version}",
        hashlib.sha256(query.encode()).hexdigest()[:32]])


def _writes_pending(connection) -> bool:
    """Whether the connection's transaction has written a shown table, not yet committed."""
    return connection.in_atomic_block and any(isinstance(func, _Bump) for _sids, func, _robust
                                              in connection.run_on_commit)


def cached_page(name: str, request, build: Callable[[], dict]) -> dict:
    """The page's stored part for this request, built (and stored) when there is none. The
    version is read before ``build`` reads the data (see the module's docstring). Inside a
    transaction that has written and not committed, the page is built and not stored: it
    must show those writes, which may yet be rolled back (the version would then not move)."""
    if _writes_pending(connections["default"]):
        return build()
    key = page_key(name, request, current_version())
    cache = caches[CACHE_ALIAS]
    entry = cache.get(key)
    if entry is None:
        entry = build()
        cache.set(key, entry, PAGE_TTL)
    return entry
