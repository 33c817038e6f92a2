"""Uploaded files the service opens or keeps, checked so that no file can take a web
worker down (issue 15).

An XLSX or DOCX is a ZIP of XML: 130 KB can open into 51 MB of shared strings, and 2.5 MB
into a million blank rows, which openpyxl would read before the first row came back. So
before anything is parsed the ZIP's own directory is checked (how many parts, how large
they say they open to, how hard they are compressed: Python's zipfile never gives more
than a part declares); a spreadsheet's XML is then counted as it is decompressed (rows,
cells per row and their columns, elements), and its first sheet read in openpyxl's
streaming mode, refused as soon as it passes the row or column cap, blank rows counted.
CSV uploads get the same row and column caps. The limits are settings (config/settings.py,
"Uploads"; docs/decisions/0016-safe-uploads.md). Both spreadsheet uploads (the chronology,
action plan progress) read through :func:`spreadsheet_rows`, after the request has judged
the file by :func:`spreadsheet_is_large` (the same checks without openpyxl: a large file is
read by the worker, cases/spreadsheet_jobs.py); every stored attachment goes through
:func:`zip_problem`. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

# A part this small cannot hurt whatever its compression ratio (XML compresses well).
RATIO_FLOOR_BYTES = 1024 * 1024
_END_OF_DIRECTORY = b"PK\x05\x06"
_END_RECORD_SIZE = 22
XLSX_UNREADABLE = ("The selected file could not be read as an XLSX spreadsheet. Save it "
                   "again as XLSX or CSV and upload it")


class UnreadableFile(Exception):
    """The whole file is refused (type, size, encoding, structure): one clear message."""


def megabytes(size: int) -> str:
    """A byte limit as people read it: 10 MB, 2.5 MB."""
    return f"{size / (1024 * 1024):g} MB"


def max_file_size() -> str:
    """The largest file anyone may upload, as forms' hints say it."""
    return megabytes(settings.UPLOAD_MAX_FILE_BYTES)


def upload_max_size_validator(limit: int | None = None) -> Callable:
    """A form field validator refusing a file by the size the upload declares, before any
    of it is read (``limit``: UPLOAD_MAX_FILE_BYTES unless given)."""

    def validate(upload) -> None:
        most = limit or settings.UPLOAD_MAX_FILE_BYTES
        if upload is not None and upload.size > most:
            raise ValidationError(f"The selected file must be smaller than {megabytes(most)}")

    return validate


# ZIP containers (XLSX, DOCX) -------------------------------------------------------------
def not_real(kind: str) -> str:
    return f"The selected file is not a real {kind} file"


def _too_large(why: str) -> str:
    return (f"The selected file is too large once opened: {why}. Copy what you need into a "
            "new file, or save it as PDF or CSV, and upload that")


def zip_problem(data: bytes, *, max_uncompressed: int, kind: str) -> str | None:
    """Why a ZIP-based file (``kind``: XLSX, DOCX) must not be opened, or None. Read from
    the ZIP's directory only: the number of parts (from the end record, before the
    directory itself is read), their declared total size and each large part's compression
    ratio."""
    tail = data[-(_END_RECORD_SIZE + 0xFFFF):]
    end = tail.rfind(_END_OF_DIRECTORY)
    if end < 0 or len(tail) < end + _END_RECORD_SIZE:
        return not_real(kind)
    max_members = settings.UPLOAD_ZIP_MAX_MEMBERS
    if int.from_bytes(tail[end + 10:end + 12], "little") > max_members:
        return (f"The selected file has too many parts (more than {max_members:,}) to be "
                "a document or spreadsheet the service can open")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return not_real(kind)
    if len(members) > max_members:
        return (f"The selected file has too many parts (more than {max_members:,}) to be "
                "a document or spreadsheet the service can open")
    total = 0
    for member in members:
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return "The selected file is compressed in a way the service does not accept"
        total += member.file_size
        if total > max_uncompressed:
            return _too_large(f"it holds more than {megabytes(max_uncompressed)} of data")
        if (member.file_size > RATIO_FLOOR_BYTES and member.file_size
                > settings.UPLOAD_ZIP_MAX_RATIO * max(member.compress_size, 1)):
            return _too_large("it is packed far tighter than a real document or "
                              "spreadsheet")
    return None


