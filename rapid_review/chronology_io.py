"""Chronology spreadsheets: the blank template, reading an agency's upload, and writing
the master chronology as XLSX or CSV.

The columns are seed 002 Appendix F's. An upload is read and checked WHOLE before anything
is saved: :func:`chronology_read` returns every row error with the row number the
spreadsheet shows (the header is row 1) and the column's name, so the agency can fix the
file in one go. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from cases.uploads import UnreadableFile, spreadsheet_rows

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

# (model field, header in the template): the order of seed 002 Appendix F.
COLUMNS: list[tuple[str, str]] = [
    ("date", "Date"),
    ("source", "Source of information"),
    ("agency_department", "Agency/department"),
    ("subjects", "Subject(s)"),
    ("contact_type", "Type of contact"),
    ("by_whom", "By whom"),
    ("details", "Details of event"),
    ("comments", "Comments/analysis of outcome"),
]
HEADERS = dict(COLUMNS)
REQUIRED = {
    "date": "enter the date",
    "agency_department": "enter the agency or department",
    "subjects": "enter the subject(s)",
    "contact_type": "enter the type of contact",
    "details": "enter the details of the event",
}
MAX_LENGTHS = {"source": 200, "agency_department": 200, "subjects": 300,
               "contact_type": 200, "by_whom": 200, "details": 20000, "comments": 20000}
# Obviously fictional: an upload still holding it is refused, so it is never imported.
EXAMPLE_ROW = {
    "date": "27/03/2026",
    "source": "EXAMPLE: case notes (delete this row)",
    "agency_department": "EXAMPLE: Health visiting team",
    "subjects": "EXAMPLE: Child A; Mother",
    "contact_type": "EXAMPLE: Home visit",
    "by_whom": "EXAMPLE: Health visitor",
    "details": "EXAMPLE: Routine visit. Replace these example rows with your agency's "
               "entries, one event per row.",
    "comments": "EXAMPLE: What the contact shows about the child's circumstances.",
}
GUIDANCE = [
    "How to complete the chronology",
    "Keep the header row exactly as it is. Add one row per relevant event; it is not a log "
    "of every contact.",
    "Date: a spreadsheet date, or text as dd/mm/yyyy (27/03/2026) or yyyy-mm-dd "
    "(2026-03-27). It must not be in the future.",
    "Required in every row: date, agency/department, subject(s), type of contact, details "
    "of event.",
    "Delete the example row before uploading. At most 5,000 rows and 5 MB.",
    "You can upload XLSX or CSV (UTF-8).",
]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
DATE_HINT = "enter a real date, like 27/03/2026"


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the template's header, or "" for a whole-row problem
    message: str

    def __str__(self) -> str:
        return (f"Row {self.row}, {self.column}: {self.message}" if self.column
                else f"Row {self.row}: {self.message}")


@dataclass
class ChronologyUpload:
    """What was read: the clean rows (model field -> value) and every error."""

    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.errors


def header_key(header: object) -> str:
    """A header as compared: case, spaces and question marks ignored."""
    return re.sub(r"[\s?]+", "", str(header or "")).lower()


# Header names accepted, normalised: the template's, and Appendix F's own wording.
HEADER_KEYS = {header_key(label): name for name, label in COLUMNS} | {
    header_key("Source of Information"): "source",
    header_key("Agency/ Department"): "agency_department",
    header_key("Name of Subject(s)"): "subjects",
    header_key("Subjects"): "subjects",
    header_key("By Whom?"): "by_whom",
    header_key("Comments/Analysis of Outcome"): "comments",
    header_key("Comments"): "comments",
}


# Reading ---------------------------------------------------------------------------------
# The caps that keep a hostile file from taking the service down (size once opened, rows
# and columns counted as the sheet streams) are cases.uploads', shared with every upload.
def parse_text_date(value: str) -> datetime.date | None:
    """dd/mm/yyyy (also d/m/yyyy, with - or .) or ISO yyyy-mm-dd; None if not a real date."""
    value = value.strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?", value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
    try:
        parsed = datetime.date(year, month, day)
    except ValueError:
        return None
    return parsed if parsed.year >= 1900 else None


def cell_date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return parse_text_date(value)
    return None


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def header_read(cells: Iterable, *, keys: dict[str, str], required: list[tuple[str, str]],
                template: str = "the chronology template", ignored: Iterable[str] = ()
                ) -> tuple[list[str | None], list[RowError]]:
    """The header row's columns by name (``keys``: normalised header -> name), with an error
    for a column not in the template, one given twice, or a ``required`` one missing.
    ``ignored`` headers (normalised) are the template's columns the upload does not read."""
    names: list[str | None] = []
    errors: list[RowError] = []
    ignored = set(ignored)
    for cell in cells:
        label = cell_text(cell)
        if not label or header_key(label) in ignored:
            names.append(None)
            continue
        name = keys.get(header_key(label))
        if name is None:
            errors.append(RowError(1, label, f"this is not a column of {template}; use the "
                                   "template's header row"))
        elif name in names:
            errors.append(RowError(1, label, "this column appears twice"))
        names.append(name)
    for name, label in required:
        if name not in names:
            errors.append(RowError(1, label, "this column is missing; use the template's "
                                   "header row"))
    return names, errors


def upload_rows(name: str, data: bytes) -> Iterator[tuple]:
    """An uploaded XLSX or CSV's rows, the header first, after the checks every upload gets
    (size, empty, type, and cases.uploads' caps). Raises :class:`UnreadableFile`, also while
    iterating."""
    return spreadsheet_rows(name, data, max_bytes=MAX_UPLOAD_BYTES)


