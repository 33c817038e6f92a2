"""How long a signed-in session lasts (issue 15; ASVS 7.3.1, 7.3.2, 7.4.2).

Signed out after ``SESSION_IDLE_TIMEOUT`` seconds without a request (the page warns
``SESSION_IDLE_WARNING`` seconds before, and "Stay signed in" posts to the keep-alive view),
and ``SESSION_ABSOLUTE_TIMEOUT`` seconds after signing in, however busy: that limit never
slides. A session begun before the account's sessions were ended (switched off, then on
again) stays ended. ``SessionLimitsMiddleware`` applies this to every request."""

from __future__ import annotations

import enum
import time

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from .models import User

SIGNED_IN_AT = "signed_in_at"  # seconds since the epoch; set at sign-in, never changed
LAST_SEEN_AT = "last_seen_at"  # the last request's, to within TOUCH_EVERY
# A request records itself only when the recorded one is this old: a session write a
# minute at most, not one a request (the pages' query counts stay as they were).
TOUCH_EVERY = 60


class EndReason(enum.StrEnum):
    IDLE = "idle_timeout"
    ABSOLUTE = "absolute_timeout"
    REVOKED = "sessions_ended"  # the account was switched off since this session began
    NO_START = "no_sign_in_time"  # a session from before these limits: begin again


def _duration(seconds: int) -> str:
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    raise AssertionError("unreachable")  # pragma: no cover


def end_message(reason: EndReason) -> str | None:
    """What the sign-in page says about a session the service ended, if anything."""
    if reason == EndReason.IDLE:
        return ("For your security, you were signed out after "
                f"{_duration(settings.SESSION_IDLE_TIMEOUT)} without activity")
    if reason == EndReason.ABSOLUTE:
        return ("For your security, you were signed out "
                f"{_duration(settings.SESSION_ABSOLUTE_TIMEOUT)} after you signed in")
    return None


def session_begin(session: SessionBase) -> None:
    """At sign-in: both clocks start."""
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = time.time()


def session_end_reason(session: SessionBase, user: User) -> EndReason | None:
    """Why this signed-in session must end now, or None while it may go on."""
    now = time.time()
    started, seen = session.get(SIGNED_IN_AT), session.get(LAST_SEEN_AT)
    if started is None or seen is None:
        return EndReason.NO_START
    if user.sessions_ended_at is not None and started <= user.sessions_ended_at.timestamp():
        return EndReason.REVOKED
    if now - started >= settings.SESSION_ABSOLUTE_TIMEOUT:
        return EndReason.ABSOLUTE
    if now - seen >= settings.SESSION_IDLE_TIMEOUT:
        return EndReason.IDLE
    return None


def session_touch(session: SessionBase, *, always: bool = False) -> None:
    """Record activity now (at most once a ``TOUCH_EVERY``, unless ``always``)."""
    now = time.time()
    if always or now - session.get(LAST_SEEN_AT, 0) >= TOUCH_EVERY:
        session[LAST_SEEN_AT] = now


def seconds_left(session: SessionBase) -> int:
    """Until the service ends this session if nothing more happens: the idle limit from the
    last recorded activity, or the absolute one, whichever comes first."""
    now = time.time()
    idle_end = session.get(LAST_SEEN_AT, now) + settings.SESSION_IDLE_TIMEOUT
    absolute_end = session.get(SIGNED_IN_AT, now) + settings.SESSION_ABSOLUTE_TIMEOUT
    return max(int(min(idle_end, absolute_end) - now), 0)
