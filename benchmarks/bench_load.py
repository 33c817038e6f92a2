"""Load: the national data set behind gunicorn as in production, many people signed in at
once (issue 16).

``run()`` creates its own PostgreSQL database (``BENCH_LOAD_DATABASE_URL``, by default
``bench_load`` on the server of ``DATABASE_URL``, or on 127.0.0.1 as postgres; one that
already exists is refused) and drops it at the end. It migrates, seeds it with
``manage.py seed_national --scale BENCH_LOAD_SCALE`` (default 0.05, so ``make bench``
finishes in a few minutes), starts gunicorn with ``config/gunicorn.py`` and 2 workers with
DEBUG off, and drives ``BENCH_LOAD_USERS`` people (default 16; the issue's figure is 50 at
scale 1) with a small asyncio client (``benchmarks/_load_client.py``): each signs in with
the password and the code of their authenticator app, then, ``BENCH_LOAD_ROUNDS`` times
(default 3), opens every main page of their role (``benchmarks/_load_pages.py``), each
after the floor page: a trivial signed-in page, the partnership's own.

Reported per page: requests, p50 and p95 seconds, the p95 as a ratio of the floor's p95
(goal 2.0 or less), errors (goal 0) and the queries of one request (goal 15 or less,
measured apart, with Django's test client and CaptureQueriesContext on the same database),
each with its goal and whether it passes. With 2 workers and many people, most of a
request's time is its wait in gunicorn's queue, which every page shares; so each page also
has ``service_p50_s``/``service_p95_s``, its own time in a worker (from gunicorn's access
log), and ``service_p95_over_floor``: shown beside the goal, not judged. It never raises:
a failure is reported in the result (``error``), with the figures measured before it.

``BENCH_LOAD_SEEDED_DATABASE_URL`` drives a database already seeded with
``seed_national`` instead (nothing is created, migrated, seeded or dropped): the load can
then be run again without seeding again. Its people's authenticator codes are each taken
once (a code is never accepted twice), so run it again after 30 s.

The full national run (documented in docs/scaling.md)::

    BENCH_LOAD_SCALE=1 BENCH_LOAD_USERS=50 DEBUG=true .venv/bin/python -m benchmarks.bench_load
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._harness import PROJECT_ROOT, _postgres_database
from benchmarks._load_client import LABEL_HEADER, drive

SCALE = float(os.environ.get("BENCH_LOAD_SCALE", "0.05"))
USERS = int(os.environ.get("BENCH_LOAD_USERS", "16"))
ROUNDS = int(os.environ.get("BENCH_LOAD_ROUNDS", "3"))
# Seconds a person pauses after each page, on average (0: none, the 50 people
# asking without pause). A pause keeps gunicorn's queue short, so a page's own cost shows.
THINK_S = float(os.environ.get("BENCH_LOAD_THINK_S", "0"))
WORKERS = 2
GOAL_RATIO, GOAL_ERRORS, GOAL_QUERIES = 2.0, 0, 15
FLOOR = "floor: the partnership's page"
STEP_TIMEOUT_S = 3600


def _database_url() -> str:
    if os.environ.get("BENCH_LOAD_DATABASE_URL"):
        return os.environ["BENCH_LOAD_DATABASE_URL"]
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres", "pgsql")):
        return base.rsplit("/", 1)[0] + "/bench_load"
    return "postgres://postgres@127.0.0.1:5432/bench_load"


def _environment(url: str, tmp: str, *, debug: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PGOPTIONS")}
    # Set, not only removed: config/settings.py reads a .env file for anything unset.
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=url, VAR_DIR=tmp,
               REDIS_URL="", EMAIL_URL="memorymail://", LOG_LEVEL="WARNING",
               DEBUG="true" if debug else "false",
               SECRET_KEY="bench-load-secret-key-not-for-production-0123456789abcdef",  # noqa: S106
               ALLOWED_HOSTS="127.0.0.1,localhost", SECURE_SSL_REDIRECT="false",
               SECURE_COOKIES="false", DATABASE_STATEMENT_TIMEOUT="0" if debug else "15")
    return env


def _step(results: dict, key: str, args: list[str], env: dict) -> str:
    """Run one command; its seconds into ``results[key]``; its output (raises on failure)."""
    started = time.perf_counter()
    done = subprocess.run(args, cwd=PROJECT_ROOT, env=env, capture_output=True,  # noqa: S603
                          text=True, timeout=STEP_TIMEOUT_S, check=False)
    results[key] = round(time.perf_counter() - started, 1)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[1:3])} failed ({done.returncode}):\n"
                           f"{done.stdout[-1500:]}\n{done.stderr[-3000:]}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn(env: dict, port: int, log: Path) -> subprocess.Popen:
    """Started as the production image starts it, with 2 workers; returns once it answers."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and app
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py",
         "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--timeout", "60", "--graceful-timeout", "10",
         "--access-logfile", str(log.with_suffix(".access")), "--access-logformat",
         f"%({{{LABEL_HEADER.lower()}}}i)s\t%(L)s"],
        cwd=PROJECT_ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _figure(value, goal, passed: bool) -> dict:
    return {"value": value, "goal": goal, "pass": passed}


