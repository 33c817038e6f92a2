"""Brute force (issue 15, Cyber Essentials): how many tries one person or one address gets.

Signing in, to the service and to the operations admin, is counted by django-axes (settings:
``AXES_*``): 10 failures in 5 minutes lock the email address typed and, separately, the
client's address, whether or not an account has that email address, and the page says so in
its error summary (``SignInForm``), in words that are the same for every email address.
Password reset requests are counted here, from the audit trail they already write: at most
``PASSWORD_RESET_REQUEST_LIMIT`` in the window from one address (refused, with a message)
and as many reset emails to one account (held back without a word, so the page still
answers the same for an address with an account and one without)."""

from __future__ import annotations

import enum

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from . import selectors
from .audit import audit_record
from .models import AuditEvent, User


def window_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def sign_in_locked_message() -> str:
    return (f"There have been too many attempts to sign in. Wait {window_minutes()} minutes, "
            "then try again")


def password_reset_refused_message() -> str:
    return (f"There have been too many requests to reset a password from this network. Wait "
            f"{window_minutes()} minutes, then try again")


def username_of(request: HttpRequest, credentials: dict | None) -> str | None:
    """What axes counts as the account (``AXES_USERNAME_CALLABLE``): the email address as
    typed, in lower case, so 'Name@x' and 'name@x' are one account."""
    typed = (credentials or {}).get("username") if credentials else request.POST.get(
        "username")
    if not isinstance(typed, str):
        return None
    return typed.strip().lower() or None


def lockout_response(request: HttpRequest, original_response: HttpResponse | None,
                     credentials: dict | None) -> HttpResponse:
    """The page the sign-in form rendered, its error summary saying the sign-in is locked,
    as 429 Too Many Requests (``AXES_LOCKOUT_CALLABLE``; not axes' own page)."""
    if original_response is None:
        return HttpResponse(sign_in_locked_message(), status=429, content_type="text/plain")
    if original_response.status_code == 200:
        original_response.status_code = 429
    return original_response


class ResetOutcome(enum.StrEnum):
    SEND = "send"
    HELD_BACK = "held_back"  # enough emails to this account already: say the same, send none
    REFUSED = "refused"  # too many requests from this address: say so


@transaction.atomic
def password_reset_request(*, email: str, ip_address: str | None) -> ResetOutcome:
    """Decide whether a reset email may go, and audit the request (the count's source).

    Only requests let through count, so one address or one account gets at most the limit
    in any window of ``AXES_COOLOFF_TIME``."""
    user = User.objects.filter(email__iexact=email).first()
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    limit = settings.PASSWORD_RESET_REQUEST_LIMIT
    outcome = ResetOutcome.SEND
    if ip_address and selectors.password_reset_requests_from(
            ip_address=ip_address, since=since) >= limit:
        outcome = ResetOutcome.REFUSED
    elif user is not None and selectors.password_reset_requests_for(
            user=user, since=since) >= limit:
        outcome = ResetOutcome.HELD_BACK
    audit_record(action=AuditEvent.Action.PASSWORD_RESET, obj=user,
                 detail={"known_account": user is not None,
                         "accepted": outcome == ResetOutcome.SEND, "outcome": str(outcome)})
    return outcome