def body_rows(rows: Iterator, *, max_rows: int = MAX_ROWS) -> Iterator[tuple[int, list]]:
    """The rows below the header (already read), numbered as the spreadsheet shows them;
    blank rows (and Excel's formatted-but-empty ones) skipped. Raises
    :class:`UnreadableFile` past ``max_rows``, or at the end when there was none."""
    count = 0
    for number, cells in enumerate(rows, start=2):
        cells = list(cells)
        if all(cell_text(c) == "" for c in cells):
            continue
        count += 1
        if count > max_rows:
            raise UnreadableFile(f"The selected file must have {max_rows:,} rows or fewer "
                                 "(not counting the header)")
        yield number, cells
    if count == 0:
        raise UnreadableFile("The selected file has no entries below the header row")


def row_values(names: list[str | None], cells: list) -> dict:
    """A row's cells by the header's column names."""
    return {name: cells[index] if index < len(cells) else None
            for index, name in enumerate(names) if name is not None}


def chronology_read(name: str, data: bytes, *, today: datetime.date) -> ChronologyUpload:
    """Read and check a whole upload. Raises :class:`UnreadableFile` for a file that cannot
    be taken at all; otherwise returns the rows and every row error (none saved here)."""
    rows = upload_rows(name, data)
    result = ChronologyUpload()
    header = next(rows, None)
    if header is None:
        raise UnreadableFile("The selected file is empty")
    names, result.errors = header_read(header, keys=HEADER_KEYS, required=COLUMNS)
    if result.errors:
        return result  # with the wrong columns, every row would be wrong too
    for number, cells in body_rows(rows):
        values = row_values(names, cells)
        if _is_example(values):
            result.errors.append(RowError(number, "", "this is the template's example "
                                          "row; delete it before uploading"))
            continue
        result.errors.extend(_check_row(number, values, today))
        result.rows.append(_clean_row(values))
    if result.errors:
        result.rows = []
    return result


def _is_example(values: dict) -> bool:
    return cell_text(values.get("details")) == EXAMPLE_ROW["details"]


def _check_row(number: int, values: dict, today: datetime.date) -> list[RowError]:
    errors = []
    raw_date = values.get("date")
    if cell_text(raw_date) == "":
        errors.append(RowError(number, HEADERS["date"], REQUIRED["date"]))
    else:
        parsed = cell_date(raw_date)
        if parsed is None:
            errors.append(RowError(number, HEADERS["date"], DATE_HINT))
        elif parsed > today:
            errors.append(RowError(number, HEADERS["date"],
                                   "the date must be today or in the past"))
    for name, label in COLUMNS[1:]:
        text = cell_text(values.get(name))
        if not text and name in REQUIRED:
            errors.append(RowError(number, label, REQUIRED[name]))
        elif len(text) > MAX_LENGTHS[name]:
            errors.append(RowError(number, label,
                                   f"must be {MAX_LENGTHS[name]:,} characters or fewer"))
    return errors


def _clean_row(values: dict) -> dict:
    row = {name: cell_text(values.get(name)) for name, _label in COLUMNS[1:]}
    row["date"] = cell_date(values.get("date"))
    return row


# Writing ---------------------------------------------------------------------------------
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A cell a spreadsheet would run as a formula is written as text (OWASP CSV
    injection): a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def template_xlsx() -> bytes:
    """The blank template: the header, one example row, and a guidance sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Chronology"
    sheet.append([label for _name, label in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    example = [EXAMPLE_ROW[name] for name, _label in COLUMNS]
    sheet.append(example)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="505A5F")
    for letter, width in zip("ABCDEFGH", (12, 24, 24, 24, 20, 20, 60, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    guidance = workbook.create_sheet("Guidance")
    for line in GUIDANCE:
        guidance.append([line])
    guidance["A1"].font = Font(bold=True)
    guidance.column_dimensions["A"].width = 110
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    """The template as UTF-8 CSV with a BOM (so Excel opens it as UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _name, label in COLUMNS])
    writer.writerow([EXAMPLE_ROW[name] for name, _label in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


MASTER_HEADERS = ["Date", "Agency", "Source of information", "Agency/department",
                  "Subject(s)", "Type of contact", "By whom", "Details of event",
                  "Comments/analysis of outcome", "Outside the scope period"]


def master_row(entry) -> list:
    """One master chronology row: the entry with its agency (the return it came from)."""
    return [entry.date, entry.agency.name, entry.source, entry.agency_department,
            entry.subjects, entry.contact_type, entry.by_whom, entry.details,
            entry.comments, "Yes" if getattr(entry, "out_of_scope", False) else ""]


class _Echo:
    def write(self, value: str) -> str:
        return value


def master_csv_lines(entries: Iterable) -> Iterator[str]:
    """The master chronology as CSV lines (for a streamed response), formulas
    neutralised, BOM first so Excel reads UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(MASTER_HEADERS)
    for entry in entries:
        row = master_row(entry)
        row[0] = f"{row[0]:%d/%m/%Y}"
        yield writer.writerow([neutralise(v) for v in row])


def master_xlsx(entries: Iterable, *, title: str) -> bytes:
    """The master chronology as XLSX (write-only, so thousands of rows stay quick); text
    is always written as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Master chronology")
    sheet.column_dimensions["A"].width = 12
    for letter in "BCDEFG":
        sheet.column_dimensions[letter].width = 22
    sheet.column_dimensions["H"].width = 60
    sheet.column_dimensions["I"].width = 50
    title_cell = WriteOnlyCell(sheet, value=title)
    title_cell.font = Font(bold=True)
    sheet.append([title_cell])
    bold = Font(bold=True)
    header = []
    for label in MASTER_HEADERS:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for entry in entries:
        cells = []
        for value in master_row(entry):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # '=...' stays text, never a formula
            else:
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
