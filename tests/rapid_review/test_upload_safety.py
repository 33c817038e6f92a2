"""Uploads that cannot take the service down (issue 15): a spreadsheet that opens into far
more than it weighs is refused within a second, with a clear message next to the file
field and nothing saved; reading one stays well under 200 MB; a body larger than any
upload gets the "too big" page unread; ordinary files still upload."""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from actionplans.forms.plan import EvidenceForm
from cases.uploads import UnreadableFile, spreadsheet_rows, zip_problem
from lcspr.forms.report import UploadForm
from rapid_review.chronology_io import chronology_read
from rapid_review.forms.returns import AttachmentForm
from rapid_review.models import ChronologyEntry
from tests.hostile_files import blank_rows_bomb, shared_strings_bomb, xlsx
from tests.rapid_review.builders import agency_with_user, review_for, send_requests
from tests.rapid_review.chronology_builders import (
    HEADER,
    csv_bytes,
    good_row,
    health_visiting_return,
)

pytestmark = pytest.mark.django_db
TOO_LARGE = "The selected file is too large once opened"
TOO_MANY_ROWS = "The selected file has more than 10,000 rows"
BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture
def setup(partnership):
    _review, request, user = health_visiting_return(partnership, entries=2)
    return request, user


def _upload(client, request, data: bytes, name: str = "chronology.xlsx"):
    """Replace the entries with the file's: a refused file must leave the two there."""
    started = time.perf_counter()
    response = client.post(reverse("rapid_review:chronology-upload", args=[request.pk]),
                           {"file": SimpleUploadedFile(name, data), "mode": "replace"})
    return response, time.perf_counter() - started


def _assert_refused(response, seconds: float, message: str) -> None:
    assert seconds < 1, f"took {seconds:.2f} s"
    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    html = response.content.decode()
    summary = html[html.index("govuk-error-summary"):html.index("<h1")]
    assert f'href="#id_file">{message}' in summary
    field = html[html.index('id="id_file"') - 1500:html.index('id="id_file"')]
    assert "govuk-error-message" in field and message in field
    assert ChronologyEntry.objects.count() == 2  # nothing replaced


def test_a_shared_strings_bomb_is_refused_within_a_second_and_nothing_changes(client, setup):
    request, user = setup
    data = shared_strings_bomb()
    assert len(data) < 200 * 1024
    client.force_login(user)
    _assert_refused(*_upload(client, request, data), TOO_LARGE)


def test_a_million_blank_rows_are_refused_within_a_second_and_nothing_changes(client, setup):
    request, user = setup
    data = blank_rows_bomb()
    # Under the 5 MB upload limit, the size cap once opened and the compression ratio cap:
    # only counting the rows as they stream stops it.
    assert len(data) < 3 * 1024 * 1024 and zip_problem(
        data, max_uncompressed=settings.UPLOAD_OPENED_MAX_UNCOMPRESSED_BYTES, kind="XLSX") is None
    client.force_login(user)
    _assert_refused(*_upload(client, request, data), TOO_MANY_ROWS)


MEASURE = """
import datetime, sys
import django
django.setup()
from actionplans.spreadsheet import progress_read
from rapid_review.chronology_io import UnreadableFile, chronology_read
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    for read in (lambda: chronology_read("c.xlsx", data, today=datetime.date.today()),
                 lambda: progress_read("p.xlsx", data, mine={}, others=set())):
        try:
            read()
            print("read")
        except UnreadableFile:
            print("refused")
# The high-water mark of this process's memory since it started (ru_maxrss would carry
# the test runner's over, as Linux keeps it across exec).
status = open("/proc/self/status").read()
print(int(status.split("VmHWM:")[1].split()[0]) // 1024)
"""


def test_reading_either_bomb_stays_under_200_mb(tmp_path):
    """Both readers, in a fresh process whose peak memory is measured (Python, Django and
    openpyxl included). Unguarded, openpyxl took over two minutes on the first."""
    paths = []
    for name, data in [("strings.xlsx", shared_strings_bomb()), ("rows.xlsx", blank_rows_bomb())]:
        paths.append(tmp_path / name)
        paths[-1].write_bytes(data)
    done = subprocess.run(  # noqa: S603 (our own script, our own files)
        [sys.executable, "-c", MEASURE, *map(str, paths)], cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True, text=True, timeout=60, check=True)
    *outcomes, peak_mb = done.stdout.split()
    assert outcomes == ["refused"] * 4
    assert int(peak_mb) < 200, f"peak {peak_mb} MB"


def _chronology(data: bytes, name: str = "c.xlsx"):
    return chronology_read(name, data, today=datetime.date(2026, 12, 1))


def test_a_sheet_stating_more_rows_than_the_cap_is_refused_unread():
    data = xlsx(dimension="A1:H1048576")
    with pytest.raises(UnreadableFile, match=TOO_MANY_ROWS):
        _chronology(data)


