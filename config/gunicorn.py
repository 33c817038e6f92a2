"""gunicorn's logging, for the production image and docker compose (``gunicorn -c
config/gunicorn.py``; their command lines set the rest). The access log names the path
without its query string and leaves out the referring page (whose address could hold one),
so no search typed into an address reaches a log (issue 15); the error log's
"Error handling request" line loses its query string too (config/log_filters.py)."""

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from any directory

from config.log_filters import WithoutQueryStrings  # noqa: E402

# gunicorn's default less the query (%(r)s is the request line, %(U)s the path alone) and
# the referrer (%(f)s).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'


def on_starting(server):
    """In the master before the workers are forked: they inherit the filter."""
    logging.getLogger("gunicorn.error").addFilter(WithoutQueryStrings())