def service_times(access_log: Path) -> dict[str, list[float]]:
    """Each page's own seconds in a gunicorn worker, from its access log: the time a
    request took once a worker took it, without the wait in the queue."""
    times: dict[str, list[float]] = {}
    for line in access_log.read_text().splitlines() if access_log.exists() else []:
        label, _, seconds = line.rpartition("\t")
        if label and label != "-":
            times.setdefault(label, []).append(float(seconds))
    return times


def summarise(samples, queries: dict, service: dict[str, list[float]] | None = None) -> dict:
    """Per page: p50/p95, the p95 over the floor's, errors and queries, with their goals;
    and the same from the workers' own times (``service_*``: shown, not a goal)."""
    service = service or {}
    service_floor = _p(service[FLOOR], 0.95) if service.get(FLOOR) else None
    by_label: dict[str, list] = {}
    for sample in samples:
        by_label.setdefault(sample.label, []).append(sample)
    floor_times = [s.seconds for s in by_label.get(FLOOR, []) if s.ok]
    floor_p95 = _p(floor_times, 0.95) if floor_times else None
    pages = {}
    for label, mine in sorted(by_label.items()):
        times = [s.seconds for s in mine if s.ok]
        errors = [s.detail for s in mine if not s.ok]
        page = {"requests": len(mine)}
        if times:
            p95 = _p(times, 0.95)
            page.update(p50_s=round(statistics.median(times), 4), p95_s=round(p95, 4))
            if floor_p95 and label not in (FLOOR, "sign-in"):
                ratio = round(p95 / floor_p95, 2)
                page["p95_over_floor"] = _figure(ratio, f"<= {GOAL_RATIO}", ratio <= GOAL_RATIO)
        if service.get(label):
            own = _p(service[label], 0.95)
            page.update(service_p50_s=round(statistics.median(service[label]), 4),
                        service_p95_s=round(own, 4))
            if service_floor and label != FLOOR:
                page["service_p95_over_floor"] = round(own / service_floor, 2)
        page["errors"] = _figure(len(errors), GOAL_ERRORS, len(errors) <= GOAL_ERRORS)
        if errors:
            page["error_examples"] = sorted(set(errors))[:3]
        if label in queries:
            count = queries[label]["queries"]
            page["queries"] = _figure(count, f"<= {GOAL_QUERIES}", count <= GOAL_QUERIES)
        pages[label] = page
    return pages


def _all_pass(pages: dict) -> bool:
    return all(figure["pass"] for page in pages.values() for figure in page.values()
               if isinstance(figure, dict) and "pass" in figure)


def run() -> dict:
    results: dict = {"scale": SCALE, "users": USERS, "rounds": ROUNDS, "think_s": THINK_S,
                     "gunicorn_workers": WORKERS,
                     "goals": {"p95_over_floor": f"<= {GOAL_RATIO}", "errors": GOAL_ERRORS,
                               "queries": f"<= {GOAL_QUERIES}"}}
    server = None
    seeded = os.environ.get("BENCH_LOAD_SEEDED_DATABASE_URL")
    try:
        url = seeded or _database_url()
        drop = (lambda: None) if seeded else _postgres_database(url)
        try:
            with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
                if seeded:
                    results["scale"] = "as seeded"
                else:
                    seeding = _environment(url, tmp, debug=True)
                    _step(results, "migrate_s", [sys.executable, "manage.py", "migrate",
                                                 "--noinput", "-v0"], seeding)
                    out = _step(results, "seed_s", [sys.executable, "manage.py",
                                                    "seed_national", "--scale", str(SCALE)],
                                seeding)
                    results["seeded"] = _seeded(out)
                serving = _environment(url, tmp, debug=False)
                plan = json.loads(_step(results, "plan_and_queries_s", [
                    sys.executable, "-m", "benchmarks._load_pages", str(USERS)],
                    serving).splitlines()[-1])
                results["people"] = {}
                for entry in plan["people"]:
                    results["people"][entry["role"]] = results["people"].get(entry["role"], 0) + 1
                port = _free_port()
                server = _gunicorn(serving, port, Path(tmp) / "gunicorn.log")
                samples, seconds = asyncio.run(drive("127.0.0.1", port, plan["people"],
                                                     plan["password"], ROUNDS, THINK_S))
                results["load_s"] = round(seconds, 1)
                results["requests_per_s"] = round(
                    sum(1 for s in samples if s.label != "sign-in") / seconds, 1)
                _stop(server)
                server = None
                results["pages"] = summarise(samples, plan["queries"], service_times(
                    (Path(tmp) / "gunicorn.log").with_suffix(".access")))
                results["all_pass"] = _all_pass(results["pages"])
        finally:
            if server is not None:
                _stop(server)
            drop()
    except Exception as error:  # noqa: BLE001 - a benchmark reports; the tests gate
        results["error"] = f"{type(error).__name__}: {str(error)[-3000:]}"
        results["all_pass"] = False
    return results


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _seeded(output: str) -> dict:
    """seed_national's table of counts, as a dict."""
    counts = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].replace(",", "").replace(".", "").isdigit():
            counts[parts[0]] = float(parts[1].replace(",", "")) if "." in parts[1] else int(
                parts[1].replace(",", ""))
    return counts


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_ROOT))
    print(json.dumps(run(), indent=2, sort_keys=True))
