"""Exactly-once email, as near as SMTP allows (docs/decisions/0005-outbox.md).

Every email the product sends is queued here, as ``Message`` rows written in the caller's
transaction: the business change and its emails commit together or not at all. After the
commit the worker is asked to deliver (``transaction.on_commit``); if the broker is down,
the sweep (every minute) delivers instead.

Delivery claims one row at a time: lock it (``skip_locked``), mark it *sending* and commit,
send it with the ``EMAIL_TIMEOUT``, then mark it *sent*. A worker that dies between the
send and the mark leaves the row *sending*; once the claim lapses (``OUTBOX_CLAIM_SECONDS``)
the sweep puts it back, so a crash re-sends at most the one message that was in flight, with
the same Message-ID. A refusal the server says is permanent (5xx for that address) fails
that message at once; anything else is tried again with backoff, and never holds up any
other message.
"""

from __future__ import annotations

import datetime
import logging
import re
import smtplib
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, User
from config.bulk import insert_rows

from .models import Message

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10  # with the backoff below, about four hours of trying
BACKOFF_FIRST_S = 60
BACKOFF_MAX_S = 60 * 60
# A task delivers for about this long, then hands over to the next (time limits stay far).
DELIVERY_BUDGET_S = 45
ADDRESS = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")


class OutboxError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Email:
    """One email to one address, as a caller describes it."""

    to: str
    subject: str
    body: str
    kind: str
    partnership_id: int | None = None
    reference: str = ""
    related: dict = field(default_factory=dict)
    dedupe_key: str | None = None
    secret: bool = False


# --------------------------------------------------------------------------- queueing


def messages_queue(emails: Iterable[Email]) -> int:
    """Write the emails in the caller's transaction and ask the worker to deliver them once
    it commits. An email whose ``dedupe_key`` is already queued is left out. Returns how
    many were offered. (One statement a few thousand emails: a reminder sweep queues tens
    of thousands.)"""
    emails = [e for e in emails if e.to]
    if not emails:
        return 0
    now = timezone.now()
    insert_rows(Message, _GIVEN, [
        (e.to, e.subject[:255], e.body, e.kind, e.partnership_id, e.reference, e.related,
         e.secret, e.dedupe_key) for e in emails],
        same={"status": Message.Status.PENDING, "attempts": 0, "next_attempt_at": now,
              "last_error": "", "created_at": now},
        ignore_conflicts=any(e.dedupe_key for e in emails))
    _deliver_after_commit()
    return len(emails)


_GIVEN = ("to", "subject", "body", "kind", "partnership_id", "reference", "related", "secret",
          "dedupe_key")


def message_queue(*, to: str | Iterable[str], subject: str, body: str, kind: str,
                  partnership_id: int | None = None, reference: str = "",
                  related: dict | None = None, dedupe_key: str | None = None,
                  secret: bool = False) -> int:
    """The same email to each address (one row each, each address once). With a
    ``dedupe_key``, each row's key is the key and the address, so queueing the same emails
    twice adds nothing."""
    addresses = [to] if isinstance(to, str) else list(to)
    addresses = list(dict.fromkeys(a.strip() for a in addresses if a and a.strip()))
    return messages_queue(
        Email(to=address, subject=subject, body=body, kind=kind,
              partnership_id=partnership_id, reference=reference, related=related or {},
              dedupe_key=f"{dedupe_key}:{address.lower()}" if dedupe_key else None,
              secret=secret)
        for address in addresses)


def _deliver_after_commit() -> None:
    """One delivery task per transaction, however many messages it queued. (A callback
    registered inside a savepoint that rolls back is dropped with it, so look again.)"""
    if not any(entry[1] is deliver_soon for entry in db_connection.run_on_commit):
        transaction.on_commit(deliver_soon)


def deliver_soon() -> None:
    """Ask the worker to deliver now. If the broker cannot take the task, the messages are
    safe in the database and the sweep delivers them within a minute: never an error for
    the person whose action queued them."""
    from .tasks import outbox_deliver

    try:
        outbox_deliver.apply_async(retry=False)
    except Exception:  # noqa: BLE001 - any broker failure; the sweep catches up
        logger.warning("Could not queue email delivery; the outbox sweep will send it",
                       exc_info=True)


# --------------------------------------------------------------------------- delivery


def message_id(message: Message) -> str:
    """The same for every attempt at one message, so a re-send after a crash can be
    recognised as the same email by the recipient's mail system."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<outbox.{message.pk}.{message.created_at:%Y%m%d%H%M%S%f}@{domain}>"


def _reason(exc: BaseException) -> tuple[bool, str]:
    """(permanent?, what the server said, without any address in it)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, text = next(iter(exc.recipients.values()))
        permanent = 500 <= code < 600
    elif isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError):
        # Our own configuration, not this message: every message would fail the same way,
        # and succeed once it is put right.
        code, text, permanent = exc.smtp_code, exc.smtp_error, False
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, text = exc.smtp_code, exc.smtp_error
        permanent = 500 <= code < 600
    elif isinstance(exc, OSError):  # refused, timed out, disconnected
        return False, _clean(f"{type(exc).__name__}: {exc}")
    else:  # the message itself cannot be sent (a bad header): no retry will help
        return True, _clean(f"{type(exc).__name__}: {exc}")
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return permanent, _clean(f"{code} {text}")


def _clean(text: str) -> str:
    return ADDRESS.sub("[address]", " ".join(text.split()))[:300]


