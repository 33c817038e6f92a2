"""Hostile spreadsheets, built in the test: small files that open into something huge
(issue 15). Each is a well-formed XLSX that openpyxl, unguarded, would try to read whole."""

from __future__ import annotations

import functools
import io
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
        '/package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        f'"{_CT}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{_CT}.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
        f'ContentType="{_CT}.sharedStrings+xml"/></Types>'),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}"><Relationship '
        f'Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{_REL}">'
        '<sheets><sheet name="Chronology" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}"><Relationship '
        f'Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship '
        f'Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
}
HEADERS = ["Date", "Source of information", "Agency/department", "Subject(s)",
           "Type of contact", "By whom", "Details of event", "Comments/analysis of outcome"]


def _header_row() -> bytes:
    return b'<row r="1">' + b"".join(
        b'<c r="%s1" t="s"><v>%d</v></c>' % (bytes([65 + i]), i)
        for i in range(len(HEADERS))) + b"</row>"


def _strings(extra: bytes = b"") -> bytes:
    return (f'<sst xmlns="{MAIN}">'.encode()
            + b"".join(f"<si><t>{h}</t></si>".encode() for h in HEADERS) + extra + b"</sst>")


def xlsx(rows: bytes = b"", *, strings: bytes = b"", dimension: str = "",
         level: int = 6) -> bytes:
    """A workbook whose sheet is the chronology template's header row then ``rows`` (sheet
    XML), with ``strings`` added to the shared strings after the headers'."""
    sheet = (f'<worksheet xmlns="{MAIN}">'.encode()
             + (f'<dimension ref="{dimension}"/>'.encode() if dimension else b"")
             + b"<sheetData>" + _header_row() + rows + b"</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", _strings(strings))
    return out.getvalue()


@functools.cache
def shared_strings_bomb() -> bytes:
    """~180 KB that opens into 51 MB of shared strings (three million of them)."""
    item = b"<si><t>x</t></si>"
    return xlsx(strings=item * (51 * 1024 * 1024 // len(item)), level=9)


@functools.cache
def blank_rows_bomb(count: int = 1_000_000) -> bytes:
    """~2.5 MB holding a million blank rows below the header (17 MB of XML: less than the
    size cap, compressed less than the ratio cap: only counting the rows stops it)."""
    return xlsx(b"".join(b'<row r="%d"/>' % number for number in range(2, count + 2)))
