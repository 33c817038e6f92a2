"""Uploaded files scanned for viruses by ClamAV's daemon (clamd), when one is configured.

``CLAMD_SOCKET`` (a Unix socket) or ``CLAMD_HOST``/``CLAMD_PORT`` name it; unset, files are
stored as "not scanned". Configured, a file is streamed to it with clamd's INSTREAM
command before it is stored: a virus refuses the file, and so does a scanner that does not
answer (fail closed: the upload can be tried again). The result is kept on the file
(``StoredFile.virus_scan``). The protocol is a few lines, so no library is needed.
"""

from __future__ import annotations

import logging
import socket

from django.conf import settings

from .models import StoredFile
from .services import CaseError

logger = logging.getLogger(__name__)
CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096
INFECTED = "The selected file contains a virus. It has not been saved"
UNAVAILABLE = "The selected file could not be checked for viruses. Try again later"


def _clamd_reply(data: bytes) -> bytes:
    if settings.CLAMD_SOCKET:
        family, address = socket.AF_UNIX, settings.CLAMD_SOCKET
    else:
        family, address = socket.AF_INET, (settings.CLAMD_HOST, settings.CLAMD_PORT)
    with socket.socket(family, socket.SOCK_STREAM) as connection:
        connection.settimeout(settings.CLAMD_TIMEOUT)
        connection.connect(address)
        connection.sendall(b"zINSTREAM\0")
        for start in range(0, len(data), CHUNK_BYTES):
            chunk = data[start:start + CHUNK_BYTES]
            connection.sendall(len(chunk).to_bytes(4, "big") + chunk)
        connection.sendall(b"\0\0\0\0")
        reply = b""
        while b"\0" not in reply and len(reply) < MAX_REPLY_BYTES:
            received = connection.recv(MAX_REPLY_BYTES)
            if not received:
                break
            reply += received
    return reply.split(b"\0", 1)[0].strip()


def virus_scan(data: bytes) -> str:
    """The file's scan result to store with it (``StoredFile.VirusScan``); raises
    :class:`CaseError` on the file field for a virus or a scanner that did not answer."""
    if not (settings.CLAMD_SOCKET or settings.CLAMD_HOST):
        return StoredFile.VirusScan.NOT_SCANNED
    try:
        reply = _clamd_reply(data)
    except OSError as error:
        logger.warning("Virus scanner did not answer (%s): upload refused",
                       type(error).__name__)
        raise CaseError({"file": UNAVAILABLE}) from error
    if reply.endswith(b" OK"):
        return StoredFile.VirusScan.CLEAN
    if reply.endswith(b" FOUND"):
        # The signature's name only: never the file's name, which may name a child.
        logger.warning("Virus found in an upload, refused: %s",
                       reply.decode("ascii", "replace")[:200])
        raise CaseError({"file": INFECTED})
    logger.warning("Virus scanner answered with an error: upload refused")
    raise CaseError({"file": UNAVAILABLE})
