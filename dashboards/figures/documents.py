"""The yearly report's figures (seed 002 l.308: the findings of the reviews, the actions
taken and the reason for any action not taken) as a Word document through the one
rendering path of ``cases.documents``, as a spreadsheet with a sheet for each table, and
each table as CSV. All three are made from the tables of ``tables.figures_build``."""

from __future__ import annotations

import csv
import io
import re

from cases.documents import DocumentContent, Heading, Paragraph, Table, render_docx
from rapid_review.chronology_io import neutralise

from .tables import Figures, FigureTable

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _who(figures: Figures) -> str:
    return " and ".join(p.name for p in figures.partnerships)


def report_title(figures: Figures) -> str:
    return f"Yearly report figures, {figures.period.label}"


def report_docx(figures: Figures) -> bytes:
    """A4, portrait; a long table in small print."""
    content = DocumentContent(report_title(figures), _who(figures), figures.period.label)
    content.add(Paragraph(
        f"The figures of {_who(figures)} for {figures.period.label}: how promptly the "
        "statutory steps were taken, how many reviews there were and what they found, the "
        "actions taken, and the reason for any action not taken."))
    for table in figures.tables:
        content.add(Heading(table.title))
        if table.intro:
            content.add(Paragraph(table.intro))
        if table.rows:
            content.add(Table(table.headers, [[str(v) for v in row] for row in table.rows],
                              compact=len(table.headers) > 5))
        else:
            content.add(Paragraph(table.empty))
    return render_docx(content)


def report_xlsx(figures: Figures) -> bytes:
    """One sheet for each table, the header bold and frozen; numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in figures.tables:
        sheet = workbook.create_sheet(table.title[:31])
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape"
        sheet.oddHeader.center.text = f"{_who(figures)}: {table.title}, {figures.period.label}"
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([neutralise(v) for v in row])
        for index, header in enumerate(table.headers, start=1):
            longest = max([len(str(header))] + [len(str(r[index - 1])) for r in table.rows])
            sheet.column_dimensions[get_column_letter(index)].width = min(max(longest, 8), 60)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_csv(table: FigureTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


def filename(figures: Figures, what: str, extension: str) -> str:
    period = f"{figures.period.start:%Y-%m-%d}-to-{figures.period.end:%Y-%m-%d}"
    return re.sub(r"[^a-z0-9.-]+", "-", f"{what}-{period}.{extension}".lower())
