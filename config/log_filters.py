"""No query string in a log line (issue 15): an address's query could carry a search (a
child's name typed into an old link, or by hand), and logs are kept, shipped and read far
from the records. Django's request logs name the path only; this filter takes the query off
the lines that name the whole address: ``runserver``'s request lines (``make run``) and
gunicorn's "Error handling request" (config/gunicorn.py, which also sets its access log)."""

from __future__ import annotations

import logging
import re

# A path, then "?" and everything up to the next space or quote.
_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")


def without_query_strings(text: str) -> str:
    return _QUERY.sub(r"\1", text)


class WithoutQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = without_query_strings(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
