"""Settings for eID guide, read from the environment (and an optional env file, see ENV_FILE).

Every variable is listed in docs/configuration.md. Production is the default:
DEBUG is off, a SECRET_KEY is required, HTTPS is enforced.
"""

import os
import re
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def env_file() -> Path | None:
    """The env file to read, if any: the one ENV_FILE names (an empty ENV_FILE means none);
    without ENV_FILE, the project's `.env` when it exists, but never under pytest, so that a
    developer's `.env` cannot reach the tests (tests/testenv.py also sets ENV_FILE empty, which
    the servers and commands the tests start inherit)."""
    named = os.environ.get("ENV_FILE")
    if named is not None:
        if not named:
            return None
        path = Path(named)
        if not path.is_file():
            raise ImproperlyConfigured(f"ENV_FILE={named} is not a file.")
        return path
    if "pytest" in sys.modules:
        return None
    default = BASE_DIR / ".env"
    return default if default.is_file() else None


if (ENV_FILE := env_file()) is not None:
    env.read_env(ENV_FILE)  # variables already in the environment win

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (for example the output of `python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'`), or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-true"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "simple_history",
    "axes",
    "guidance",
]

MIDDLEWARE = [
    # Outermost: request id, metrics of every answer, /metrics (eidguide.observability).
    "eidguide.observability.ObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "eidguide.middleware.SecurityHeadersMiddleware",
    # Inside the security headers, so its refusals carry them too.
    "eidguide.middleware.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "guidance.pages.middleware.HealthCheckMiddleware",
    "guidance.pages.middleware.PublicAnswerMiddleware",
    "eidguide.middleware.ExactVaryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "eidguide.urls"
WSGI_APPLICATION = "eidguide.wsgi.application"

TEMPLATES = [
    # The public pages: Jinja2 (guidance/jinja.py) renders a page several times faster than
    # Django's engine, most of a never-asked date's cost. First, as citizens' pages are asked most.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "guidance.jinja.environment",
            "context_processors": [
                "django.template.context_processors.i18n",
                "guidance.pages.context.site",
            ],
        },
    },
    # The admin and its templates (templates/admin/).
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guidance.pages.context.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# How long a statement waits for the database: for SQLite's write lock, or to connect to
# PostgreSQL. The public pages do not wait for it: they serve the content held in memory.
DATABASE_TIMEOUT = env.float("DATABASE_TIMEOUT", default=10)
# A worker keeps its connection between requests (checked before reuse): opening one per request
# cost 0.5 ms of a 2.6 ms page on SQLite (the file, its PRAGMAs, Django's functions).
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite as a real single-instance database: a write transaction takes the write lock when
    # it begins (IMMEDIATE), so two saves at once queue for it instead of failing with "database
    # is locked"; WAL lets visitors read while an editor writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=DATABASE_TIMEOUT,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", max(1, round(DATABASE_TIMEOUT / 3))
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Brute-force protection for the admin login (django-axes): five failures for one username from
# one address lock that pair out for an hour.
# After logging in with no safe place to go back to (a `next` pointing elsewhere): the admin.
LOGIN_REDIRECT_URL = "admin:index"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Behind PROXY_COUNT proxies (1 behind the edge), the client's address is read from
# X-Forwarded-For by django-ipware, counting from the right: the nearest proxy is REMOTE_ADDR and
# each proxy appends the address it received the request from, so ipware's count of proxies
# *listed* in the header is one less. A client's own prefix to the header is never trusted.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1 if PROXY_COUNT else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if PROXY_COUNT else ("REMOTE_ADDR",)
)
IPWARE_STRICT = False  # a longer header (a client's own prefix) is read from the right, not refused

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("da", _("Danish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 3600  # unhashed names only; hashed names are cached for ever
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

# HTTPS and security headers.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "guidance.pages.views.csrf_failure"
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
}
# Browser features the site never uses are switched off (eidguide.middleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), "
    "payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), "
    "sync-xhr=(), usb=(), xr-spatial-tracking=()"
)

# Refuse oversized input before it reaches a view.
# The admin's bulk edit of self-services sends about three fields a row, 500 rows a page; a query
# string never comes near (2,048 characters at most: eidguide.middleware).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_048_576

# Observability (eidguide.observability, eidguide.logs): one JSON object a line on stdout with
# the request id (plain text with DEBUG, or LOG_FORMAT=plain); /metrics for Prometheus, not
# served to requests that came through a proxy, nor at all with METRICS_ENABLED=false.
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=True)
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "eidguide.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "eidguide.logs.JsonFormatter"},
        "plain": {"format": "{levelname} {name} [{request_id}]: {message}", "style": "{"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO").upper()},
    "loggers": {
        # Bad input is answered with a 4xx page; it is not worth a warning per request.
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "django.utils.autoreload": {"level": "WARNING"},
    },
}

