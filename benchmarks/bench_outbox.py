"""The outbox at scale: queue ``BENCH_OUTBOX_MESSAGES`` emails (default 20,000; 100,000 for
the national figures), then deliver them one at a time, as the worker does (claim, send,
mark), to Django's in-memory backend.

Never touches the developer's database: ``run()`` measures in a child process on a
throwaway database (``benchmarks/_harness.py``; ``BENCH_DATABASE_URL`` for PostgreSQL).

1. ``queue_s``: the messages queued by ``messages_queue`` in transactions of 500
   (a reminder sweep's batch), each with its dedupe key; then the same 500 queued again
   must add nothing.
2. ``deliver_s``: ``messages_deliver`` until nothing is due, over one connection,
   as one worker process does. Checked: every message delivered exactly once (as many
   distinct Message-IDs and addresses in the backend), every row ``sent`` after one
   attempt, and a second delivery sends nothing. ``deliver_per_s`` is the throughput.

Delivery commits twice per message (the claim, then "sent"), so one worker's throughput is
bounded by the database's round trips and commit time. On PostgreSQL (synchronous
commit, as in production) that is what is measured. On the embedded SQLite a commit in its
default rollback-journal mode is several fsyncs (about 10 ms here), which would make this
a disk benchmark taking a quarter of an hour: the throwaway SQLite database is put in WAL
mode with ``synchronous=NORMAL`` first, and the results say so (``sqlite_journal``).

Run alone: ``DEBUG=true .venv/bin/python -m benchmarks.bench_outbox``.
"""

from __future__ import annotations

import json
import sys

from benchmarks._harness import child_report, child_setup, env_int, run_child, timed

MESSAGES = env_int("BENCH_OUTBOX_MESSAGES", 20_000)
BATCH = 500
CHILD_TIMEOUT_S = 1800


def run() -> dict:
    return run_child("benchmarks.bench_outbox", timeout_s=CHILD_TIMEOUT_S)


def _emails(start: int, partnership_id: int):
    from outbox.services import Email

    for n in range(start, min(start + BATCH, MESSAGES)):
        reference = f"BENCH-2026-{n // 10:05d}"
        yield Email(to=f"person{n}@example.org", subject=f"Due today: Agency returns due "
                    f"({reference})", body=f"Due today\n\nCase: {reference}\n",
                    kind="reminder", partnership_id=partnership_id, reference=reference,
                    related={"reminder": n}, dedupe_key=f"reminder:{n}:1")


def _child() -> None:
    results = child_setup("benchmarks.bench_outbox")
    results["messages"] = MESSAGES
    from django.core import mail
    from django.db import connection, transaction

    from accounts.services import partnership_create
    from outbox.models import Message
    from outbox.services import messages_deliver, messages_queue

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        results["sqlite_journal"] = "WAL, synchronous=NORMAL"
    partnership = partnership_create(actor=None, name="Benchmark partnership", code="BENCH",
                                     local_authority="Benchmark Council")
    with timed(results, "queue_s", "queue_queries"):
        for start in range(0, MESSAGES, BATCH):
            with transaction.atomic():
                messages_queue(_emails(start, partnership.pk))
    with transaction.atomic():
        messages_queue(_emails(0, partnership.pk))  # queued again: the keys say no
    assert Message.objects.count() == MESSAGES, Message.objects.count()

    mail.outbox = []
    with timed(results, "deliver_s", "deliver_queries"):
        outcome = messages_deliver(budget_s=None)
    results["deliver_per_s"] = round(MESSAGES / results["deliver_s"])
    results["queue_per_s"] = round(MESSAGES / results["queue_s"])
    assert outcome == {"sent": MESSAGES}, outcome
    assert len(mail.outbox) == MESSAGES, len(mail.outbox)
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == MESSAGES
    assert len({m.to[0] for m in mail.outbox}) == MESSAGES
    assert Message.objects.filter(status="sent", attempts=1).count() == MESSAGES
    assert messages_deliver(budget_s=None) == {} and len(mail.outbox) == MESSAGES
    child_report(results)


if __name__ == "__main__":
    if "--child" in sys.argv[1:]:
        _child()
    else:
        print(json.dumps(run(), indent=2, sort_keys=True))
