"""The outbox: emails commit with the change that queued them, each is sent once, a refused
address fails alone, a server that is down is tried again later, and nothing but the outbox
sends email."""

from __future__ import annotations

import ast
import datetime
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from outbox.models import Message
from outbox.services import (
    MAX_ATTEMPTS,
    message_deliver_next,
    message_queue,
    messages_deliver,
    outbox_sweep,
)
from tests.factories import PartnershipFactory

from .conftest import free_port

pytestmark = pytest.mark.django_db


def _queue(*addresses: str, **kwargs) -> int:
    return message_queue(to=list(addresses), subject=kwargs.pop("subject", "Due today"),
                         body="Case: ALPHA-2026-001\n", kind="test", **kwargs)


def test_emails_commit_with_the_change_that_queued_them_or_not_at_all():
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue("a@test.example", "b@test.example")
        assert Message.objects.count() == 2
        raise RuntimeError("the business change failed")
    assert not Message.objects.exists()
    with transaction.atomic():
        assert _queue("a@test.example", "b@test.example", "A@test.example ", "") == 3
    assert sorted(Message.objects.values_list("to", flat=True)) == [
        "A@test.example", "a@test.example", "b@test.example"]
    assert set(Message.objects.values_list("status", flat=True)) == {"pending"}


def test_one_delivery_task_per_transaction_however_many_emails(
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        _queue("a@test.example")
        _queue("b@test.example", "c@test.example")
        with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint rolled back
            _queue("d@test.example")
            raise RuntimeError
    assert len(callbacks) == 1
    assert Message.objects.count() == 3


def test_a_savepoint_rolled_back_takes_its_delivery_task_but_not_the_next(
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            _queue("d@test.example")
            raise RuntimeError
        _queue("e@test.example")  # its own callback: the first went with the savepoint
    assert len(callbacks) == 1


def test_delivery_sends_each_message_once_with_a_stable_message_id(mailoutbox):
    partnership = PartnershipFactory()
    _queue("a@test.example", "b@test.example", partnership_id=partnership.pk,
           reference="ALPHA-2026-001", related={"reminder": 7})
    assert messages_deliver(budget_s=None) == {"sent": 2}
    assert messages_deliver(budget_s=None) == {}
    assert sorted(m.to[0] for m in mailoutbox) == ["a@test.example", "b@test.example"]
    for sent in Message.objects.all():
        assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, "")
        assert sent.sent_at is not None
    ids = {m.extra_headers["Message-ID"] for m in mailoutbox}
    assert len(ids) == 2 and all(i.startswith("<outbox.") for i in ids)
    assert mailoutbox[0].from_email == settings.DEFAULT_FROM_EMAIL


def test_a_refused_address_fails_at_once_and_holds_up_nobody(smtp_email):
    stub = smtp_email(refuse={"gone@test.example"})
    _queue("first@test.example")
    _queue("gone@test.example")
    _queue("last@test.example")
    assert messages_deliver(budget_s=None) == {"sent": 2, "failed": 1}
    assert sorted(r[0] for r in stub.received) == ["first@test.example", "last@test.example"]
    failed = Message.objects.get(to="gone@test.example")
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.last_error.startswith("550 5.1.1")
    assert "User unknown" in failed.last_error
    assert "@" not in failed.last_error  # the server's answer, without the address
    assert messages_deliver(budget_s=None) == {}  # failed for good: not tried again


def test_a_mail_server_that_is_down_is_tried_again_later_less_often(settings, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _queue("a@test.example")
        assert messages_deliver(budget_s=None) == {"retry": 1}
    message = Message.objects.get()
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.next_attempt_at == start + datetime.timedelta(minutes=1)
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        assert messages_deliver(budget_s=None) == {}  # not due yet
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert messages_deliver(budget_s=None) == {"retry": 1}
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == start + datetime.timedelta(seconds=61 + 120)
    # The last attempt gives up, and says why.
    Message.objects.update(attempts=MAX_ATTEMPTS - 1, next_attempt_at=start)
    assert messages_deliver(budget_s=None) == {"failed": 1}
    message.refresh_from_db()
    assert message.status == "failed" and message.last_error.startswith("ConnectionRefused")
    # The server is back: nothing else was held up by the failure.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _queue("b@test.example")
    assert messages_deliver(budget_s=None) == {"sent": 1}
    assert [m.to for m in mailoutbox] == [["b@test.example"]]


def test_a_temporary_refusal_is_tried_again(smtp_email):
    stub = smtp_email(defer={"busy@test.example"})
    _queue("busy@test.example", "free@test.example")
    assert messages_deliver(budget_s=None) == {"retry": 1, "sent": 1}
    busy = Message.objects.get(to="busy@test.example")
    assert busy.status == "pending" and busy.last_error.startswith("451 4.3.0")
    stub.defer.clear()
    Message.objects.filter(pk=busy.pk).update(next_attempt_at=timezone.now())
    assert messages_deliver(budget_s=None) == {"sent": 1}
    assert [r[0] for r in stub.received].count("busy@test.example") == 1


def test_a_claim_whose_worker_died_is_put_back_once_it_lapses(mailoutbox):
    _queue("lost@test.example", "claimed@test.example")
    now = timezone.now()
    # As a worker killed between claiming and marking leaves its row: "sending", with a
    # claim that lapses OUTBOX_CLAIM_SECONDS later. One lapsed, one still held.
    Message.objects.filter(to="lost@test.example").update(
        status="sending", attempts=1, next_attempt_at=now - datetime.timedelta(seconds=1))
    Message.objects.filter(to="claimed@test.example").update(
        status="sending", attempts=1, next_attempt_at=now + datetime.timedelta(minutes=4))
    result = outbox_sweep(budget_s=None)
    assert result == {"released": 1, "sent": 1}
    assert [m.to for m in mailoutbox] == [["lost@test.example"]]
    lost = Message.objects.get(to="lost@test.example")
    assert (lost.status, lost.attempts, lost.last_error) == ("sent", 2, "")
    assert Message.objects.get(to="claimed@test.example").status == "sending"


def test_a_worker_whose_claim_lapsed_does_not_mark_the_message(settings):
    """A send slower than its claim: the message was put back and taken again while it was
    being sent, so the slow worker leaves the row to the claim that holds it now."""
    settings.EMAIL_BACKEND = "tests.outbox.backends.ClaimTakenWhileSendingBackend"
    _queue("slow@test.example")
    assert message_deliver_next() == "sent"
    message = Message.objects.get()
    assert (message.status, message.attempts, message.sent_at) == ("sending", 2, None)


@pytest.mark.django_db(transaction=True)
def test_three_workers_at_once_send_each_message_exactly_once(mailoutbox):
    with transaction.atomic():
        for n in range(300):
            _queue(f"person{n}@test.example")
    results, errors = [], []

    def worker():
        try:
            results.append(messages_deliver(budget_s=None))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sum(r.get("sent", 0) for r in results) == 300
    assert all(r.get("sent", 0) > 0 for r in results)  # they really did share the work
    assert len(mailoutbox) == 300
    assert len({m.to[0] for m in mailoutbox}) == 300
    assert Message.objects.filter(status="sent", attempts=1).count() == 300


def test_a_password_reset_link_is_forgotten_once_sent(mailoutbox):
    message_queue(to="a@test.example", subject="Reset your password", kind="password_reset",
                  body="https://reviews.example/password-reset/MQ/secret-token/", secret=True)
    messages_deliver(budget_s=None)
    assert "secret-token" in mailoutbox[0].body
    assert Message.objects.get().body == ""


def test_the_same_dedupe_key_is_queued_once():
    for _ in range(2):
        with transaction.atomic():
            _queue("a@test.example", "b@test.example", dedupe_key="letter:12")
    assert Message.objects.count() == 2
    _queue("a@test.example", dedupe_key="letter:13")
    assert Message.objects.count() == 3


SENDERS = {"send_mail", "send_mass_mail", "EmailMessage", "EmailMultiAlternatives",
           "get_connection", "mail_admins", "mail_managers"}


def test_nothing_but_the_outbox_sends_email():
    """Every email goes through outbox/: no other module of the product imports Django's
    senders (the password reset form overrides Django's sending with the outbox's)."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in {".venv", "node_modules", "outbox", "tests", "build"}:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "django.core.mail"):
                offenders += [f"{relative}: {a.name}" for a in node.names]
            elif isinstance(node, ast.Attribute) and node.attr in SENDERS:
                offenders.append(f"{relative}:{node.lineno}: .{node.attr}")
    assert not offenders


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_change_commits_and_the_sweep_delivers(tmp_path,
                                                                       mailoutbox):
    """Queueing happens in another process whose broker is a closed port: the transaction
    commits, asking the worker fails quietly, and the sweep delivers later."""
    db = settings.DATABASES["default"]
    database_url = (f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
                    f"{db['PORT'] or 5432}/{db['NAME']}")
    script = ("import django; django.setup()\n"
              "from django.db import transaction\n"
              "from outbox.services import message_queue\n"
              "with transaction.atomic():\n"
              "    message_queue(to='a@test.example', subject='Due', body='x', kind='test')\n"
              "print('committed')\n")
    env = {**os.environ, "DATABASE_URL": database_url, "VAR_DIR": str(tmp_path),
           "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "committed" in done.stdout
    assert "Could not queue email delivery" in done.stderr
    assert Message.objects.get().status == "pending"
    assert outbox_sweep(budget_s=None) == {"released": 0, "sent": 1}
    assert [m.to for m in mail.outbox] == [["a@test.example"]]
