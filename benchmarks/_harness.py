"""What every database benchmark shares: it never touches the developer's database.

``run_child(module)`` runs ``python -m <module> --child`` with ``DATABASE_URL`` set to a
throwaway SQLite file in a temporary directory, or to ``BENCH_DATABASE_URL`` when that is
set. A PostgreSQL ``BENCH_DATABASE_URL`` must name a database that does not exist yet: it
is created for the child and dropped afterwards (one that already exists is refused). The
child also gets ``VAR_DIR`` in the temporary directory, no Redis and the in-memory email
backend; ``child_setup()`` checks all that and runs the migrations, and the child prints its
figures as one JSON line, which ``run_child`` returns.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHILD_URL_VAR = "BENCH_CHILD_DATABASE_URL"  # what the parent chose, for the child to check


@dataclass(frozen=True)
class Goal:
    """What a figure should be: at most ``limit`` (in the figure's unit), as the issue
    that set it says. ``make bench`` prints it and whether it was met beside the figure;
    it never fails on it (the tests gate)."""

    limit: float
    unit: str = "s"
    why: str = ""

    def judge(self, value) -> dict:
        met = None if not isinstance(value, int | float) else value <= self.limit
        return {"value": value, "goal": f"<= {self.limit:g}{' ' + self.unit if self.unit else ''}",
                **({"why": self.why} if self.why else {}), "pass": met}


def env_int(name: str, default: int) -> int:
    """A size from the environment (the full national sizes; docs/performance.md)."""
    return int(os.environ.get(name) or default)


# --------------------------------------------------------------------------- parent


def _postgres_database(url: str):
    """Create the PostgreSQL database named by ``url``; returns a function that drops it."""
    import environ
    import psycopg
    from psycopg import sql

    config = environ.Env.db_url_config(url)
    name = config["NAME"]
    params = {"dbname": "postgres", "user": config.get("USER") or None,
              "password": config.get("PASSWORD") or None,
              "host": config.get("HOST") or None, "port": config.get("PORT") or None}
    params = {k: v for k, v in params.items() if v not in (None, "")}
    with psycopg.connect(**params, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            raise RuntimeError(
                f"BENCH_DATABASE_URL names database {name!r}, which already exists. The "
                "benchmark creates and drops its own database: name one that does not exist")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop() -> None:
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))

    return drop


def run_child(module: str, *, timeout_s: int) -> dict:
    """Run ``module --child`` against a throwaway database; its last stdout line as a dict."""
    short = module.rsplit(".", 1)[-1]
    with tempfile.TemporaryDirectory(prefix=f"{short.replace('_', '-')}-") as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        drop = _postgres_database(url) if url.startswith(("postgres", "pgsql")) else None
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        # Set, not only removed: config/settings.py reads a .env file for anything unset.
        env.update(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=url,
                   **{CHILD_URL_VAR: url}, DEBUG="true", VAR_DIR=tmp,
                   REDIS_URL="", EMAIL_URL="memorymail://", LOG_LEVEL="WARNING")
        try:
            child = subprocess.run(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", module, "--child"],
                cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                timeout=timeout_s, check=False)
        finally:
            if drop is not None:
                drop()
    lines = [line for line in child.stdout.splitlines() if line.strip()]
    if child.returncode != 0 or not lines:
        raise RuntimeError(f"{short} child failed (exit {child.returncode}):\n"
                           f"{child.stdout[-2000:]}\n{child.stderr[-6000:]}")
    return json.loads(lines[-1])


# --------------------------------------------------------------------------- child


@contextmanager
def timed(results: dict, key: str, queries_key: str | None = None):
    """Wall-clock seconds into ``results[key]``; SQL statements into ``results[queries_key]``."""
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        yield
        results[key] = round(time.perf_counter() - started, 3)
    if queries_key:
        results[queries_key] = count[0]


def _check_database(module: str) -> None:
    """Refuse to run anywhere but the throwaway database the parent chose."""
    import environ
    from django.conf import settings

    expected = os.environ.get(CHILD_URL_VAR)
    if not expected:
        raise RuntimeError(f"Run {module} through run(), not with --child")
    wanted = environ.Env.db_url_config(expected)
    actual = settings.DATABASES["default"]
    if (str(actual["NAME"]), actual.get("HOST") or "") != (str(wanted["NAME"]),
                                                           wanted.get("HOST") or ""):
        raise RuntimeError(f"Database is {actual['NAME']!r}, expected {wanted['NAME']!r}")


def child_setup(module: str) -> dict:
    """In the child: Django set up on the throwaway database, migrated. Returns the results
    dict, already holding the database vendor and ``migrate_s``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    _check_database(module)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
    results = {"database": connection.vendor}
    with timed(results, "migrate_s"):
        call_command("migrate", verbosity=0, interactive=False)
    return results


def signed_in(client, user):
    """The test client signed in as ``user`` with both steps done: ``force_login``, and the
    session verified by an authenticator app made for them (as tests/two_factor.py does
    for the tests), or every page answers with the second step's redirect."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = (TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
              or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def child_report(results: dict) -> None:
    """The child's one JSON line, which the parent reads."""
    sys.stdout.write(json.dumps(results, sort_keys=True, default=str) + "\n")


def child_main(module: str, measure: Callable[[dict], None]) -> None:
    """Set up, measure, report: a check that fails or a step that raises is reported as
    ``error`` beside the figures measured before it (the traceback on stderr)."""
    results = child_setup(module)
    try:
        measure(results)
    except Exception as error:  # noqa: BLE001 - a benchmark reports what went wrong
        traceback.print_exc()
        results["error"] = f"{type(error).__name__}: {error}"[:2000]
    child_report(results)
