"""The second step of signing in: a code from an authenticator app (TOTP), or one of ten
single-use recovery codes. django-otp holds the devices and checks the codes; this module
says when a person sets one up, how a code is accepted and who may reset it.

Everyone has to pass it, on every role and in the operations admin
(``accounts.middleware.LoginRequiredMiddleware`` sends a signed-in but unverified person
here). Setting up keeps the new key in the session until the first code from it is right,
so showing the set-up page stores nothing.
"""

from __future__ import annotations

import base64
import secrets
import time
from urllib.parse import quote

import django_otp
import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import rules
from .audit import audit_record
from .models import AuditEvent, Partnership, User

SESSION_NEW_KEY = "two_factor_new_key"
SESSION_NEW_RECOVERY_CODES = "two_factor_new_recovery_codes"
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# Codes one step (30 s) either side of now are accepted: a phone's clock a little out.
TOLERANCE = 1


def app_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_app(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def new_key(request: HttpRequest) -> bytes:
    """The key being set up, made once per session, so a reload shows the same QR code."""
    key_hex = request.session.get(SESSION_NEW_KEY)
    if not key_hex:
        key_hex = secrets.token_hex(20)
        request.session[SESSION_NEW_KEY] = key_hex
    return bytes.fromhex(key_hex)


def key_for_typing(key: bytes) -> str:
    """The key as an app asks for it when typed in: base32 in groups of four."""
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def qr_code(user: User, key: bytes) -> SafeString:
    """The otpauth:// link as an inline SVG QR code (no image request, no script)."""
    label = f"{settings.SERVICE_NAME}:{user.email}"
    uri = (f"otpauth://totp/{quote(label)}?secret="
           f"{base64.b32encode(key).decode().rstrip('=')}&issuer={quote(settings.SERVICE_NAME)}"
           "&digits=6&period=30&algorithm=SHA1")
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, title="QR code to scan with your authenticator app", svgclass="app-qr-code")
    return format_html("{}", SafeString(svg))


def _matching_step(key: bytes, code: str) -> int | None:
    """The time step whose code this is, within the tolerance, or None."""
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time()
    for drift in range(-TOLERANCE, TOLERANCE + 1):
        totp.drift = drift
        if secrets.compare_digest(str(totp.token()).zfill(6), code):
            return totp.t()
    return None


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def app_set_up(request: HttpRequest, *, user: User, code: str) -> list[str]:
    """Confirm the app with its first code: store it, make the recovery codes and count
    this sign-in as verified. Returns the recovery codes, shown once."""
    code = _normalise(code)
    key = new_key(request)
    step = _matching_step(key, code)
    if step is None:
        raise ValidationError({"code": "The code is not right. Check the code in your "
                                       "authenticator app and enter the newest one"})
    User.objects.select_for_update().get(pk=user.pk)  # two tabs set up one app, not two
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=key.hex(),
                                       confirmed=True, last_t=step)
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME,
                                           confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
    del request.session[SESSION_NEW_KEY]
    request.session[SESSION_NEW_RECOVERY_CODES] = codes
    django_otp.login(request, device)
    audit_record(action=AuditEvent.Action.UPDATE, actor=user, obj=user,
                 detail={"second_factor": "set up"})
    return codes


def code_check(request: HttpRequest, *, user: User, code: str) -> None:
    """Accept a code from the app (six digits) or an unused recovery code (any other
    shape), each kind throttled by django-otp on its own: a wrong code makes the next try
    of that kind wait 1, 2, 4... seconds."""
    code = _normalise(code)
    device = (app_device(user) if code.isdigit() and len(code) == 6 else
              StaticDevice.objects.filter(user=user, confirmed=True).first())
    if device is not None:
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            raise ValidationError({"code": "You have entered too many wrong codes. Wait a "
                                           "minute, then enter the newest code"})
        if device.verify_token(code):
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                audit_record(action=AuditEvent.Action.UPDATE, actor=user, obj=user,
                             detail={"second_factor": "recovery code used",
                                     "recovery_codes_left": device.token_set.count()})
            return
    audit_record(action=AuditEvent.Action.SIGN_IN_FAILED, actor=user, obj=user,
                 detail={"second_factor": True})
    raise ValidationError({"code": "The code is not right. Check the code in your "
                                   "authenticator app and enter the newest one"})


@transaction.atomic
def second_factor_reset(*, actor: User, person: User, partnership: Partnership) -> None:
    """An administrator's reset for someone who lost their phone: the app and recovery
    codes go, their sessions end (whoever has the phone is signed out), and they set up a
    new app at their next sign-in."""
    if not rules.can_reset_second_factor(actor, person, partnership):
        raise ValidationError("You cannot reset your own authenticator app. Ask another "
                              "administrator")
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    person.sessions_ended_at = timezone.now()
    person.save(update_fields=["sessions_ended_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=person,
                 partnership=partnership, detail={"second_factor": "reset"})
