"""Shared fixtures: partnerships and users by role, and the real-browser harness."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Role

from .factories import PartnershipFactory, user_with_role

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_configure(config):
    """Two costs that tests need not pay, the service's own settings unchanged. Passwords
    are hashed with a fast hasher: the default's million PBKDF2 rounds cost 0.3 s a user,
    nearly half the suite's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test client builds its own middleware, and WhiteNoise's scans GOV.UK Frontend's
    # thousand files each time (0.4 s): in tests it finds a static file when asked instead.
    settings.WHITENOISE_AUTOREFRESH = True
    # force_login stands for the whole of signing in: the password and the app's code.
    from tests import two_factor

    two_factor.install()
    _flush_past_the_audit_trigger()
    _test_databases_copied_from_one_migrated_template(config)


def _flush_past_the_audit_trigger():
    """The audit trail refuses TRUNCATE (accounts migration 0008), even for the owner, and
    a transactional test ends with Django's flush, which truncates every table. A flush in
    the tests runs as a replica would, which fires no ordinary trigger (nor the foreign
    keys' checks): for that statement's transaction only (SET LOCAL; it needs the superuser
    the tests connect as). It empties only the tables that have rows, with DELETE: a test
    leaves a few rows in a few dozen of the hundred-odd tables, and truncating every table
    (new files for each) took 3 s a test on a loaded machine."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    sql_flush = DatabaseOperations.sql_flush

    def flush_in_replica_mode(self, style, tables, *, reset_sequences=False,
                              allow_cascade=False):
        if reset_sequences or not tables:  # TRUNCATE ... RESTART IDENTITY, as Django does
            statements = sql_flush(self, style, tables, reset_sequences=reset_sequences,
                                   allow_cascade=allow_cascade)
        else:
            # Django's own table names, quoted.
            quoted = [self.quote_name(table) for table in tables]
            with self.connection.cursor() as cursor:
                cursor.execute(" UNION ALL ".join(
                    f"SELECT {i} WHERE EXISTS (SELECT 1 FROM {name})"  # noqa: S608
                    for i, name in enumerate(quoted)))
                statements = [f"DELETE FROM {quoted[i]}"  # noqa: S608
                              for (i,) in cursor.fetchall()]
        return ["SET LOCAL session_replication_role = replica", *statements] if statements \
            else statements

    DatabaseOperations.sql_flush = flush_in_replica_mode
    execute_sql_flush = DatabaseOperations.execute_sql_flush

    def execute_unwatched(self, sql_list):
        # DELETE is a write the page cache's version counts (TRUNCATE was not): the version
        # row, emptied with the rest, would come back at once (dashboards/cache.py).
        from dashboards.cache import unwatched

        with unwatched():
            execute_sql_flush(self, sql_list)

    DatabaseOperations.execute_sql_flush = execute_unwatched


# What makes a test long: a browser, a Celery worker, a server in a thread.
_LONG = {"page", "chromium", "celery_worker", "live_server"}


def pytest_collection_modifyitems(config, items):
    """Long tests first, so that the run ends on short ones: xdist's ``load`` scheduling
    hands tests out in this order, round robin at first and then to whichever process is
    free, and a journey started last kept the other processes idle while it ran. The demo's
    own test comes first of all: the process that runs it seeds the demo (over a minute)
    while the others run journeys, and the journeys through the demo come after those."""
    def order(item) -> int:
        if item.path.name == "test_demo.py":
            return 0
        if _LONG & set(item.fixturenames) or any(
                item.get_closest_marker(mark) for mark in ("browser", "celery", "soak", "slow")):
            return 2 if "demo" in item.fixturenames else 1
        return 3
    items.sort(key=order)  # stable: the collection's order within each group


def database_url(name: str) -> str:
    """The default database's server and credentials, with another database's name."""
    db = settings.DATABASES["default"]
    return (f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{name}")


TEMPLATE_VARIABLE = "SPR_TEST_TEMPLATE_DATABASE"


def _test_databases_copied_from_one_migrated_template(config) -> None:
    """With several xdist workers, each would run every migration into its own test
    database (half a minute each, at the same time on the same cores). The controller
    migrates one template database, once, before the workers start; each worker's test
    database is a copy of it (PostgreSQL's CREATE DATABASE ... TEMPLATE), and migrate then
    finds nothing to do. A single process, or --reuse-db, migrates as usual."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        if os.environ.get(TEMPLATE_VARIABLE):
            db.setdefault("TEST", {})["TEMPLATE"] = os.environ[TEMPLATE_VARIABLE]
        return
    if not getattr(config.option, "numprocesses", None) or config.option.reuse_db:
        return
    template = f"test_{db['NAME']}_template"
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{template}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"],  # noqa: S603
                   cwd=settings.BASE_DIR, check=True,
                   env={**os.environ, "DATABASE_URL": database_url(template)})
    os.environ[TEMPLATE_VARIABLE] = template  # the workers start after this, with it


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with the dashboards' page cache empty (it is the process's memory,
    and a flushed database numbers its data version from 0 again)."""
    from django.core.cache import caches

    from dashboards.cache import CACHE_ALIAS

    caches[CACHE_ALIAS].clear()


@pytest.fixture
def partnership(db):
    return PartnershipFactory(name="Alphashire Safeguarding Children Partnership", code="ALPHA")


@pytest.fixture
def other_partnership(db):
    return PartnershipFactory(name="Betashire Safeguarding Children Partnership", code="BETA")


@pytest.fixture(autouse=True)
def builtin_plans(request):
    """The built-in timeline templates are migration data, which a transactional test's
    flush removes: put them back for every test that uses the database."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db", "transactional_db", "live_server"} & set(request.fixturenames)
    if not uses_db:
        return
    request.getfixturevalue("db")  # transactional or not, as the test asked
    from calendars.builtin_templates import install
    from calendars.models import TimelineStep, TimelineTemplate

    install(TimelineTemplate, TimelineStep)