FORMAT_MODULE_PATH = ["eidguide.formats"]

# Content (the "content" section): who publishes this copy of the site, shown in the footer and
# on the About page. By default the site says plainly that it is not an official government site.
# A change with a public note, or one that makes a row visible, is published (at once or
# scheduled) only by staff with guidance.publish_change (the Publishers group).
PUBLISHING_NEEDS_PUBLISHER = env.bool("PUBLISHING_NEEDS_PUBLISHER", default=True)
SITE_PUBLISHER = env.str("SITE_PUBLISHER", default="")  # empty: the site's own name
SITE_CONTACT = env.str("SITE_CONTACT", default="")  # an e-mail address or a URL; empty: none given
SITE_IS_OFFICIAL = env.bool("SITE_IS_OFFICIAL", default=False)
# Security reports (/.well-known/security.txt, RFC 9116): whom to tell (a mailto: or https: URI,
# or an e-mail address; default SITE_CONTACT) and until when that holds (ISO date or moment; by
# default 180 days ahead, never more than a year). With no contact at all the file is a 404.
SECURITY_CONTACT = env.str("SECURITY_CONTACT", default="")
# The forms RFC 9116 allows a Contact (guidance.pages.sharing reads it for SITE_CONTACT too).
SECURITY_CONTACT_FORMS = r"(mailto:)?[^@\s:/]+@[^@\s]+\.[^@\s]+|https://\S+|tel:\+[0-9-]+"
if SECURITY_CONTACT and not re.fullmatch(SECURITY_CONTACT_FORMS, SECURITY_CONTACT):
    raise ImproperlyConfigured(
        "SECURITY_CONTACT must be an e-mail address, a mailto: or tel: URI, or an https:// "
        f"address (RFC 9116), not {SECURITY_CONTACT!r}."
    )
try:
    SECURITY_TXT_EXPIRES = env.str("SECURITY_TXT_EXPIRES", default="") or None
    if SECURITY_TXT_EXPIRES:
        SECURITY_TXT_EXPIRES = datetime.fromisoformat(SECURITY_TXT_EXPIRES)
        if SECURITY_TXT_EXPIRES.tzinfo is None:
            SECURITY_TXT_EXPIRES = SECURITY_TXT_EXPIRES.replace(tzinfo=UTC)
except ValueError:
    raise ImproperlyConfigured(
        "SECURITY_TXT_EXPIRES must be a date or moment written YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM:SSZ, for example 2027-06-30."
    ) from None
# The day of the last full accessibility test (ISO date), shown in the accessibility statement.
try:
    ACCESSIBILITY_TESTED_ON = date.fromisoformat(
        env.str("ACCESSIBILITY_TESTED_ON", default="2026-11-25")
    )
except ValueError:
    raise ImproperlyConfigured(
        "ACCESSIBILITY_TESTED_ON must be a date written YYYY-MM-DD, for example 2026-11-25."
    ) from None
# Open data (the API and the calendar feed): who answers for them and on what terms. The data's
# facts come from the Agency for Digital Government's page, so the default licence says so.
OPEN_DATA_SOURCE_URL = "https://lifeindenmark.borger.dk/apps-and-digital-services/nemid"
OPEN_DATA_CONTACT_NAME = env.str("OPEN_DATA_CONTACT_NAME", default="eID guide")
OPEN_DATA_CONTACT_URL = env.str("OPEN_DATA_CONTACT_URL", default="")  # default: the API page
OPEN_DATA_CONTACT_EMAIL = env.str("OPEN_DATA_CONTACT_EMAIL", default="")
OPEN_DATA_LICENSE_NAME = env.str(
    "OPEN_DATA_LICENSE_NAME",
    default=(
        "Facts from the Agency for Digital Government's page on lifeindenmark.borger.dk; "
        "reuse them on its terms"
    ),
)
OPEN_DATA_LICENSE_URL = env.str("OPEN_DATA_LICENSE_URL", default=OPEN_DATA_SOURCE_URL)
# The calendar feed's event UIDs end in this domain; keep it once subscribers exist.
SITE_DOMAIN = env.str("SITE_DOMAIN", default="localhost")
# How often calendar apps should fetch the feed again (an ISO 8601 duration).
CALENDAR_REFRESH_INTERVAL = env.str("CALENDAR_REFRESH_INTERVAL", default="P1D")
# Seconds to wait for an official page (check_content, "Mark as reviewed") before it counts as
# not answering: short, so a daily job or an editor's click never hangs on a slow site.
SOURCE_CHECK_TIMEOUT = env.float("SOURCE_CHECK_TIMEOUT", default=10.0)
