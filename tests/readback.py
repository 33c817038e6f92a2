"""Reading generated documents back, as a person opening them would."""

import io
import shutil
import subprocess

from docx import Document


def pdf_text(data: bytes) -> str:
    """The PDF's text as pdftotext (poppler-utils, installed by make test) extracts it."""
    return subprocess.run([shutil.which("pdftotext"), "-layout", "-", "-"],  # noqa: S603
                          input=bytes(data),
                          capture_output=True, check=True).stdout.decode()


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a Word document, one per line."""
    document = Document(io.BytesIO(bytes(data)))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)
