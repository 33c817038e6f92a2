"""Reading chronology spreadsheets: every row error with its row and column, whole-file
refusals, dates in every accepted form; and writing the template and exports."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from rapid_review.chronology_io import (
    EXAMPLE_ROW,
    MAX_ROWS,
    UnreadableFile,
    chronology_read,
    master_csv_lines,
    master_xlsx,
    neutralise,
    parse_text_date,
    template_csv,
    template_xlsx,
)
from tests.rapid_review.chronology_builders import HEADER, csv_bytes, good_row, xlsx_bytes

TODAY = datetime.date(2026, 11, 25)
d = datetime.date.fromisoformat


def read(name, data):
    return chronology_read(name, data, today=TODAY)


def messages(result):
    return [str(e) for e in result.errors]


def test_a_good_xlsx_with_real_dates_and_text_dates_is_read_in_order():
    data = xlsx_bytes([
        [datetime.datetime(2026, 2, 3), *good_row()[1:]],
        good_row("2026-02-04", "Second"),
        good_row("5/2/2026", "Third"),
        [None] * 8,  # a blank row is skipped
        [datetime.date(2026, 2, 6), "", "GP surgery", "Mother", "Phone call", None, 42, None],
    ])
    result = read("chronology.xlsx", data)
    assert result.is_clean, messages(result)
    assert [r["date"] for r in result.rows] == [d("2026-02-03"), d("2026-02-04"),
                                                d("2026-02-05"), d("2026-02-06")]
    assert result.rows[3] == {"date": d("2026-02-06"), "source": "", "agency_department":
                              "GP surgery", "subjects": "Mother", "contact_type": "Phone call",
                              "by_whom": "", "details": "42", "comments": ""}


def test_every_kind_of_bad_row_is_reported_with_its_row_and_column():
    rows = [
        good_row(),                                   # row 2: fine
        good_row("31/02/2026"),                       # row 3: not a real date
        good_row("yesterday"),                        # row 4: not a date at all
        good_row("01/12/2026"),                       # row 5: in the future
        ["", *good_row()[1:]],                        # row 6: no date
        good_row()[:2] + ["", "", ""] + good_row()[5:6] + ["", ""],  # row 7: 4 missing
        good_row()[:3] + ["x" * 301] + good_row()[4:],  # row 8: too long
    ]
    result = read("c.csv", csv_bytes(rows))
    assert not result.is_clean and result.rows == []
    assert messages(result) == [
        "Row 3, Date: enter a real date, like 27/03/2026",
        "Row 4, Date: enter a real date, like 27/03/2026",
        "Row 5, Date: the date must be today or in the past",
        "Row 6, Date: enter the date",
        "Row 7, Agency/department: enter the agency or department",
        "Row 7, Subject(s): enter the subject(s)",
        "Row 7, Type of contact: enter the type of contact",
        "Row 7, Details of event: enter the details of the event",
        "Row 8, Subject(s): must be 300 characters or fewer",
    ]


def test_row_numbers_count_blank_rows_as_the_spreadsheet_shows_them():
    result = read("c.xlsx", xlsx_bytes([good_row(), [None] * 8, good_row("bad")]))
    assert messages(result) == ["Row 4, Date: enter a real date, like 27/03/2026"]


def test_headers_match_whatever_the_case_and_spaces_and_appendix_f_wording():
    header = ["DATE", "source of information", "Agency/ Department", "Name of Subject(s)",
              "type  of contact", "By Whom?", "Details of Event", "Comments/Analysis of Outcome"]
    result = read("c.csv", csv_bytes([good_row()], header=header))
    assert result.is_clean and len(result.rows) == 1


def test_a_header_in_another_order_is_read_by_name():
    header = list(reversed(HEADER))
    result = read("c.csv", csv_bytes([list(reversed(good_row()))], header=header))
    assert result.is_clean and result.rows[0]["agency_department"] == "Health visiting"


def test_wrong_missing_and_repeated_columns_are_row_1_errors():
    header = HEADER[:-1] + ["Notes", "Date"]
    result = read("c.csv", csv_bytes([good_row() + [""]], header=header))
    assert messages(result) == [
        "Row 1, Notes: this is not a column of the chronology template; use the "
        "template's header row",
        "Row 1, Date: this column appears twice",
        "Row 1, Comments/analysis of outcome: this column is missing; use the template's "
        "header row",
    ]


def test_csv_with_a_byte_order_mark_is_read():
    result = read("c.csv", csv_bytes([good_row()], bom=True))
    assert result.is_clean and result.rows[0]["date"] == d("2026-02-03")


def test_formula_text_is_kept_as_text_on_import():
    row = good_row(details="=HYPERLINK(\"http://example.org\",\"click\")")
    result = read("c.csv", csv_bytes([row]))
    assert result.rows[0]["details"] == "=HYPERLINK(\"http://example.org\",\"click\")"


def test_the_template_example_row_is_refused_so_it_is_never_imported():
    result = read("t.xlsx", template_xlsx())
    assert messages(result) == ["Row 2: this is the template's example row; delete it "
                                "before uploading"]
    assert messages(read("t.csv", template_csv())) == messages(result)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("c.pdf", b"%PDF-1.4", "must be an XLSX or CSV spreadsheet"),
    ("c", b"Date\n", "must be an XLSX or CSV spreadsheet"),
    ("c.xlsx", b"Date,Source\n", "could not be read as an XLSX spreadsheet"),
    ("c.xlsx", b"PK\x03\x04 not really a zip", "could not be read as an XLSX spreadsheet"),
    ("c.csv", "Date\n\xe9t\xe9".encode("latin-1"), "must be saved as UTF-8"),
    ("c.csv", b"", "is empty"),
    ("c.csv", csv_bytes([]), "has no entries below the header row"),
    ("c.csv", b"x" * (5 * 1024 * 1024 + 1), "must be smaller than 5 MB"),
])
def test_files_that_cannot_be_taken_are_refused_whole(name, data, message):
    with pytest.raises(UnreadableFile, match=message):
        read(name, data)


def test_more_than_5000_rows_is_refused():
    rows = [good_row()] * (MAX_ROWS + 1)
    with pytest.raises(UnreadableFile, match="5,000 rows or fewer"):
        read("c.csv", csv_bytes(rows))
    assert len(read("c.csv", csv_bytes([good_row()] * MAX_ROWS)).rows) == MAX_ROWS


@pytest.mark.parametrize(("text", "expected"), [
    ("27/03/2026", d("2026-03-27")), ("7/3/2026", d("2026-03-07")),
    ("2026-03-27", d("2026-03-27")), ("27-03-2026", d("2026-03-27")),
    ("29/02/2025", None), ("2026/03/27", None), ("03/27/2026", None), ("", None),
])
def test_text_dates(text, expected):
    assert parse_text_date(text) == expected


def test_the_template_has_the_header_an_obvious_example_and_guidance():
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    sheet = workbook["Chronology"]
    assert [c.value for c in sheet[1]] == HEADER
    assert all(str(c.value).startswith("EXAMPLE") for c in sheet[2][1:])
    assert "Guidance" in workbook.sheetnames
    rows = list(csv.reader(io.StringIO(template_csv().decode("utf-8-sig"))))
    assert rows[0] == HEADER and rows[1][6] == EXAMPLE_ROW["details"]


class Entry:
    def __init__(self, details, out_of_scope=False):
        self.date = d("2026-01-02")
        self.agency = type("A", (), {"name": "Agency (fictional)"})()
        self.source = "@SUM(1)"
        self.agency_department = "-2+3"
        self.subjects = "+cmd"
        self.contact_type = "Visit"
        self.by_whom = ""
        self.details = details
        self.comments = ""
        self.out_of_scope = out_of_scope


def test_csv_export_neutralises_formula_injection():
    lines = list(master_csv_lines([Entry("=1+1"), Entry("Plain", out_of_scope=True)]))
    assert lines[0].startswith("\ufeff")
    rows = list(csv.reader(io.StringIO("".join(lines).lstrip("\ufeff"))))
    assert rows[1][:5] == ["02/01/2026", "Agency (fictional)", "'@SUM(1)", "'-2+3", "'+cmd"]
    assert rows[1][7] == "'=1+1" and rows[2][7] == "Plain" and rows[2][9] == "Yes"
    assert neutralise("Fine") == "Fine" and neutralise(3) == 3


def test_xlsx_export_writes_formula_text_as_text():
    sheet = load_workbook(io.BytesIO(master_xlsx([Entry("=1+1")], title="T"))).active
    row = [c for c in sheet.iter_rows(min_row=3, max_row=3)][0]
    assert row[7].value == "=1+1" and row[7].data_type == "s"
    assert row[0].value == datetime.datetime(2026, 1, 2)
