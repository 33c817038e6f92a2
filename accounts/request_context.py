"""Per-request facts (request id, client IP) that the audit trail records.

Held in context variables so services can audit without being handed the request.
"""

from __future__ import annotations

import contextvars
import ipaddress
import uuid

from django.conf import settings

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
client_ip_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "client_ip", default=None
)
# The signed-in user's id, for the row history's trigger (accounts/history.py).
actor_id_var: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "actor_id", default=None
)

def request_id_new() -> str:
    """Made here for every request, never taken from the client: an X-Request-ID header
    anyone can send must not decide what the audit trail ties together."""
    return uuid.uuid4().hex


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip_from(meta: dict) -> str | None:
    """The client's address, the one the audit trail records and sign-in throttling counts.

    REMOTE_ADDR, unless ``TRUSTED_PROXY_HEADER`` names the header our own proxy sets: then
    the address ``TRUSTED_PROXY_COUNT`` places from its right (a client can put anything to
    the left of what our proxy appends, so the left-most one is never believed). A header
    missing or malformed falls back to REMOTE_ADDR."""
    header = settings.TRUSTED_PROXY_HEADER
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        hops = [part for part in meta.get(key, "").split(",") if part.strip()]
        count = max(settings.TRUSTED_PROXY_COUNT, 1)
        if len(hops) >= count and (address := _valid_ip(hops[-count])):
            return address
    return _valid_ip(meta.get("REMOTE_ADDR"))


def client_ip_of(request) -> str | None:
    """For django-axes (``AXES_CLIENT_IP_CALLABLE``): the same address as the audit trail."""
    return client_ip_from(request.META)
