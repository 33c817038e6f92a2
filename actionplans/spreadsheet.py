"""The action plan as the spreadsheet partnerships already pass around (one row per action,
landscape, the header frozen), and the agency's copy of it that comes back as their
progress upload (issue 13, "Exports").

Reading the upload reuses the chronology upload's machinery (``rapid_review.chronology_io``:
the size and type checks, blank rows skipped, every problem as a row error with the row
number the spreadsheet shows) and checks the whole file before anything is saved. Nothing
here touches the database: the rows are checked against the actions the caller gives.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from rapid_review.chronology_io import (
    XLSX_TYPE,
    RowError,
    UnreadableFile,
    body_rows,
    cell_text,
    header_key,
    header_read,
    neutralise,
    row_values,
    upload_rows,
)

from .models import Action

__all__ = ["XLSX_TYPE", "PLAN_COLUMNS", "PROGRESS_COLUMNS", "ProgressRow", "ProgressUpload",
           "RowError", "UnreadableFile", "plan_xlsx", "progress_read"]

# (header, width): the columns of the plan, in the order partnerships keep them.
PLAN_COLUMNS: list[tuple[str, int]] = [
    ("Recommendation", 8), ("Recommendation text", 40), ("Finding", 36), ("Source", 22),
    ("Action ref", 9), ("Action", 44), ("Agency", 24), ("Lead", 20), ("Due date", 12),
    ("Expected outcome", 34), ("Measure of impact", 34), ("Status", 16), ("Impact", 18),
    ("Not implemented reason", 30), ("Last update", 40),
]
# The agency's copy: what they fill in; Status and Not implemented reason are the plan's
# own columns, filled in with what the plan says now.
PROGRESS_COLUMNS: list[tuple[str, int]] = [
    ("Progress note", 44), ("Evidence link", 30), ("Evidence description", 36),
]
FILL = ("Status", "Not implemented reason", "Progress note", "Evidence link",
        "Evidence description")
# The upload's columns by name; the plan's other columns are read-only and ignored.
UPLOAD_COLUMNS = [("reference", "Action ref"), ("status", "Status"),
                  ("note", "Progress note"),
                  ("not_implemented_reason", "Not implemented reason"),
                  ("evidence_url", "Evidence link"),
                  ("evidence_description", "Evidence description")]
UPLOAD_KEYS = {header_key(label): name for name, label in UPLOAD_COLUMNS}
IGNORED_KEYS = {header_key(label) for label, _width in PLAN_COLUMNS} - set(UPLOAD_KEYS)
STATUS_BY_LABEL = {header_key(label): value for value, label in Action.Status.choices} | {
    header_key(value.replace("_", " ")): value for value in Action.Status.values}
MAX_ROWS = 500
GUIDANCE = [
    "How to update your agency's actions",
    "Keep the header row and the Action ref column as they are; only your agency's actions "
    "can be updated.",
    "For each action you have progress on, set the Status (Not started, On track, At risk, "
    "Complete or Not implemented) and write the Progress note. Rows you leave as they are "
    "are not changed.",
    "Complete needs evidence of the action's impact: give an Evidence description, with an "
    "Evidence link if the evidence is online (an audit's result can be described without "
    "a link). Evidence already added online counts.",
    "Not implemented needs the reason in the Not implemented reason column.",
    "The whole file is checked before anything is saved: if any row has a problem, nothing "
    "is saved and every problem is listed with its row number.",
]


def _last_update(action: Action) -> str:
    written_at = getattr(action, "last_update_at", None)
    if written_at is None:
        return ""
    return f"{timezone.localtime(written_at):%d/%m/%Y}: {action.last_update_note}"


def plan_row(action: Action) -> list:
    recommendation = action.recommendation
    return [recommendation.number, recommendation.text, recommendation.finding,
            recommendation.get_source_display(), action.reference, action.text,
            action.agency.name, action.lead, action.due_on, action.outcome, action.measure,
            action.get_status_display(), action.get_impact_display(),
            action.not_implemented_reason, _last_update(action)]


def plan_xlsx(actions: Iterable[Action], *, title: str, progress: bool = False) -> bytes:
    """The plan's actions as XLSX, one row per action. ``progress``: the agency's copy, with
    the columns it fills in (highlighted), a status list and a guidance sheet.

    Each action needs ``recommendation`` and ``agency`` loaded, and ``last_update_at`` and
    ``last_update_note`` (``learning_selectors.plan_actions``). Text is always written as
    text, never run as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = PLAN_COLUMNS + (PROGRESS_COLUMNS if progress else [])
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Progress" if progress else "Action plan"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.oddHeader.center.text = title
    sheet.append([label for label, _width in columns])
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    fill = PatternFill("solid", start_color="FFF7BF")
    for index, (label, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.alignment = bold, wrap
        if progress and label in FILL:
            cell.fill = fill
    count = 0
    for action in actions:
        values = plan_row(action) + (["", "", ""] if progress else [])
        sheet.append([neutralise(v) for v in values])
        count += 1
        for cell in sheet[count + 1]:
            cell.alignment = wrap
            if isinstance(cell.value, str):
                cell.data_type = "s"
        sheet.cell(row=count + 1, column=9).number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "F2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    if progress:
        status = [label for _value, label in Action.Status.choices]
        validation = DataValidation(type="list", formula1=f'"{",".join(status)}"',
                                    allow_blank=True, showErrorMessage=True,
                                    errorTitle="Status", error="Choose a status from the list")
        sheet.add_data_validation(validation)
        validation.add(f"L2:L{max(count + 1, 2) + 200}")
        guidance = workbook.create_sheet("Guidance")
        for line in GUIDANCE:
            guidance.append([line])
        guidance["A1"].font = bold
        guidance.column_dimensions["A"].width = 110
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# Reading the agency's copy back ------------------------------------------------------------
@dataclass(frozen=True)
class ProgressRow:
    row: int
    action: Action
    status: str
    note: str
    not_implemented_reason: str
    evidence_url: str
    evidence_description: str


@dataclass
class ProgressUpload:
    """The rows that change an action (rows left as they were are skipped) and every
    error."""

    rows: list[ProgressRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.errors


HEADERS = dict(UPLOAD_COLUMNS)
LIMITS = {"note": 5000, "not_implemented_reason": 5000, "evidence_url": 500,
          "evidence_description": 5000}


def _row(number: int, values: dict, mine: dict[str, Action], others: set[str],
         seen: set[str], result: ProgressUpload) -> None:
    text = {name: cell_text(values.get(name)) for name, _label in UPLOAD_COLUMNS}
    reference = text["reference"]
    errors = result.errors
    if not reference:
        errors.append(RowError(number, HEADERS["reference"], "enter the action's reference, "
                               "like 1.2, as the downloaded spreadsheet has it"))
        return
    action = mine.get(reference)
    if action is None:
        errors.append(RowError(number, HEADERS["reference"], (
            f"action {reference} belongs to another agency: only your agency's actions can "
            "be updated here") if reference in others else (
            f"there is no action {reference} in this plan")))
        return
    if reference in seen:
        errors.append(RowError(number, HEADERS["reference"],
                               f"action {reference} appears twice; give one row per action"))
        return
    seen.add(reference)
    status = STATUS_BY_LABEL.get(header_key(text["status"])) if text["status"] else action.status
    if status is None:
        errors.append(RowError(number, HEADERS["status"], "choose Not started, On track, "
                               "At risk, Complete or Not implemented"))
        return
    changes = (text["note"] or text["evidence_url"] or text["evidence_description"]
               or status != action.status
               or (status == Action.Status.NOT_IMPLEMENTED
                   and text["not_implemented_reason"] != action.not_implemented_reason))
    if not changes:
        return  # left as it was
    problems = [RowError(number, HEADERS[name], f"must be {limit:,} characters or fewer")
                for name, limit in LIMITS.items() if len(text[name]) > limit]
    if not text["note"]:
        problems.append(RowError(number, HEADERS["note"],
                                 "enter what has happened since the last update"))
    if text["evidence_url"] and not text["evidence_description"]:
        problems.append(RowError(number, HEADERS["evidence_description"],
                                 "enter what the evidence at the link shows"))
    errors.extend(problems)
    if not problems:
        result.rows.append(ProgressRow(
            number, action, status, text["note"],
            text["not_implemented_reason"] if status == Action.Status.NOT_IMPLEMENTED else "",
            text["evidence_url"], text["evidence_description"]))


def progress_read(name: str, data: bytes, *, mine: dict[str, Action],
                  others: set[str]) -> ProgressUpload:
    """Read and check a whole progress upload against the agency's actions (``mine``, by
    reference) and the plan's other references. Raises :class:`UnreadableFile` for a file
    that cannot be taken at all; otherwise returns the rows to save and every row error."""
    rows = upload_rows(name, data)
    header = next(rows, None)
    if header is None:
        raise UnreadableFile("The selected file is empty")
    result = ProgressUpload()
    names, result.errors = header_read(
        header, keys=UPLOAD_KEYS, required=UPLOAD_COLUMNS[:3],
        template="your agency's progress spreadsheet", ignored=IGNORED_KEYS)
    if result.errors:
        return result
    seen: set[str] = set()
    for number, cells in body_rows(rows, max_rows=MAX_ROWS):
        _row(number, row_values(names, cells), mine, others, seen, result)
    if result.errors:
        result.rows = []
    elif not result.rows:
        raise UnreadableFile("The selected file changes nothing: write a progress note "
                             "against at least one action")
    return result
