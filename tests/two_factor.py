"""Signing in, in tests, with the second step: the test client's ``force_login`` also
counts the session as verified by the person's authenticator app (made for them if they
have none, as if they had set one up), and ``app_code`` is the code their app would show."""

import time

from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice


def app_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app",
                                               confirmed=True)


def code_for_key(key: bytes, *, after_step: int = -1) -> str:
    """The code an app with this key shows: for the current 30-second step, or the first
    later one the service will still take (a code is never taken twice, and the service
    takes one step either side of now), waiting for the clock if need be. Never the step
    before now: on a busy machine the code can reach the service after the clock has moved
    on a step, and the step before that is no longer taken."""
    while True:
        now = int(time.time()) // 30
        step = max(now, after_step + 1)
        if step <= now + 1:
            return str(hotp(key, step, digits=6)).zfill(6)
        time.sleep(1)


def app_code(user) -> str:
    """The person's next code. A journey signs the same person in more often than an app
    shows new codes: rather than wait up to 30 s for the clock, the device is told its last
    code was older, as if time had passed."""
    device = app_device(user)
    device.refresh_from_db()
    now = int(time.time()) // 30
    if device.last_t >= now:
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=now - 1)
        device.last_t = now - 1
    return code_for_key(device.bin_key, after_step=device.last_t)


_force_login = ClientMixin.force_login


def _verified_force_login(self, user, backend=None):
    _force_login(self, user, backend)
    session = self.session
    session[DEVICE_ID_SESSION_KEY] = app_device(user).persistent_id
    session.save()


def install() -> None:
    ClientMixin.force_login = _verified_force_login
