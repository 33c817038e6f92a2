"""All settings, read from the environment (12-factor) with safe defaults for trying the product.

With nothing set, the service runs on SQLite, a filesystem Celery broker and file-based
email under ``var/``. Production sets ``SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL`` and
``EMAIL_URL``; with ``DEBUG`` off a missing ``SECRET_KEY`` refuses to start, except for
the management commands that only read the code (``CODE_ONLY_COMMANDS``).
"""

import datetime
import sys
import warnings
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# Checking models and migrations needs no key: the key stays empty, so anything that did
# try to sign with it would still fail (Django refuses an empty SECRET_KEY when read).
CODE_ONLY_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}
# .env.example's value: a copied example file must not sign anyone's sessions.
PLACEHOLDER_SECRET_KEY = "replace-with-50-or-more-random-characters"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
_code_only = (Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2]
              and sys.argv[1] in CODE_ONLY_COMMANDS)
if SECRET_KEY == PLACEHOLDER_SECRET_KEY and not _code_only:
    raise ImproperlyConfigured("SECRET_KEY is still the example file's placeholder: set a "
                               "random key of 50 or more characters.")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105
    elif not _code_only:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SERVICE_NAME = "Safeguarding Practice Reviews"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Before accounts: its failed sign-in is counted before ours is audited (signals.py).
    "axes",
    "crispy_forms",
    "crispy_forms_gds",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "accounts",
    "outbox",
    "calendars",
    "cases",
    "notifications",
    "rapid_review",
    "lcspr",
    "actionplans",
    "dashboards",
    "operations",
    "records",
]

MIDDLEWARE = [
    "csp.middleware.CSPMiddleware",  # first: every answer carries the policy, /health/'s too
    "operations.middleware.HealthCheckMiddleware",  # before the host checks: see its docstring
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.middleware.RequestContextMiddleware",
    "accounts.middleware.NoStoreMiddleware",  # after WhiteNoise: static files stay cached
    "cases.middleware.RequestSizeLimitMiddleware",  # before anything reads the body
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SecondFactorMiddleware",  # request.user.is_verified()
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages (a session ended says why on the sign-in page), before anything that
    # reads the signed-in user's roles.
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.CurrentPartnershipMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "accounts.middleware.ReadAuditMiddleware",  # after sign-in: see its docstring
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as axes asks: see AXES_LOCKOUT_CALLABLE
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.service",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Connections are kept a minute and checked before reuse (a restarted server costs nothing).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer ends in the service's error page within seconds, not
    # a request held until gunicorn kills it. Connecting gives up after
    # DATABASE_CONNECT_TIMEOUT seconds; the server cancels any statement (a lock wait
    # included) after DATABASE_STATEMENT_TIMEOUT seconds, 0 for none (migrations run so).
    # The planner prices a random read as an SSD's or a cached page's (DATABASE_RANDOM_PAGE_COST,
    # PostgreSQL's own default 4 is a spinning disk's): at 4 it joined a page's 50 rows to
    # every case, step and agency in the country by hashing them (docs/performance.md).
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
    _db_options["options"] = " ".join(filter(None, [
        _db_options.get("options", ""),
        f"-c statement_timeout={env.int('DATABASE_STATEMENT_TIMEOUT', default=15) * 1000}",
        f"-c random_page_cost={env.float('DATABASE_RANDOM_PAGE_COST', default=1.1)}"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Caches: each process's own memory. "pages" holds the managers' dashboards, rendered, kept
# right by a version in the database (dashboards/cache.py, docs/decisions/0020-page-cache.md):
# a web worker's cache is its own, so no page's HTML is kept outside the process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages",
              "TIMEOUT": 600, "OPTIONS": {"MAX_ENTRIES": 500}},
}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes refuses a locked-out sign-in before the password is checked; Django's own backend
# checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
]
# GOV.UK Frontend's compiled CSS asks for its fonts and images at /assets/.
WHITENOISE_ROOT = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"
# Until collectstatic has run (production images run it) WhiteNoise serves via finders.
# (Django's handler is named as the warning's source, so it is matched by message alone.)
warnings.filterwarnings("ignore", message="No directory at: ")
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# Free text with GOV.UK's character count (accounts/fields.py) is a textarea like any other.
CRISPY_CLASS_CONVERTERS = {"charactercounttextarea": "govuk-textarea"}

# Email: file-based under var/mail/ unless EMAIL_URL names a real gateway.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@reviews.example.org")
# Seconds the mail server has to answer each step of sending one email (outbox/services.py).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# A message claimed this long ago and still "sending" was lost with its worker: the sweep
# puts it back (a crash re-sends at most that one message). Far longer than one send.
OUTBOX_CLAIM_SECONDS = env.int("OUTBOX_CLAIM_SECONDS", default=5 * 60)
if OUTBOX_CLAIM_SECONDS < 4 * EMAIL_TIMEOUT:
    raise ImproperlyConfigured("OUTBOX_CLAIM_SECONDS must be at least 4 x EMAIL_TIMEOUT, so "
                               "a slow send is never taken for a lost one")
# How often beat runs the outbox sweep, in seconds.
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=60.0)
# Absolute links in emails; the address users reach the service at. Unset (``make run``),
# the local server on the port it was started on.
SITE_URL = env.str("SITE_URL",
                   default=f"http://127.0.0.1:{env.int('PORT', default=8000)}").rstrip("/")
