"""Reading generated documents back, as a person opening them would."""

import io
import re
import shutil
import subprocess

from docx import Document


def pdf_text(data: bytes, *, layout: bool = True) -> str:
    """The PDF's text as pdftotext (poppler-utils, installed by make test) extracts it.

    ``layout=False`` reads in content order: a name wrapped inside a table cell comes out
    whole rather than interleaved with the next column's text."""
    return subprocess.run([shutil.which("pdftotext"), *(["-layout"] if layout else []),  # noqa: S603
                           "-", "-"],
                          input=bytes(data),
                          capture_output=True, check=True).stdout.decode()


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a Word document, one per line."""
    document = Document(io.BytesIO(bytes(data)))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def flat(text: str) -> str:
    """Whitespace collapsed: text wrapped over lines reads as one line."""
    return re.sub(r"\s+", " ", text)


def has_name(text: str, name: str) -> bool:
    """Whether a person's name is in the text as a reader would see it. A name that wraps
    at a hyphen in a table cell loses that hyphen in pdftotext, so spaces and hyphens are
    ignored on both sides."""
    def squash(value: str) -> str:
        return re.sub(r"[\s-]", "", value)
    return squash(name) in squash(text)
