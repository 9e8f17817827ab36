"""Pastoral settings: one file, driven by environment variables.

DJANGO_ENV=production switches on the production hardening (DEBUG off, secure cookies, HSTS) and
requires DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS. DATABASE_URL picks the database; SQLite in
var/ is the embedded default.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PASTORAL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
# pytest-django reads these settings before the root conftest runs, so detect pytest itself too.
TESTING = os.environ.get("PASTORAL_TESTING") == "1" or "pytest" in sys.modules

DEBUG = not PRODUCTION and os.environ.get("DJANGO_DEBUG", "1") == "1"

if PRODUCTION:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    ALLOWED_HOSTS = [h.strip() for h in os.environ["DJANGO_ALLOWED_HOSTS"].split(",") if h.strip()]
else:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-5f1c2a")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver", "[::1]"]

CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Domain apps: one per area, named for it.
PASTORAL_APPS = [
    "accounts",
    "organisations",
    "people",
    "access",
    "audit",
    "mis_import",
    "demo",
    "qualifications",
    "portfolios",
    "programme_support",
    "attendance",
    "behaviour",
    "support_plans",
    "safeguarding",
    "achievement",
    "early_warning",
    "caseloads",
    "insights",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "template_partials",
    "django_htmx",
    "csp",
    "core",
    "pastoral",
    *PASTORAL_APPS,
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.OTPMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "access.middleware.CurrentOrganisationMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "pastoral.middleware.SensitiveNoStoreMiddleware",
]

ROOT_URLCONF = "pastoral.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pastoral" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pastoral.context_processors.navigation",
                "pastoral.context_processors.vocabulary",
            ],
        },
    },
]

WSGI_APPLICATION = "pastoral.wsgi.application"
ASGI_APPLICATION = "pastoral.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'pastoral.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with tenant tables' keys ready for Citus (core/db/postgresql, docs/scale-out.md).
    DATABASES["default"]["ENGINE"] = "core.db.postgresql"
if os.environ.get("DATABASE_TEST_NAME"):
    # A test database made beforehand (a Citus one: `citus-cluster db NAME`), reused with pytest --reuse-db.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Sessions: re-authenticate after 30 minutes idle or 12 hours in all (standards.md).
SESSION_COOKIE_AGE = 30 * 60
# The database store, reading the session, its user and their roles in one query (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
# An active session is written (its idle expiry moved on) at most once a minute, not on every request.
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_LIMIT_SECONDS = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Sign-in throttle (accounts/selectors.py `sign_in_refusal`, docs/security.md). It slows, it never locks:
# - the ceiling: at most this many failed sign-ins per account per hour, counted over every address (ASVS: at most
#   100); addresses the user has not signed in from in the last LOGIN_KNOWN_NETWORK_DAYS stop at nine tenths of it,
#   so an attacker elsewhere cannot use up the user's own;
# - from addresses the user has not used, after LOGIN_ACCOUNT_PACE_FROM failures in the hour, one attempt per
#   (hour / that nine tenths): a cool-down of seconds, explained on the form;
# - per account and address: LOGIN_ADDRESS_FREE_FAILURES failures, then a wait that doubles from
#   LOGIN_ADDRESS_DELAY_SECONDS up to LOGIN_ADDRESS_DELAY_MAX_SECONDS; a success from that address starts it again.
LOGIN_FAILURE_LIMIT = int(os.environ.get("PASTORAL_LOGIN_FAILURE_LIMIT", "100"))
if not 10 <= LOGIN_FAILURE_LIMIT <= 100:
    raise ImproperlyConfigured(
        "PASTORAL_LOGIN_FAILURE_LIMIT must be 10 to 100 failures an hour (ASVS: at most 100)."
    )
LOGIN_FAILURE_WINDOW_SECONDS = 60 * 60
LOGIN_KNOWN_NETWORK_DAYS = 30
LOGIN_ACCOUNT_PACE_FROM = 10
LOGIN_ADDRESS_FREE_FAILURES = 5
LOGIN_ADDRESS_DELAY_SECONDS = 30
LOGIN_ADDRESS_DELAY_MAX_SECONDS = 15 * 60
# Sign-in attempts (time, address, browser) are deleted after this many days by `manage.py retention` (`sign_in`).
SIGN_IN_ATTEMPT_RETENTION_DAYS = 90
# A school administrator's "Accounts under attack" lists accounts with at least this many failures in a day.
SIGN_IN_ALERT_FAILURES = 10

# The client's address is REMOTE_ADDR. Behind a reverse proxy, list the proxies' addresses or networks here
# (comma-separated): when REMOTE_ADDR is one of them, the right-most X-Forwarded-For entry that is not a listed
# proxy is the client. X-Forwarded-For is never read otherwise (anyone can send one).
TRUSTED_PROXIES = [
    ipaddress.ip_network(p.strip(), strict=False)
    for p in os.environ.get("PASTORAL_TRUSTED_PROXIES", "").split(",")
    if p.strip()
]

OTP_TOTP_ISSUER = "Pastoral"
# Opening a child's safeguarding records needs a second factor verified this recently (standards.md: step-up).
SAFEGUARDING_STEP_UP_MINUTES = int(os.environ.get("PASTORAL_SAFEGUARDING_STEP_UP_MINUTES", "15"))

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("PASTORAL_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploads live outside the web root and are only ever served through permission-checked views.
MEDIA_ROOT = Path(os.environ.get("PASTORAL_MEDIA_ROOT", VAR_DIR / "uploads"))
MEDIA_URL = "/_uploads_are_never_served_directly/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# The largest CSV file one import takes: a year of marks for a 1,000-pupil school (380,000 rows of about
# 40 bytes) is some 15 MB, so 32 MB leaves room for wider exports.
PASTORAL_IMPORT_MAX_BYTES = int(os.environ.get("PASTORAL_IMPORT_MAX_BYTES", 32 * 1024 * 1024))
# The largest document anyone may upload (portfolio evidence, course materials, PSP documents; the MIS import has its own).
PASTORAL_MAX_UPLOAD_BYTES = int(os.environ.get("PASTORAL_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))

# Background work: the database backend with `manage.py db_worker`; the immediate backend in tests.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING or os.environ.get("PASTORAL_TASKS_IMMEDIATE") == "1"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "pastoral@localhost")
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PASTORAL_LOG_LEVEL", "WARNING")},
}

# Course materials and questions: a question waiting longer than this for the provider's answer is listed as
# unanswered for the programme administrators.
PROGRAMME_SUPPORT_UNANSWERED_DAYS = int(os.environ.get("PASTORAL_UNANSWERED_DAYS", "5"))

# Public base URL used in links that leave the site (certificate QR codes, questionnaire e-mails).
PASTORAL_BASE_URL = os.environ.get("PASTORAL_BASE_URL", "http://127.0.0.1:8000")
