"""A small asyncio HTTP client for the load benchmark (standard library only): each
simulated person signs in with their password and authenticator code, then opens their
pages in turn, each after the floor page, and every request's seconds and status are kept.

HTTP/1.0, one connection per request (gunicorn's sync workers close it anyway), so the
body is everything up to the end of the stream and never chunked.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import random
import re
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMEOUT_S = 120
SIGN_INS_AT_ONCE = 4
LABEL_HEADER = "X-Bench-Page"  # gunicorn's access log names the page (its own time)


def totp(key_hex: str, at: float | None = None) -> str:
    """The 6-digit code an authenticator app with this key shows (RFC 6238, SHA-1, 30 s)."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 1_000_000).zfill(6)


@dataclass
class Sample:
    label: str
    seconds: float
    ok: bool
    detail: str = ""


@dataclass
class Browser:
    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    async def request(self, method: str, path: str, form: dict | None = None,
                      label: str = "") -> tuple[int, dict[str, str], bytes]:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            body = urlencode(form).encode() if form is not None else b""
            lines = [f"{method} {path} HTTP/1.0", f"Host: {self.host}:{self.port}",
                     "User-Agent: bench-load", f"{LABEL_HEADER}: {label}"]
            if self.cookies:
                lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            if form is not None:
                lines += ["Content-Type: application/x-www-form-urlencoded",
                          f"Content-Length: {len(body)}"]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            await writer.drain()
            raw = await reader.read(-1)
        finally:
            writer.close()
        head, _, content = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            if name.lower() == "set-cookie":
                cookie = SimpleCookie(value.strip())
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
            headers[name.lower()] = value.strip()
        return int(status_line.split()[1]), headers, content

    async def form_post(self, path: str, fields: Callable[[], dict]) -> tuple[int, dict]:
        """GET the form, then POST it with its CSRF token and ``fields()``, asked for only
        once the form is in (an authenticator code is good for half a minute)."""
        _status, _headers, page = await self.request("GET", path)
        token = CSRF_FIELD.search(page)
        if not token:
            raise RuntimeError(f"no CSRF token on {path}")
        status, headers, _ = await self.request(
            "POST", path, {"csrfmiddlewaretoken": token.group(1).decode(), **fields()})
        return status, headers


async def sign_in(browser: Browser, email: str, password: str, key: str) -> None:
    status, headers = await browser.form_post(
        "/sign-in/", lambda: {"username": email, "password": password})
    if status != 302:  # a wrong password shows the form again
        raise RuntimeError(f"password step: {status} {headers.get('location', '')}")
    status, headers = await browser.form_post("/sign-in/code/", lambda: {"code": totp(key)})
    if status != 302 or headers.get("location", "").startswith("/sign-in/"):
        raise RuntimeError(f"code step: {status} {headers.get('location', '')}")


class Gate:
    """Everyone signs in first; the measured load starts once the last one has (or failed
    to)."""

    def __init__(self, people: int):
        self.waiting, self.open = people, asyncio.Event()
        # A few sign-ins at a time: each hashes a password (about a second of a worker), and
        # fifty at once would queue the code step past the code's half minute.
        self.signing_in = asyncio.Semaphore(SIGN_INS_AT_ONCE)

    async def arrive(self) -> None:
        self.waiting -= 1
        if self.waiting <= 0:
            self.open.set()
        await self.open.wait()


async def person(host: str, port: int, entry: dict, password: str, rounds: int,
                 samples: list[Sample], gate: Gate, turn: int = 0, think: float = 0.0
                 ) -> None:
    """Sign in, wait for everyone else to, then open the pages ``rounds`` times, each
    after the floor (the first of ``entry['pages']``), starting at the ``turn``-th page so
    that people who all start together do not all ask for the same page at once. With
    ``think``, a pause after each page (exponential, that many seconds on average), as a
    person reads: the service is then not asked without pause, and a page's own cost shows
    instead of the queue every page waits in."""
    pauses = random.Random(turn)  # noqa: S311 - timing, not security
    browser = Browser(host, port)
    try:
        async with gate.signing_in:
            await asyncio.wait_for(sign_in(browser, entry["email"], password, entry["key"]),
                                   TIMEOUT_S)
    except Exception as error:  # noqa: BLE001 - reported, as every failure is
        samples.append(Sample("sign-in", 0.0, False, f"{type(error).__name__}: {error}"))
        await gate.arrive()
        return
    await gate.arrive()
    floor, *pages = entry["pages"]
    pages = pages[turn % len(pages):] + pages[:turn % len(pages)] if pages else pages
    for _ in range(rounds):
        for label, path in pages:
            for shown, at in (floor, (label, path)):
                started = time.perf_counter()
                try:
                    status, _headers, _body = await asyncio.wait_for(
                        browser.request("GET", at, label=shown), TIMEOUT_S)
                    ok, detail = status == 200, "" if status == 200 else f"HTTP {status}"
                except Exception as error:  # noqa: BLE001
                    ok, detail = False, f"{type(error).__name__}: {error}"
                samples.append(Sample(shown, time.perf_counter() - started, ok, detail))
                if think:
                    await asyncio.sleep(pauses.expovariate(1 / think))


async def drive(host: str, port: int, plan: list[dict], password: str, rounds: int,
                think: float = 0.0) -> tuple[list[Sample], float]:
    """All the people at once; returns every sample and the seconds the whole run took."""
    samples: list[Sample] = []
    gate = Gate(len(plan))
    started = time.perf_counter()
    await asyncio.gather(*(person(host, port, entry, password, rounds, samples, gate, turn,
                                  think) for turn, entry in enumerate(plan)))
    return samples, time.perf_counter() - started