# Not the demo: what migrate records, and rows of no one's story. The content types and
# permissions go with the copy: a transactional test's flush makes them again with new keys,
# so two test databases seldom number them alike.
_NOT_DEMO = ["django_migrations", "django_session", "django_admin_log"]


@pytest.fixture
def demo(transactional_db, tmp_path_factory):
    """The demo, as ``seed_demo`` makes it, for the demo's own test and the browser
    journeys through its stories. Seeding takes over a minute (it renders ~120 documents):
    the first test of the run to ask seeds and saves a copy of the tables (pg_dump); the
    others, on any xdist worker, restore that copy into their own emptied database in a
    second or two (loading the same rows through Django's fixtures took 10-20 s a test)."""
    from django.core.management import call_command
    from django.utils import timezone

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of this run
    saved = root / f"demo-{timezone.localdate():%Y-%m-%d}.sql"  # the demo's dates are today's
    with open(root / "demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one seeds while the others wait, then restore
        if saved.exists():
            _demo_restore(saved)
            return
        call_command("seed_demo", on_a_served_instance=True, verbosity=0)
        partial = saved.with_suffix(".partial")
        # pg_dump reads one snapshot of every table: a Celery worker (the calendar
        # journey's) may be running the tasks the seeding queued while it reads.
        subprocess.run(["pg_dump", "--data-only", "--no-owner", "--no-privileges",  # noqa: S603, S607
                        *[f"--exclude-table={table}" for table in _NOT_DEMO],
                        f"--file={partial}", _this_database_url()], check=True)
        partial.rename(saved)


def _this_database_url() -> str:
    return database_url(settings.DATABASES["default"]["NAME"])


def _demo_restore(saved: Path) -> None:
    """Empty every table the demo fills (the built-in plans and content types included:
    the copy has them with its own keys), then restore the copy, its sequences' values with
    it. The copy's rows go in as a replica's would: no trigger fires (the audit trail's and
    the row history's would take them for new changes), and the copy is consistent."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db import connection

    tables = [t for t in connection.introspection.django_table_names(only_existing=True)
              if t != "django_migrations"]
    connection.ops.execute_sql_flush(  # in one transaction (SET LOCAL in the flush)
        connection.ops.sql_flush(no_style(), tables, allow_cascade=True))
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", f"--file={saved}",  # noqa: S603, S607
                    _this_database_url()], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PGOPTIONS": "-c session_replication_role=replica"})
    ContentType.objects.clear_cache()


@pytest.fixture
def make_user(partnership):
    def make(role: str = Role.BUSINESS_UNIT_OFFICER, **kwargs):
        return user_with_role(kwargs.pop("partnership", partnership), role, **kwargs)
    return make


# --- A real Celery worker on the real broker (Redis in make test) ---------------------

@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """Start ``celery worker`` in a subprocess on the test database and a private queue.

    Yields (queue name, mail folder): send tasks with ``apply_async(queue=...)`` and read
    the emails the worker wrote to the folder.
    """
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("Celery tests need REDIS_URL (make test sets it)")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "DATABASE_URL": database_url(settings.DATABASES["default"]["NAME"]),
           "VAR_DIR": str(tmp_path)}
    env.pop("EMAIL_URL", None)
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed at teardown
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
         "--concurrency=2", "--without-heartbeat", "--without-gossip", "--without-mingle",
         "--loglevel=INFO", "-n", f"{queue}@%h"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)  # its own process group: stopped with its pool at teardown
    from config.celery import app

    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[f"{queue}@{socket.gethostname()}"], timeout=1):
        if worker.poll() is not None or time.monotonic() > deadline:
            pytest.fail("The Celery worker did not start:\n"
                        + (tmp_path / "worker.log").read_text())
    previous_default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue  # tasks queued by the code under test go here too
    yield queue, tmp_path / "mail"
    app.conf.task_default_queue = previous_default_queue
    # The test has its answers: the worker and its pool are stopped at once (a warm shutdown
    # took 2 s a test); the database drops their connections and rolls back anything open.
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    log.close()
    leaked = child_data_in((tmp_path / "worker.log").read_text().splitlines())
    assert not leaked, "The worker logged a child's or a person's details:\n" + "\n".join(
        leaked)


def deliver_emails() -> list:
    """Deliver what the outbox holds, as the worker would, in this process; returns Django's
    test outbox (``mail.outbox``, which the ``mailoutbox`` fixture also is)."""
    from django.core import mail

    from outbox.services import messages_deliver

    messages_deliver(budget_s=None)
    return mail.outbox


def emails_in(folder: Path) -> list[str]:
    """Messages the file email backend wrote (one file per connection, several per file)."""
    if not folder.exists():
        return []
    messages = []
    for file in sorted(folder.iterdir()):
        messages += [m for m in file.read_text().split("-" * 79 + "\n") if m.strip()]
    return messages


# --- Real browser: Debian's Chromium driven by Playwright; never a browser download ----

@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class AccessibilityError(AssertionError):
    pass


def check_accessibility(page) -> None:
    """Run axe-core on the page; a serious or critical violation fails the test (WCAG 2.2 AA)."""
    if not AXE_JS.exists():
        pytest.fail("axe-core is missing: run make test (npm ci installs it)")
    # A click that navigates returns once the new document is committed, maybe before it
    # has a <head>: check the page the user sees once it has loaded.
    page.wait_for_load_state("load")
    # Evaluated through the DevTools protocol, which the page's Content Security Policy does
    # not govern (a <script> tag added to the page would be refused, rightly, as inline).
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    if bad:
        summary = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                    "nodes": [n["target"] for n in v["nodes"][:5]]} for v in bad]
        raise AccessibilityError(f"{page.url}: {json.dumps(summary, indent=1)}")


# The GOV.UK components a page shows (block, element and modifier classes; not the
# ``govuk-!-`` spacing and typography overrides), so a page showing a new one (an error
# summary, a banner, a table) counts as a new state of the page.
_COMPONENTS_JS = """() => [...new Set([...document.querySelectorAll('[class*="govuk-"]')]
    .flatMap(e => [...e.classList]).filter(c => c.startsWith('govuk-')
    && !c.startsWith('govuk-!-')))].sort()"""


def page_kind(page) -> tuple:
    """What axe needs to see once per journey: the page's URL pattern (which view) and the
    components it shows. The same page again for another record, with nothing new on it,
    is the same markup as far as axe is concerned."""
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    path = urlsplit(page.url).path
    try:
        match = resolve(path)
        view = (match.route, match.view_name)
    except Resolver404:
        view = (path,)
    return view, tuple(page.evaluate(_COMPONENTS_JS))


# The kinds of page axe has checked in this test process (each xdist worker has its own).
_KINDS_CHECKED: set[tuple] = set()

# Run in every page before its own scripts (and not subject to its policy): each Content
# Security Policy violation is logged with the directive and what it blocked. Chromium logs
# its own "Refused to ... Content Security Policy" line too; either fails the test.
_CSP_LISTENER_JS = """document.addEventListener('securitypolicyviolation', e => console.error(
    'CSP violation: ' + e.effectiveDirective + ' refused ' + (e.blockedURI || 'inline')
    + ' in ' + e.documentURI + (e.sourceFile ? ' at ' + e.sourceFile + ':' + e.lineNumber : '')
    + (e.sample ? ' (' + e.sample + ')' : '')), true)"""


def is_csp_violation(text: str) -> bool:
    return text.startswith("CSP violation: ") or "Content Security Policy" in text


class LogLines(logging.Handler):
    """Every line the service logs while it is attached to the root logger, formatted as
    the console would print it (tracebacks included), at the levels the service's own
    logging settings let through."""

    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def child_data_in(lines) -> list[str]:
    """The lines naming a child or a person on a case, or giving their NHS number, of those
    in the database now (checklist item 23: logs never hold them)."""
    from cases.models import Child, Person

    held = {value for model in (Child, Person)
            for row in model.objects.values_list("full_name", "nhs_number")
            for value in row if value and len(value) > 3}
    return [line for line in lines if any(value in line for value in held)]


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser context per test. Every page the journey lands on must be checked
    with ``page.check_accessibility()``; teardown fails the test if one was skipped. axe
    runs once per kind of page (:func:`page_kind`) in a test process: a repeat of a page
    already checked, in this journey or an earlier one (the sign-in page, the home page, a
    form for the next partner), is not run again. axe was half the journeys' time.

    Teardown also fails the test if Chromium reported a Content Security Policy violation
    on any page (``page.csp_violations``, the console lines that said so)."""
    context = chromium.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    context.add_init_script(_CSP_LISTENER_JS)
    browser_page = context.new_page()
    csp_violations: list[str] = []
    browser_page.on("console", lambda message: csp_violations.append(message.text)
                    if is_csp_violation(message.text) else None)
    browser_page.csp_violations = csp_violations
    visited: list[str] = []
    checked: set[str] = set()
    kinds_checked = _KINDS_CHECKED

    def on_navigated(frame):
        if frame == browser_page.main_frame:
            visited.append(frame.url)

    def check():
        browser_page.wait_for_load_state("load")
        kind = page_kind(browser_page)
        if kind not in kinds_checked:
            check_accessibility(browser_page)
            kinds_checked.add(kind)
        checked.add(browser_page.url)

    browser_page.on("framenavigated", on_navigated)
    browser_page.check_accessibility = check
    logged = LogLines()
    logging.getLogger().addHandler(logged)
    try:
        yield browser_page
    finally:
        logging.getLogger().removeHandler(logged)
    context.close()
    leaked = child_data_in(logged.lines)
    assert not leaked, "A child's or a person's details were logged:\n" + "\n".join(leaked)
    assert not csp_violations, "Content Security Policy violations:\n" + "\n".join(
        csp_violations)
    unchecked = [url for url in visited if url not in checked]
    assert not unchecked, f"Pages visited without an accessibility check: {unchecked}"


def sign_in(page, email: str, password: str, *, code: bool = True) -> None:
    """Both steps: the password, then the code from the person's authenticator app (set
    up for them beforehand if they have none; tests/browser/test_two_factor_journey.py
    sets one up through the pages). ``code=False`` stops after the password."""
    from accounts.models import User
    from tests.two_factor import app_code, app_device

    user = User.objects.filter(email__iexact=email).first()
    if code and user is not None:
        app_device(user)
    page.goto("/sign-in/")
    page.check_accessibility()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    # Each step waits for the answer to its own POST: the page in hand is loaded already, so
    # waiting for a load state could return before the answer came, and the next step then
    # saw the old address (skipping the code) or cut the code's POST short.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.check_accessibility()
    if code and "/sign-in/code/" in page.url:
        page.get_by_label("Code from your authenticator app").fill(app_code(user))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
        page.check_accessibility()
        assert "/sign-in/code/" not in page.url, f"The code was refused for {email}"


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/")
    page.check_accessibility()


def fill_date(page, legend: str, day, *, exact: bool = False) -> None:
    """A GOV.UK date input, found by its fieldset's legend."""
    group = page.get_by_role("group", name=legend, exact=exact)
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))