def _claim(now) -> Message | None:
    """Lock the next due message, mark it sending and commit: other workers skip it."""
    with transaction.atomic():
        message = (Message.objects.select_for_update(skip_locked=True, of=("self",))
                   .filter(status=Message.Status.PENDING, next_attempt_at__lte=now)
                   .order_by("next_attempt_at", "id").first())
        if message is None:
            return None
        message.status = Message.Status.SENDING
        message.attempts += 1
        message.next_attempt_at = now + datetime.timedelta(
            seconds=settings.OUTBOX_CLAIM_SECONDS)
        message.save(update_fields=["status", "attempts", "next_attempt_at"])
    return message


def _mark_sent(message: Message) -> None:
    """At once after the server took it: the window in which a crash re-sends it is this
    one statement. Only our own claim is marked: one that lapsed and was taken again by
    another worker is not ours."""
    Message.objects.filter(pk=message.pk, status=Message.Status.SENDING,
                           attempts=message.attempts).update(
        status=Message.Status.SENT, sent_at=timezone.now(), last_error="",
        **({"body": ""} if message.secret else {}))


def _send(message: Message, connection) -> str | None:
    """Send one claimed message. None when the server took it (the caller marks it sent);
    otherwise the failure is recorded and its outcome returned, ``retry`` or ``failed``."""
    email = EmailMessage(subject=message.subject, body=message.body, to=[message.to],
                         from_email=settings.DEFAULT_FROM_EMAIL, connection=connection,
                         headers={"Message-ID": message_id(message)})
    try:
        connection.open()  # the one already open, if any: a batch shares one connection
        if not connection.send_messages([email]):
            raise OutboxError("The mail backend accepted nothing")
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the message
        permanent, reason = _reason(exc)
        if not isinstance(exc, smtplib.SMTPRecipientsRefused):
            connection.close()  # the next message starts on a fresh connection
        return _record_failure(message, reason, permanent=permanent)
    return None


def message_deliver_next(*, connection=None) -> str | None:
    """Claim one due message, send it, record what happened: ``"sent"``, ``"retry"`` or
    ``"failed"``; None when nothing is due."""
    message = _claim(timezone.now())
    if message is None:
        return None
    own = connection is None
    connection = connection or get_connection()
    try:
        outcome = _send(message, connection)
    finally:
        if own:
            connection.close()
    if outcome is None:
        _mark_sent(message)
    return outcome or "sent"


def _record_failure(message: Message, reason: str, *, permanent: bool) -> str:
    now = timezone.now()
    if permanent or message.attempts >= MAX_ATTEMPTS:
        outcome, changes = "failed", {"status": Message.Status.FAILED}
        if message.secret:
            changes["body"] = ""
    else:
        delay = min(BACKOFF_FIRST_S * 2 ** (message.attempts - 1), BACKOFF_MAX_S)
        outcome, changes = "retry", {
            "status": Message.Status.PENDING,
            "next_attempt_at": now + datetime.timedelta(seconds=delay)}
    Message.objects.filter(pk=message.pk, status=Message.Status.SENDING,
                           attempts=message.attempts).update(last_error=reason, **changes)
    logger.warning("Email %s (%s) not delivered, %s: %s", message.pk, message.kind, outcome,
                   reason)
    return outcome


def messages_deliver(*, budget_s: float | None = DELIVERY_BUDGET_S,
                     limit: int | None = None) -> dict:
    """Deliver due messages one at a time over one mail connection, until none is due,
    ``limit`` were tried or ``budget_s`` has passed. Counts by outcome, and ``more`` when
    it stopped with messages perhaps still due."""
    counts: Counter = Counter()
    started = time.monotonic()
    connection = get_connection()
    try:
        while True:
            if (limit is not None and counts.total() >= limit) or (
                    budget_s is not None and time.monotonic() - started >= budget_s):
                counts["more"] = 1
                break
            outcome = message_deliver_next(connection=connection)
            if outcome is None:
                break
            counts[outcome] += 1
    finally:
        connection.close()
    return dict(counts)


def messages_release_lapsed() -> int:
    """Put back messages whose claim lapsed (the worker died mid-send), to be sent again."""
    now = timezone.now()
    return Message.objects.filter(status=Message.Status.SENDING,
                                  next_attempt_at__lt=now).update(
        status=Message.Status.PENDING, next_attempt_at=now,
        last_error="Interrupted while sending: will be sent again")


def outbox_sweep(*, budget_s: float | None = DELIVERY_BUDGET_S) -> dict:
    """Every minute: put back lapsed claims, then deliver what is due."""
    released = messages_release_lapsed()
    return {"released": released, **messages_deliver(budget_s=budget_s)}


# --------------------------------------------------------------------------- the business unit


@transaction.atomic
def message_retry(*, actor: User, message: Message) -> bool:
    """The business unit's "Try again": the message is due now. Its attempts still count
    (a message that used up its attempts is tried once more). A message already due, being
    sent or sent is left alone: a second click does nothing. Returns whether anything
    changed."""
    message = Message.objects.select_for_update(of=("self",)).get(pk=message.pk)
    if not message.can_try_again:
        return False
    if message.secret and not message.body:
        raise OutboxError("This email held a password reset link and cannot be sent again: "
                          "ask the person to reset their password again")
    message.status = Message.Status.PENDING
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["status", "next_attempt_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=message,
                 partnership_id=message.partnership_id,
                 detail={"event": "email_retry", "kind": message.kind})
    _deliver_after_commit()
    return True
