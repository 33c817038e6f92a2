"""Soak: 1,000 reminders due, through a real worker, two beats and a private Redis, under
the faults an operator meets (issue 10): the worker killed with SIGKILL mid-sweep and
started again, Redis shut down without saving and started again, two beats sweeping at
once, and a mail server that refuses one address.

It ends with every reminder sent, each email reaching each good address under one
Message-ID, the refused one failed, recorded and on the business unit's page. SMTP cannot
be exactly-once across a crash: a worker killed after the server took an email and before
the outbox marked it sends that one email again, with the same Message-ID (so the
recipient's mail system can drop it). The test allows that, for the messages that were in
flight at the kill, and nothing else.

Run alone: ``make test PYTEST_ARGS="-m soak"``.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from calendars.models import AnchorEvent, Deadline, Reminder, TimelineStep, TimelineTemplate
from calendars.services import template_adopt
from cases.models import Case, Stage
from outbox.models import Message
from tests.factories import user_with_role

from .conftest import free_port

pytestmark = [pytest.mark.soak, pytest.mark.django_db(transaction=True)]
REMINDERS = 1000
REFUSED = "refused@test.example"
WAIT_S = 90  # for each phase; the whole test takes well under a minute when healthy


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return (f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


def _wait(condition, what: str, timeout: float = WAIT_S, logs: list[Path] = ()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-4000:]}" for p in logs if p.exists())
    pytest.fail(f"Timed out waiting for {what}\n{tails}")


class Processes:
    """The servers and workers this test starts, each stopped at the end whatever happens."""

    def __init__(self, tmp: Path, env: dict):
        self.tmp, self.env, self.started = tmp, env, []

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "a")  # noqa: SIM115 - closed by stop_all
        process = subprocess.Popen(args, cwd=settings.BASE_DIR, env=self.env,  # noqa: S603
                                   stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.started.append((process, log))
        return process

    def celery(self, name: str, *args: str) -> subprocess.Popen:
        return self.start(name, [sys.executable, "-m", "celery", "-A", "config", *args,
                                 "--loglevel=INFO"])

    def log(self, name: str) -> Path:
        return self.tmp / f"{name}.log"

    def stop_all(self) -> None:
        """Everything was checked done before this: no need to wait for a warm shutdown."""
        for process, log in reversed(self.started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()


def _due_reminders(partnership, count: int) -> list[Reminder]:
    """``count`` reminders due today on open deadlines far enough ahead that the day's
    planning adds none: all but one to the business unit officers, one to the person whose
    address the mail server refuses."""
    template = template_adopt(actor=None, partnership=partnership, builtin=TimelineTemplate
                              .objects.filter(partnership__isnull=True).first())
    step = TimelineStep.objects.filter(template=template).first()
    refused = user_with_role(partnership, Role.SCRUTINEER, user__email=REFUSED)
    year = timezone.localdate().year
    cases = Case.objects.bulk_create(
        Case(partnership=partnership, reference=f"SOAK-{year}-{n:04d}", stage=Stage.RAPID_REVIEW)
        for n in range(count))
    anchors = AnchorEvent.objects.bulk_create(
        AnchorEvent(case=case, kind=step.anchor, occurred_on=timezone.localdate())
        for case in cases)
    due = timezone.localdate() + datetime.timedelta(days=90)
    deadlines = Deadline.objects.bulk_create(
        Deadline(partnership=partnership, case=case, step=step, anchor_event=anchor,
                 due_date=due, responsible_role=Role.BUSINESS_UNIT_OFFICER,
                 responsible_user=refused if n == 0 else None)
        for n, (case, anchor) in enumerate(zip(cases, anchors, strict=True)))
    return Reminder.objects.bulk_create(
        Reminder(deadline=d, kind=Reminder.Kind.BEFORE, for_date=timezone.localdate())
        for d in deadlines)


def test_soak_every_reminder_sent_once_through_crashes_restarts_and_two_beats(
        tmp_path, partnership, make_user, smtp_stub, client):
    stub, smtp_port = smtp_stub(refuse={REFUSED})
    officers = [make_user(Role.BUSINESS_UNIT_OFFICER) for _ in range(2)]
    good = sorted(o.email for o in officers)
    _due_reminders(partnership, REMINDERS)
    expected_good = (REMINDERS - 1) * len(good)

    redis_port = free_port()
    env = {**os.environ, "DATABASE_URL": _database_url(), "VAR_DIR": str(tmp_path),
           "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
           "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "EMAIL_TIMEOUT": "2",
           "OUTBOX_CLAIM_SECONDS": "8", "OUTBOX_SWEEP_SECONDS": "2", "LOG_LEVEL": "INFO"}
    processes = Processes(tmp_path, env)
    redis_args = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                  "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"]
    broker = redis.Redis(port=redis_port)
    logs = [processes.log(n) for n in ("worker-1", "worker-2", "beat-1", "beat-2")]
    started = time.monotonic()
    try:
        processes.start("redis-1", redis_args)
        _wait(lambda: _pings(broker), "Redis to start")
        worker_args = ("worker", "--concurrency=2", "--without-heartbeat", "--without-gossip",
                       "--without-mingle", "-n", "soak@%h")
        worker = processes.celery("worker-1", *worker_args)
        for n in (1, 2):
            processes.celery(f"beat-{n}", "beat", "-s", str(tmp_path / f"beat-{n}-schedule"),
                             "--pidfile", str(tmp_path / f"beat-{n}.pid"))

        # The starting worker and beats catch up the reminders, and the worker delivers
        # their emails: kill it (every process of it) mid-sweep, emails in flight.
        _wait(lambda: len(stub.received) >= 100, "the sweep to start", logs=logs)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        in_flight = set(Message.objects.filter(status="sending").values_list("pk", flat=True))
        at_kill = (Reminder.objects.filter(sent_at__isnull=False).count(), len(stub.received))
        assert at_kill[1] < expected_good  # killed mid-sweep, not after it

        processes.celery("worker-2", *worker_args)
        _wait(lambda: "ready." in processes.log("worker-2").read_text(), "the worker again",
              logs=logs)
        _wait(lambda: len(stub.received) > at_kill[1] + 50, "delivery to go on", logs=logs)

        broker.shutdown(nosave=True)  # Redis goes, with every queued task
        _wait(lambda: not _pings(broker), "Redis to stop")
        processes.start("redis-2", redis_args)
        _wait(lambda: _pings(broker), "Redis to start again")

        def finished():
            return (not Reminder.objects.filter(sent_at__isnull=True).exists()
                    and not Message.objects.exclude(status__in=["sent", "failed"]).exists()
                    and len({r[:2] for r in stub.received}) >= expected_good)
        _wait(finished, "every email to be delivered", logs=logs)
        time.sleep(6)  # the two beats go on sweeping: nothing more is sent
        elapsed = time.monotonic() - started
    finally:
        processes.stop_all()

    # Every reminder sent, once: its emails queued once, one per person.
    assert Reminder.objects.count() == REMINDERS
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    messages = Message.objects.filter(kind="reminder")
    assert messages.count() == expected_good + 1
    assert Counter(m.related["reminder"] for m in messages).most_common(1)[0][1] == len(good)

    # Every good address got every reminder's email under one Message-ID; the only emails
    # that arrived twice were in flight when the worker was killed.
    sent = {m.pk: m for m in messages.filter(status="sent")}
    assert len(sent) == expected_good
    received = Counter((to, message_id) for to, message_id, _subject in stub.received)
    assert sorted(set(received)) == sorted((m.to, _message_id_of(m)) for m in sent.values())
    twice = {message_id for (_to, message_id), n in received.items() if n > 1}
    assert len(twice) <= len(in_flight) <= 2  # two worker processes: one message each
    assert twice <= {_message_id_of(sent[pk]) for pk in in_flight if pk in sent}
    assert all(n <= 2 for n in received.values())
    assert not [r for r in stub.received if r[0] == REFUSED]
    for address in good:
        assert len({m for to, m in received if to == address}) == REMINDERS - 1

    # The refused address: failed at once, the server's reason recorded, on the page.
    failed = Message.objects.get(status="failed")
    assert failed.to == REFUSED and failed.attempts == 1 + (failed.pk in in_flight)
    assert failed.last_error.startswith("550 5.1.1") and "@" not in failed.last_error
    client.force_login(officers[0])
    page = client.get(reverse("outbox:undelivered")).content.decode()
    assert REFUSED in page and "Recipient address rejected" in page
    assert page.count("Try again<span") == 1
    print(f"\nsoak: {elapsed:.0f} s; killed with {at_kill[0]} reminders marked and "
          f"{at_kill[1]} emails received; {len(in_flight)} in flight; {len(twice)} sent twice")


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


def _message_id_of(message: Message) -> str:
    from outbox.services import message_id

    return message_id(message)