# Spreadsheets ----------------------------------------------------------------------------
def _too_many_rows() -> UnreadableFile:
    return UnreadableFile(
        f"The selected file has more than {settings.UPLOAD_SHEET_MAX_ROWS:,} rows, counting "
        "empty rows that have formatting. Copy your entries into a new spreadsheet and "
        "upload that")


def _too_many_columns() -> UnreadableFile:
    return UnreadableFile(
        f"The selected file has more than {settings.UPLOAD_SHEET_MAX_COLUMNS} columns. Use "
        "the template's columns only")


# Every start tag (not an end tag, comment or declaration), its local name captured.
_START_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
# A cell's column, from its reference (r="AZ12"), read from the rest of its start tag.
_CELL_COLUMN = re.compile(rb'[^>]*?\br="([A-Za-z]{1,3})[0-9]')
_CHUNK_BYTES = 1024 * 1024


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


@dataclass(frozen=True)
class SheetMeasure:
    """What the counting pass found in a file it let through: the rows holding a value
    (in the part with most; formatted empty rows are not entries) and the XML elements of
    the whole file (for a CSV, its rows that are not blank; no elements)."""

    rows: int
    elements: int = 0


def _counted(archive: zipfile.ZipFile) -> SheetMeasure:
    """The XML parts' elements, rows and each row's cells, counted as they are
    decompressed, raising :class:`UnreadableFile` at the first cap passed: openpyxl builds
    every shared string and style before the first row comes back, and looks through a
    sheet that states no size for one."""
    max_rows, max_columns = settings.UPLOAD_SHEET_MAX_ROWS, settings.UPLOAD_SHEET_MAX_COLUMNS
    max_elements = settings.UPLOAD_SHEET_MAX_ELEMENTS
    elements = most_rows = 0
    for member in archive.infolist():
        if not member.filename.lower().endswith((".xml", ".rels")):
            continue
        rows = row_cells = value_rows = 0
        row_has_value = False
        carry = b""
        with archive.open(member) as part:
            while chunk := part.read(_CHUNK_BYTES):
                text = carry + chunk
                cut = text.rfind(b"<")  # a tag is never split between two counts
                text, carry = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
                for tag in _START_TAG.finditer(text):
                    elements += 1
                    name = tag.group(1)
                    if name == b"row":
                        rows, row_cells, row_has_value = rows + 1, 0, False
                    elif name in (b"v", b"is") and not row_has_value:
                        value_rows, row_has_value = value_rows + 1, True
                    elif name == b"c":
                        row_cells += 1
                        ref = _CELL_COLUMN.match(text, tag.end())
                        if ref and _column_number(ref.group(1)) > max_columns:
                            raise _too_many_columns()
                    if rows > max_rows:
                        raise _too_many_rows()
                    if row_cells > max_columns:
                        raise _too_many_columns()
                    if elements > max_elements:
                        raise UnreadableFile(
                            "The selected file holds too much to be read. Copy your entries "
                            "into a new spreadsheet and upload that")
        most_rows = max(most_rows, value_rows)
    return SheetMeasure(rows=most_rows, elements=elements)


def xlsx_measure(data: bytes) -> SheetMeasure:
    """The checks made before openpyxl opens an XLSX: its ZIP directory, then the counting
    pass. Raises :class:`UnreadableFile`; well under a second on any file (no openpyxl)."""
    problem = zip_problem(data, max_uncompressed=settings.UPLOAD_OPENED_MAX_UNCOMPRESSED_BYTES,
                          kind="XLSX")
    if problem:
        raise UnreadableFile(XLSX_UNREADABLE if problem == not_real("XLSX") else problem)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _counted(archive)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise UnreadableFile(XLSX_UNREADABLE) from error