# Generated documents (master chronology, collated returns) holding more entries than this
# are rendered by a Celery task, not inside the web request (a 2,000-row PDF takes ~15 s).
DOCUMENT_INLINE_MAX_ENTRIES = env.int("DOCUMENT_INLINE_MAX_ENTRIES", default=300)

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport (no server).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Socket timeouts: a Redis that accepts connections but never answers must fail a
    # publish in seconds (the page then says the work is waiting), not hang the request.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600,
                                       "socket_connect_timeout": 3, "socket_timeout": 5}
else:
    CELERY_BROKER_URL = "filesystem://localhost//"  # the host is ignored; naming it stops a warning
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    # Any process may queue a task (seed_demo does), so the folders must exist first.
    for _folder in ("queue", "processed", "control"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)
# Results only where a task asks for them (the sweeps, so operations can see what they did).
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Every task has time limits: past the soft one it gets SoftTimeLimitExceeded (a document
# preparation records the failure), past the hard one its process is killed. Both stay
# under the sweeps' 10 minutes (a task still running is never taken for a lost one) and the
# broker's visibility timeout. Tasks do their work in batches well inside them.
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "reminder-sweep-daily": {
        "task": "calendars.tasks.reminder_sweep",
        "schedule": crontab(hour=7, minute=0),
    },
    # Hourly, and the daily planning too if it has not run today (a beat that was down at
    # 07:00); a starting worker or beat runs the same catch-up (calendars/tasks.py).
    "reminder-sweep-hourly": {
        "task": "calendars.tasks.reminder_sweep_hourly",
        "schedule": crontab(minute=5),
    },
    "outbox-sweep": {
        "task": "outbox.tasks.outbox_sweep",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    # Nightly: cases past their retention period flagged for review, never deleted
    # (records/services.py). A night missed is caught up the next: nothing is lost by waiting.
    "retention-sweep-nightly": {
        "task": "records.tasks.retention_sweep",
        "schedule": crontab(hour=2, minute=30),
    },
}
# Durable background work (docs/decisions/0007-operations.md): the sweeps queue the work the
# broker never took or lost, and the heartbeat shows on /health/ that the worker is alive.
# Each message expires unrun after one interval, so a worker that was down does not come
# back to a pile of them.
BACKGROUND_SWEEP_SECONDS = 60
WORKER_HEARTBEAT_SECONDS = 60
CELERY_BEAT_SCHEDULE |= {
    name: {"task": task, "schedule": every, "options": {"expires": every}}
    for name, task, every in [
        ("document-preparations-requeue", "cases.tasks.document_preparations_requeue",
         BACKGROUND_SWEEP_SECONDS),
        ("spreadsheet-uploads-requeue", "cases.tasks.spreadsheet_uploads_requeue",
         BACKGROUND_SWEEP_SECONDS),
        ("deadline-recomputes-requeue", "calendars.tasks.deadlines_recompute_requeue",
         BACKGROUND_SWEEP_SECONDS),
        ("worker-heartbeat", "operations.tasks.heartbeat", WORKER_HEARTBEAT_SECONDS),
    ]
}
# /health/: the worker counts as alive for five heartbeats; the broker check gives up fast.
HEALTH_HEARTBEAT_MAX_AGE = 5 * WORKER_HEARTBEAT_SECONDS
HEALTH_BROKER_TIMEOUT = 3

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLED=true.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE_COOKIES else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE_COOKIES else "csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): nothing but the service's own files, no inline code
# or styles but base.html's one line that tells GOV.UK Frontend JavaScript runs (its nonce,
# request.csp_nonce, is new on every response), no frames, plugins or foreign form targets.
# GOV.UK Frontend needs no data: images or fonts (its CSS asks for /assets/ only).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF, CSP_NONCE],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "object-src": [CSP_NONE],
    },
}
SILENCED_SYSTEM_CHECKS = ["security.W021"] if not SECURE_HSTS_PRELOAD else []

PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Uploads (cases/uploads.py): no uploaded file can take a web worker down. A request body
# larger than one file and its form is refused (413 page) before any of it is read; the
# reverse proxy's limit (client_max_body_size) should match UPLOAD_MAX_REQUEST_BYTES.
_MB = 1024 * 1024
UPLOAD_MAX_FILE_BYTES = env.int("UPLOAD_MAX_FILE_BYTES", default=10 * _MB)
UPLOAD_MAX_REQUEST_BYTES = UPLOAD_MAX_FILE_BYTES + _MB
# Form fields other than files (Django refuses more with its 400 page); files larger than
# FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to a temporary file while the request is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=int(2.5 * _MB))
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=int(2.5 * _MB))
DATA_UPLOAD_MAX_NUMBER_FILES = 5
# An XLSX or DOCX is a ZIP: refused unopened when its parts would open to more than this
# (OPENED: the files the service reads, spreadsheets and the LCSPR draft it anonymises;
# STORED: attachments it only keeps), when a part of over 1 MB is compressed more than
# UPLOAD_ZIP_MAX_RATIO times, or when it has more than UPLOAD_ZIP_MAX_MEMBERS parts.
UPLOAD_OPENED_MAX_UNCOMPRESSED_BYTES = env.int("UPLOAD_OPENED_MAX_UNCOMPRESSED_BYTES",
                                               default=20 * _MB)
