"""Uploaded files scanned by ClamAV's daemon when one is configured (issue 15): the result
kept per file, a virus or a scanner that does not answer refuses the file, nothing stored.
The daemon here is a stand-in speaking clamd's INSTREAM protocol on a Unix socket."""

from __future__ import annotations

import datetime
import socketserver
import tempfile
import threading
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from cases.models import StoredFile
from rapid_review.models import ReturnAttachment
from rapid_review.services import return_attachment_add
from tests.rapid_review.builders import agency_with_user, review_for, send_requests

pytestmark = pytest.mark.django_db
SENT = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)
# The antivirus industry's harmless test file, put together here so that no scanner on a
# developer's machine quarantines this test.
EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()


class _Clamd(socketserver.StreamRequestHandler):
    def handle(self):
        command = b""
        while not command.endswith(b"\0"):
            command += self.rfile.read(1)
        assert command == b"zINSTREAM\0"
        data = b""
        while size := int.from_bytes(self.rfile.read(4), "big"):
            data += self.rfile.read(size)
        self.server.scanned.append(data)
        self.wfile.write(b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data
                         else b"stream: OK\0")


@pytest.fixture
def clamd():
    folder = Path(tempfile.mkdtemp(prefix="clamd", dir="/tmp"))  # a short socket path
    server = socketserver.ThreadingUnixStreamServer(str(folder / "clamd.sock"), _Clamd)
    server.scanned = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with override_settings(CLAMD_SOCKET=str(folder / "clamd.sock")):
        yield server
    server.shutdown()
    server.server_close()
    (folder / "clamd.sock").unlink()
    folder.rmdir()


@pytest.fixture
def agency_request(partnership):
    with time_machine.travel(SENT):
        review = review_for(partnership)
        police = agency_with_user(partnership, "Alphashire Police (fictional)")
        (request,) = send_requests(review, [police.agency])
    return police.user, request


def _pdf(size: int = 200_000, extra: bytes = b"") -> bytes:
    return b"%PDF-1.4\n" + extra + b"0" * size + b"\n%%EOF\n"


@time_machine.travel(SENT)
def test_without_a_scanner_a_file_is_stored_as_not_scanned(agency_request):
    user, request = agency_request
    attachment = return_attachment_add(actor=user, agency_return=request.agency_return,
                                       filename="report.pdf", data=_pdf())
    assert attachment.virus_scan == StoredFile.VirusScan.NOT_SCANNED


@time_machine.travel(SENT)
def test_a_clean_file_is_streamed_whole_to_the_scanner_and_recorded(agency_request, clamd):
    user, request = agency_request
    data = _pdf()  # several of the protocol's chunks
    attachment = return_attachment_add(actor=user, agency_return=request.agency_return,
                                       filename="report.pdf", data=data)
    assert clamd.scanned == [data]
    attachment.refresh_from_db()
    assert attachment.virus_scan == StoredFile.VirusScan.CLEAN


@time_machine.travel(SENT)
def test_a_file_with_a_virus_is_refused_next_to_the_field_and_not_stored(
        client, agency_request, clamd):
    user, request = agency_request
    client.force_login(user)
    response = client.post(reverse("rapid_review:return-attachments", args=[request.pk]),
                           {"file": SimpleUploadedFile("report.pdf", _pdf(extra=EICAR))})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The selected file contains a virus. It has not been saved"]
    assert len(clamd.scanned) == 1
    assert not ReturnAttachment.objects.exists()


@time_machine.travel(SENT)
def test_a_scanner_that_does_not_answer_refuses_the_file(agency_request, tmp_path):
    user, request = agency_request
    with override_settings(CLAMD_SOCKET=str(tmp_path / "absent.sock")), \
            pytest.raises(ValidationError, match="could not be checked for viruses"):
        return_attachment_add(actor=user, agency_return=request.agency_return,
                              filename="report.pdf", data=_pdf())
    assert not ReturnAttachment.objects.exists()
