"""Sign-in, sign-out and failed sign-in go to the audit trail; signing in starts the
session's clocks (session_limits.py)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import session_limits
from .audit import audit_record
from .models import AuditEvent


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_limits.session_begin(request.session)
    audit_record(action=AuditEvent.Action.SIGN_IN, actor=user, obj=user)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        # Why, when the service ended the session rather than the person (middleware.py).
        reason = getattr(request, "session_end_reason", None)
        audit_record(action=AuditEvent.Action.SIGN_OUT, actor=user, obj=user,
                     detail={"reason": str(reason)} if reason else None)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Never store the typed email: record the account's id only when it exists. Axes has
    # counted this failure already ("axes" comes before "accounts" in INSTALLED_APPS):
    # ``locked_out`` marks the failure that locked the sign-in and every one refused after.
    email = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    audit_record(
        action=AuditEvent.Action.SIGN_IN_FAILED,
        obj=user,
        detail={"known_account": user is not None,
                "locked_out": bool(getattr(request, "axes_locked_out", False))},
    )