UPLOAD_STORED_MAX_UNCOMPRESSED_BYTES = env.int("UPLOAD_STORED_MAX_UNCOMPRESSED_BYTES",
                                               default=100 * _MB)
UPLOAD_ZIP_MAX_RATIO = env.int("UPLOAD_ZIP_MAX_RATIO", default=100)
UPLOAD_ZIP_MAX_MEMBERS = env.int("UPLOAD_ZIP_MAX_MEMBERS", default=1000)
# A spreadsheet is refused past these, counted as it is decompressed and again as its first
# sheet streams, blank rows included (an upload's own limit on entries, e.g. 5,000
# chronology rows, is checked as well). Elements: XML elements in the whole file, the bound
# on openpyxl's time and memory (about 4 s and 100 MB at the cap; 5,000 chronology rows
# hold 80,000 to 170,000).
UPLOAD_SHEET_MAX_ROWS = env.int("UPLOAD_SHEET_MAX_ROWS", default=10_000)
UPLOAD_SHEET_MAX_COLUMNS = env.int("UPLOAD_SHEET_MAX_COLUMNS", default=50)
UPLOAD_SHEET_MAX_ELEMENTS = env.int("UPLOAD_SHEET_MAX_ELEMENTS", default=200_000)
# A spreadsheet that passes those caps but is larger than these (rows holding a value, the
# header included; XML elements; bytes) is read and imported by the worker, not in the web
# request (cases/spreadsheet_jobs.py), behind a page that says it is being checked.
# Measured (docs/decisions/0016-safe-uploads.md): 500 chronology rows (13,000 elements) read
# in 0.2 s on an idle core, 1,000 rows (25,000) in 0.6 s; 5,000 rows in 2.5 s.
UPLOAD_INLINE_MAX_ROWS = env.int("UPLOAD_INLINE_MAX_ROWS", default=500)
UPLOAD_INLINE_MAX_ELEMENTS = env.int("UPLOAD_INLINE_MAX_ELEMENTS", default=25_000)
UPLOAD_INLINE_MAX_BYTES = env.int("UPLOAD_INLINE_MAX_BYTES", default=_MB)
# Optional virus scanning of stored files with ClamAV's daemon (cases/virus_scan.py):
# CLAMD_SOCKET (a Unix socket) or CLAMD_HOST and CLAMD_PORT. Unset, files are stored as
# "not scanned"; set, a scanner that does not answer within CLAMD_TIMEOUT refuses the upload.
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")
CLAMD_HOST = env.str("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30.0)
# The client's address (audit trail, sign-in and reset throttling): REMOTE_ADDR, unless the
# service sits behind a proxy that sets a header with it, e.g. TRUSTED_PROXY_HEADER=
# X-Forwarded-For. Then the address TRUSTED_PROXY_COUNT places from the right of that
# header (the one our own proxy added; the client can write anything to its left).
TRUSTED_PROXY_HEADER = env.str("TRUSTED_PROXY_HEADER", default="")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)

# Brute force (Cyber Essentials): 10 failed sign-ins in 5 minutes lock the email address
# typed, and separately the client's address, for 5 minutes from the last failure, whether
# or not the account exists; the service's sign-in and the operations admin alike
# (accounts/throttling.py). Failures are kept only that long; successes are not kept (the
# audit trail has them).
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", default=5))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.throttling.username_of"
AXES_CLIENT_IP_CALLABLE = "accounts.request_context.client_ip_of"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Password reset requests: at most this many in the same window from one address, and
# emails to one account (accounts/throttling.py).
PASSWORD_RESET_REQUEST_LIMIT = env.int("PASSWORD_RESET_REQUEST_LIMIT", default=10)

# Sessions: signed out after SESSION_IDLE_TIMEOUT seconds without a request, warned
# SESSION_IDLE_WARNING seconds before (templates/base.html, static/js/timeout_warning.mjs),
# and SESSION_ABSOLUTE_TIMEOUT seconds after signing in whatever they do
# (accounts/session_limits.py).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_IDLE_WARNING = env.int("SESSION_IDLE_WARNING", default=2 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=8 * 60 * 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # runserver's request lines (make run) name the path without its query string, as
    # gunicorn's access log does in production (config/gunicorn.py): no search in a log.
    "filters": {"without_query_strings": {"()": "config.log_filters.WithoutQueryStrings"}},
    "formatters": {"django.server": {"()": "django.utils.log.ServerFormatter",
                                     "format": "[{server_time}] {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server",
                          "filters": ["without_query_strings"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # WeasyPrint and fontTools log every layout step at INFO, axes every sign-in.
        **{name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "axes")},
    },
}