def test_a_row_wider_than_the_column_cap_is_refused():
    cells = b"".join(b'<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(51))
    with pytest.raises(UnreadableFile, match="more than 50 columns"):
        _chronology(xlsx(b'<row r="2">' + cells + b"</row>"))
    # A value past the cap, on a sheet that says nothing of its width, is refused too.
    with pytest.raises(UnreadableFile, match="more than 50 columns"):
        _chronology(xlsx(b'<row r="2"><c r="AZ2" t="inlineStr"><is><t>x</t></is></c></row>'))


@override_settings(UPLOAD_SHEET_MAX_ELEMENTS=1000)
def test_a_file_holding_too_many_elements_is_refused_before_openpyxl_reads_it():
    strings = b"<si><t>a</t></si>" * 600
    with pytest.raises(UnreadableFile, match="holds too much to be read"):
        _chronology(xlsx(strings=strings))


def test_a_csv_of_blank_lines_is_stopped_at_the_row_cap():
    data = csv_bytes([good_row()]) + b"\r\n" * 10_000
    with pytest.raises(UnreadableFile, match=TOO_MANY_ROWS):
        _chronology(data, "c.csv")
    wide = ",".join(["x"] * 51).encode()
    with pytest.raises(UnreadableFile, match="more than 50 columns"):
        list(spreadsheet_rows("c.csv", wide, max_bytes=1000))


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_the_zip_is_judged_by_its_directory():
    limit = 20 * 1024 * 1024
    assert zip_problem(_zip({"word/document.xml": b"<w/>"}), max_uncompressed=limit,
                       kind="DOCX") is None
    # 2 MB of one letter: well under the size cap, but compressed a thousand times.
    squeezed = _zip({"word/document.xml": b"A" * (2 * 1024 * 1024)})
    assert TOO_LARGE in zip_problem(squeezed, max_uncompressed=limit, kind="DOCX")
    many = _zip({f"part{i}.xml": b"" for i in range(1001)})
    assert "too many parts" in zip_problem(many, max_uncompressed=limit, kind="DOCX")
    assert zip_problem(b"PK\x03\x04 no directory", max_uncompressed=limit,
                       kind="DOCX") == "The selected file is not a real DOCX file"


def test_an_ordinary_spreadsheet_with_formatted_empty_rows_still_uploads(client, setup):
    """As Excel saves one a person has formatted below the entries."""
    request, user = setup
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(good_row())
    sheet.append(good_row("2025-12-01"))
    for row in range(4, 3000):
        sheet.cell(row=row, column=1).fill = PatternFill("solid", start_color="FFF7BF")
    out = io.BytesIO()
    workbook.save(out)
    client.force_login(user)
    response, _seconds = _upload(client, request, out.getvalue())
    assert response.status_code == 302
    assert sorted(ChronologyEntry.objects.values_list("date", flat=True)) == [
        datetime.date(2025, 12, 1), datetime.date(2026, 2, 3)]


def test_a_body_larger_than_any_upload_gets_the_too_big_page_unread(client, setup):
    request, user = setup
    client.force_login(user)
    data = b"Date\n" + b"x" * (settings.UPLOAD_MAX_FILE_BYTES + 1024 * 1024)
    response, _seconds = _upload(client, request, data, name="chronology.csv")
    html = response.content.decode()
    assert response.status_code == 413
    assert "The file you selected is too big" in html
    assert "must be smaller than 10 MB" in html and "Nothing has been saved" in html
    assert "Traceback" not in html
    assert ChronologyEntry.objects.count() == 2


SENT = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)


@time_machine.travel(SENT)
def test_an_attachment_that_opens_too_large_is_refused_next_to_the_field(client, partnership):
    review = review_for(partnership)
    police = agency_with_user(partnership, "Alphashire Police (fictional)")
    (request,) = send_requests(review, [police.agency])
    client.force_login(police.user)
    bomb = _zip({"[Content_Types].xml": b"<Types/>",
                 "word/document.xml": b"<w:t>" + b"A" * (2 * 1024 * 1024) + b"</w:t>"})
    response = client.post(reverse("rapid_review:return-attachments", args=[request.pk]),
                           {"file": SimpleUploadedFile("report.docx", bomb)})
    assert response.status_code == 200
    assert TOO_LARGE in response.context["form"].errors["file"][0]
    assert not request.agency_return.attachments.exists()


@override_settings(UPLOAD_MAX_FILE_BYTES=1024 * 1024)
@pytest.mark.parametrize("form_class", [AttachmentForm, EvidenceForm, UploadForm])
def test_every_attachment_form_refuses_a_file_by_its_declared_size(form_class):
    class Unread(SimpleUploadedFile):
        def read(self, *args):  # the size alone must decide
            raise AssertionError("read")

    upload = Unread("report.pdf", b"%PDF-")
    upload.size = 1024 * 1024 + 1
    form = form_class({"kind": "file", "description": "An audit (fictional)"},
                      {"file": upload})
    assert not form.is_valid()
    assert form.errors["file"] == ["The selected file must be smaller than 1 MB"]