def xlsx_rows(data: bytes) -> Iterator[tuple]:
    """The first sheet's rows as values, streamed, each cut to the column cap. Raises
    :class:`UnreadableFile` before openpyxl opens a file that is too large once opened or
    has too many rows or cells, and while iterating past the row or column cap."""
    xlsx_measure(data)
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError,
                  EOFError, InvalidFileException)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                 keep_links=False)
    except unreadable as error:
        raise UnreadableFile(XLSX_UNREADABLE) from error
    max_rows, max_columns = settings.UPLOAD_SHEET_MAX_ROWS, settings.UPLOAD_SHEET_MAX_COLUMNS
    try:
        sheet = workbook.worksheets[0]
        # A sheet that states more rows than the cap is refused unread. Then the stated
        # size is dropped, so that no row is padded to a stated width or height.
        if (sheet.max_row or 0) > max_rows:
            raise _too_many_rows()
        sheet.reset_dimensions()
        # One column past the cap shows whether anything is there.
        rows = sheet.iter_rows(max_col=max_columns + 1, values_only=True)
        for count, row in enumerate(rows, start=1):
            if count > max_rows:
                raise _too_many_rows()
            if row[max_columns] is not None:
                raise _too_many_columns()
            yield row[:max_columns]
    except unreadable as error:
        raise UnreadableFile(XLSX_UNREADABLE) from error
    finally:
        workbook.close()


def csv_rows(data: bytes) -> Iterator[list[str]]:
    """A UTF-8 CSV's rows, with the same row and column caps as a sheet."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile("The selected CSV file must be saved as UTF-8 (in Excel: "
                             "'CSV UTF-8 (Comma delimited)')") from error
    if "\x00" in text:
        raise UnreadableFile("The selected file could not be read as a CSV file")
    max_rows, max_columns = settings.UPLOAD_SHEET_MAX_ROWS, settings.UPLOAD_SHEET_MAX_COLUMNS
    try:
        for count, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if count > max_rows:
                raise _too_many_rows()
            if len(row) > max_columns and any(cell.strip() for cell in row[max_columns:]):
                raise _too_many_columns()
            yield row[:max_columns]
    except csv.Error as error:
        raise UnreadableFile(f"The selected CSV file could not be read: {error}") from error


def _extension(name: str, data: bytes, *, max_bytes: int) -> str:
    """The checks every spreadsheet upload gets first (size, empty, type by extension and
    content): "xlsx" or "csv", or :class:`UnreadableFile`."""
    if len(data) > max_bytes:
        raise UnreadableFile(f"The selected file must be smaller than {megabytes(max_bytes)}")
    if not data:
        raise UnreadableFile("The selected file is empty")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "xlsx" and not data.startswith(b"PK\x03\x04"):
        raise UnreadableFile(XLSX_UNREADABLE)
    if extension in ("xlsx", "csv"):
        return extension
    raise UnreadableFile("The selected file must be an XLSX or CSV spreadsheet")


def spreadsheet_rows(name: str, data: bytes, *, max_bytes: int) -> Iterator:
    """An uploaded XLSX or CSV's rows, the header first, after the checks every upload gets
    (size, empty, type by extension and content). Raises :class:`UnreadableFile`, also
    while iterating."""
    if _extension(name, data, max_bytes=max_bytes) == "xlsx":
        return xlsx_rows(data)
    return csv_rows(data)


def spreadsheet_measure(name: str, data: bytes, *, max_bytes: int) -> SheetMeasure:
    """The cheap checks of :func:`spreadsheet_rows`, made in the web request before a file
    is read or handed to the worker: an XLSX's ZIP directory and counting pass (no
    openpyxl), a CSV read through with its caps (a CSV is cheap to read). Raises
    :class:`UnreadableFile` with the message the reader would give; otherwise says how
    much the file holds, so the caller can judge it large (:func:`spreadsheet_is_large`)."""
    if _extension(name, data, max_bytes=max_bytes) == "xlsx":
        return xlsx_measure(data)
    return SheetMeasure(rows=sum(1 for row in csv_rows(data)
                                 if any(cell.strip() for cell in row)))


def spreadsheet_is_large(name: str, data: bytes, *, max_bytes: int) -> bool:
    """Whether a file that passes :func:`spreadsheet_measure` (which raises
    :class:`UnreadableFile` otherwise) holds too much to read and import inside a web
    request: the worker reads it instead (cases/spreadsheet_jobs.py). The thresholds are
    settings, measured in docs/decisions/0016-safe-uploads.md."""
    measure = spreadsheet_measure(name, data, max_bytes=max_bytes)
    return (measure.rows > settings.UPLOAD_INLINE_MAX_ROWS
            or measure.elements > settings.UPLOAD_INLINE_MAX_ELEMENTS
            or len(data) > settings.UPLOAD_INLINE_MAX_BYTES)
