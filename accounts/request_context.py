"""Per-request facts (request id, client IP) that the audit trail records.

Held in context variables so services can audit without being handed the request.
"""

from __future__ import annotations

import contextvars
import re
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
client_ip_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "client_ip", default=None
)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_from(header_value: str | None) -> str:
    """Keep a proxy's X-Request-ID when it looks sane, otherwise make a new one."""
    if header_value and _REQUEST_ID.match(header_value):
        return header_value
    return uuid.uuid4().hex


def client_ip_from(meta: dict) -> str | None:
    return meta.get("REMOTE_ADDR") or None
