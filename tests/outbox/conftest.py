"""A mail server in the test process (aiosmtpd), and free ports for servers a test starts."""

from __future__ import annotations

import email
import logging
import socket
import threading

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpStub:
    """Takes every email, except that it refuses the ``refuse`` addresses for good (550)
    and the ``defer`` addresses for now (451), as a real gateway would at RCPT TO."""

    def __init__(self, *, refuse=(), defer=()):
        self.refuse, self.defer = set(refuse), set(defer)
        self.received: list[tuple[str, str, str]] = []  # (to, Message-ID, subject)
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address in self.defer:
            return "451 4.3.0 Mailbox temporarily unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        parsed = email.message_from_bytes(envelope.content)
        with self._lock:
            self.received += [(to, parsed["Message-ID"], parsed["Subject"])
                              for to in envelope.rcpt_tos]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[tuple[str, str, str]]:
        with self._lock:
            return [r for r in self.received if r[0] == address]


@pytest.fixture
def smtp_stub():
    """Start a stub server; yields a function (refuse=..., defer=...) -> (stub, port)."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    started = []

    def start(*, refuse=(), defer=()):
        stub = SmtpStub(refuse=refuse, defer=defer)
        port = free_port()
        controller = Controller(stub, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        return stub, port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def smtp_email(settings, smtp_stub):
    """This process sends through a stub server: returns a function (refuse=..., defer=...)
    -> the stub."""

    def use(**kwargs):
        stub, port = smtp_stub(**kwargs)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        return stub

    return use
