"""Per-request facts (request id, client IP) that the audit trail records.

Held in context variables so services can audit without being handed the request.
"""

from __future__ import annotations

import contextvars
import uuid

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


def client_ip_from(meta: dict) -> str | None:
    return meta.get("REMOTE_ADDR") or None
