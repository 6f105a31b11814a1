"""Settings for Peerwheel, all read from the environment (see README.md, "Configuration")."""

from __future__ import annotations

import os
import secrets
from datetime import date, timedelta
from pathlib import Path

import csp.constants as csp
import dj_database_url
import plotly

from peerwheel.env import (
    SettingError,
    envbool,
    envcache,
    envchoice,
    envfloat,
    envint,
    envlist,
    envstr,
)

PACKAGE_DIR = Path(__file__).resolve().parent

PEERWHEEL_ENV = envchoice("PEERWHEEL_ENV", "development", ("development", "production", "test"))
PRODUCTION = PEERWHEEL_ENV == "production"
PEERWHEEL_HOME = Path(envstr("PEERWHEEL_HOME", "var")).resolve()
# Everything under the home (the SQLite file, the secret key, uploads) is the owner's alone.
PEERWHEEL_HOME.mkdir(mode=0o700, parents=True, exist_ok=True)
if PEERWHEEL_HOME.stat().st_uid == os.getuid():  # a folder someone else owns: theirs to set
    PEERWHEEL_HOME.chmod(0o700)

# Django's own deploy check (security.W009) calls a key weak below these; production refuses it.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


def _owner_only_file(path: Path, text: str) -> None:
    """Write `text` to a new file created 0600 (never readable by others, not even briefly)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def _weak_secret_key(key: str) -> str | None:
    """Why `key` is too weak for production, or None when it is strong enough."""
    if key.startswith("django-insecure-"):
        return "starts with 'django-insecure-' (Django's generated development key)"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"is {len(key)} characters long; at least {SECRET_KEY_MIN_LENGTH} are needed"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return (
            f"has only {len(set(key))} different characters; "
            f"at least {SECRET_KEY_MIN_UNIQUE_CHARACTERS} are needed"
        )
    return None


def _secret_key() -> str:
    """Production must set a strong SECRET_KEY; elsewhere one is generated once, kept in
    PEERWHEEL_HOME (created 0600)."""
    configured = envstr("SECRET_KEY")
    if PRODUCTION:
        if not configured:
            raise SettingError("SECRET_KEY must be set when PEERWHEEL_ENV=production")
        weakness = _weak_secret_key(configured)
        if weakness:
            raise SettingError(
                f"SECRET_KEY {weakness}; PEERWHEEL_ENV=production needs a long random key, "
                'e.g. python -c "import secrets; print(secrets.token_urlsafe(50))"'
            )
        return configured
    if configured:
        return configured
    key_file = PEERWHEEL_HOME / "secret_key"
    if key_file.exists():
        key_file.chmod(0o600)  # a key file written by an older version was 0644
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    _owner_only_file(key_file, key)
    return key


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise SettingError(
        "DEBUG=true is refused when PEERWHEEL_ENV=production: debug pages show settings, "
        "code and data to anyone who triggers an error"
    )
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # its templates: /api/docs then uses the Swagger UI copy in the package, not a CDN
    "axes",
    "django_tasks",
    "django_tasks_db",  # the task queue's table; `peerwheel worker` runs what is queued
    "peerwheel.core",
    "peerwheel.accounts",
    "peerwheel.org",
    "peerwheel.web",
    "peerwheel.hub",
    "peerwheel.usage",
    "peerwheel.study",
    "peerwheel.simulate",
    "peerwheel.insights",
    "peerwheel.program",
    "peerwheel.digest",
    "peerwheel.catalog",
    "peerwheel.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A NUL character in a query or form field is a 400 (PostgreSQL cannot hold it).
    "peerwheel.core.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "peerwheel.web.middleware.PersonalPagesNotStoredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A getter's NotFoundError / ForbiddenError is the 404 / 403 page (the one mapping).
    "peerwheel.core.errors.GetterErrorMiddleware",
    # Last: turns a sign-in refused by the lockout into the "try again in N minutes" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "peerwheel.urls"
WSGI_APPLICATION = "peerwheel.wsgi.application"
ASGI_APPLICATION = "peerwheel.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peerwheel.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL") or f"sqlite:///{PEERWHEEL_HOME / 'peerwheel.sqlite3'}",
        conn_max_age=envint("PEERWHEEL_DB_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with the database file and its companions created 0600.
    DATABASES["default"]["ENGINE"] = "peerwheel.core.sqlite"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # A transaction that reads, then writes (an import merging into what is stored)
            # must not meet another writer half-way: SQLite would fail it at once with
            # "database is locked". IMMEDIATE takes the write lock at BEGIN, so the second
            # writer waits (up to `timeout`) instead.
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"].setdefault("TEST", {})
    # A file, not memory: background jobs (imports, simulations) write from their own threads,
    # and an in-memory database shared between threads fails with "table is locked" at once
    # instead of waiting.
    # One file per test process, so two test runs at once (two terminals, two checkouts sharing
    # a home) never delete each other's database; Django removes it when the run ends.
    DATABASES["default"]["TEST"]["NAME"] = str(PEERWHEEL_HOME / f"test-{os.getpid()}.sqlite3")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses any sign-in (password or single sign-on) while the username or
# the address is locked out; the backends after it do the signing in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Optional single sign-on through OpenID Connect (mozilla-django-oidc), off unless configured.
OIDC_ENABLED = bool(envstr("OIDC_RP_CLIENT_ID"))
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(1, "peerwheel.accounts.oidc.PeerwheelOIDCBackend")
    OIDC_RP_CLIENT_ID = envstr("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = envstr("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = envstr("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = envstr("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = envstr("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = envstr("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = envstr("OIDC_OP_JWKS_ENDPOINT")
    missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
        )
        if not globals()[name]
    ]
    if missing:
        raise SettingError(f"OIDC_RP_CLIENT_ID is set, so these must be too: {', '.join(missing)}")

# Sign-in lockout (django-axes): after PEERWHEEL_LOGIN_FAILURE_LIMIT failures within the
# cool-off, that username is refused, and so is that address (each counted on its own: one
# address trying many usernames is stopped too), on /accounts/login/ and /admin/login/ alike,
# the right password included, until PEERWHEEL_LOGIN_COOLOFF_MINUTES have passed since the last
# failure. Each lockout writes an audit row ("login.lockout", peerwheel.web.lockout).
AXES_ENABLED = True
AXES_FAILURE_LIMIT = envint("PEERWHEEL_LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=envint("PEERWHEEL_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Not reset on success: axes would also clear the address's count, so an attacker could sign in
# as themselves every nine tries to keep guessing other people's passwords from one address.
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # "try again in N minutes" stays true
AXES_LOCKOUT_CALLABLE = "peerwheel.web.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "peerwheel.web.lockout.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # no record of every successful sign-in: only failures count
AXES_VERBOSE = False
# Reverse proxies in front of the server that append to X-Forwarded-For (0: none, the client's
# own address is REMOTE_ADDR). Behind one proxy without this, every sign-in would seem to come
# from the proxy and a lockout by address would lock everyone out.
PEERWHEEL_TRUSTED_PROXIES = envint("PEERWHEEL_TRUSTED_PROXIES", 0, minimum=0)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(envstr("PEERWHEEL_STATIC_ROOT") or PEERWHEEL_HOME / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # collectstatic fills it; WhiteNoise wants it
# plotly.js is served from the copy inside the plotly package: no CDN, no build step.
STATICFILES_DIRS = [("plotly", Path(plotly.__file__).resolve().parent / "package_data")]
WHITENOISE_USE_FINDERS = True
# Uploads are the owner's alone; an import's upload is deleted when the import ends
# (peerwheel.usage.jobs). Large uploads are spooled by Django to a 0600 temporary file.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Security: Django's, used fully. In production everything is strict.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): no inline script anywhere, nothing from another origin.
# Charts are JSON data blocks drawn by web/charts.js; page behaviours are in web/peerwheel.js;
# htmx runs without eval (the htmx-config meta tag in base.html).
# style-src also allows one inline <style> element: the empty one (its hash is the hash of "").
# plotly.js adds its modebar and hover-label rules by creating an empty <style> and filling it
# through the CSSOM (insertRule), which the policy does not restrict; any <style> with text in
# it (an injected one) is still refused. Its other <style>, map CSS we do not use, is skipped
# because base.html holds an element with the id plotly checks for first.
EMPTY_INLINE_STYLE = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF, EMPTY_INLINE_STYLE],
        # data: images: Swagger UI's and plotly's small icons are inline SVG data URLs.
        "img-src": [csp.SELF, "data:"],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "frame-ancestors": [csp.NONE],
        "form-action": [csp.SELF],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request (403, 4xx) is one line, never a traceback: it is expected, not a bug.
    "filters": {"one_line_4xx": {"()": "peerwheel.web.logfilters.OneLineClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["one_line_4xx"]}},
    "root": {"handlers": ["console"], "level": envstr("PEERWHEEL_LOG_LEVEL", "WARNING")},
}

# Peerwheel's own settings.
PEERWHEEL_MIN_GROUP = envint("PEERWHEEL_MIN_GROUP", 5, minimum=2)
# Writes per user per minute, forms and API alike (peerwheel.core.ratelimit); the guardrails'
# check and redact, called as people type, have their own budget.
PEERWHEEL_API_RATE_LIMIT = envint("PEERWHEEL_API_RATE_LIMIT", 30, minimum=1)
PEERWHEEL_SCAN_RATE_LIMIT = envint("PEERWHEEL_SCAN_RATE_LIMIT", 120, minimum=1)
# The largest request body other than uploaded files (Django's default is 2.5 MB): the longest
# post, fully escaped, is under 0.5 MB. A bigger body is refused before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("PEERWHEEL_MAX_REQUEST_BYTES", 1024 * 1024, minimum=64 * 1024)
CACHES = envcache("PEERWHEEL_CACHE_URL")  # rate limits and report caches: shared or per process
PEERWHEEL_IMPORT_MAX_BYTES = envint("PEERWHEEL_IMPORT_MAX_BYTES", 200 * 1024 * 1024, minimum=1024)
PEERWHEEL_FEED_HALF_LIFE_DAYS = envfloat("PEERWHEEL_FEED_HALF_LIFE_DAYS", 7.0, minimum=0.1)
# Background jobs (an uploaded import, a simulation) through Django's tasks interface: "database"
# queues them in the database for the worker (`peerwheel worker`, which `peerwheel serve` starts
# beside the web server); "immediate" runs them inside the request that starts them (the tests,
# and a one-process install). pytest sets PYTEST_VERSION, so the tests need no worker.
PEERWHEEL_TASKS = envchoice(
    "PEERWHEEL_TASKS",
    "immediate" if os.environ.get("PYTEST_VERSION") else "database",
    ("database", "immediate"),
)
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if PEERWHEEL_TASKS == "database"
        else "django_tasks.backends.immediate.ImmediateBackend",
    }
}
# Simulations one login may have queued or running at once (simulate.services).
PEERWHEEL_MAX_RUNNING_SIMULATIONS = envint("PEERWHEEL_MAX_RUNNING_SIMULATIONS", 2, minimum=1)
# Email: the notice to a person whose login link changed (accounts.services.person_link_user)
# and the weekly digest (peerwheel.digest). SMTP from the environment. Without EMAIL_HOST no
# mail is sent, unless PEERWHEEL_EMAIL_BACKEND names another of Django's backends: console
# prints each message, file writes them under PEERWHEEL_HOME/mail, locmem keeps them in memory.
# The audit log records every login-link change either way.
EMAIL_HOST = envstr("EMAIL_HOST")
EMAIL_PORT = envint("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", default=False)  # implicit TLS, usually port 465
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", default=not EMAIL_USE_SSL)  # STARTTLS, port 587
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    raise SettingError("EMAIL_USE_SSL and EMAIL_USE_TLS are both true; choose one (SSL: port 465)")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10, minimum=1)
EMAIL_FILE_PATH = str(PEERWHEEL_HOME / "mail")
PEERWHEEL_EMAIL_BACKEND = envchoice(
    "PEERWHEEL_EMAIL_BACKEND",
    "smtp" if EMAIL_HOST else "dummy",
    ("smtp", "console", "filebased", "locmem", "dummy"),
)
if PEERWHEEL_EMAIL_BACKEND == "smtp" and not EMAIL_HOST:
    raise SettingError("PEERWHEEL_EMAIL_BACKEND=smtp needs EMAIL_HOST (the SMTP server's name)")
EMAIL_BACKEND = f"django.core.mail.backends.{PEERWHEEL_EMAIL_BACKEND}.EmailBackend"
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "peerwheel@localhost")
PEERWHEEL_GUARDRAILS_PERSONAL_DATA = envchoice(
    "PEERWHEEL_GUARDRAILS_PERSONAL_DATA", "warn", ("warn", "block", "off")
)
# The weekly digest (peerwheel.digest; docs/digest.md). Links in an email need the address
# people open Peerwheel at. The Slack webhook URL is a secret: it is never logged.
PEERWHEEL_BASE_URL = envstr("PEERWHEEL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if not PEERWHEEL_BASE_URL.startswith(("http://", "https://")):
    raise SettingError(
        f"PEERWHEEL_BASE_URL={PEERWHEEL_BASE_URL!r} must start with https:// (or http://)"
    )
PEERWHEEL_DIGEST_SLACK_WEBHOOK_URL = envstr("PEERWHEEL_DIGEST_SLACK_WEBHOOK_URL")
PEERWHEEL_DIGEST_SLACK_TIMEOUT = envint("PEERWHEEL_DIGEST_SLACK_TIMEOUT", 10, minimum=1)
PEERWHEEL_DIGEST_BATCH_SIZE = envint("PEERWHEEL_DIGEST_BATCH_SIZE", 500, minimum=1)
# The tool catalogue (peerwheel.catalog; docs/catalog.md): a question the policy does not
# cover is answered by a lead within this many working days (weekends and the holidays below
# skipped); later is a breach. Holidays: ISO dates, comma-separated (2026-12-25,2026-12-28).
PEERWHEEL_CATALOG_REVIEW_DAYS = envint("PEERWHEEL_CATALOG_REVIEW_DAYS", 2, minimum=1)


def _holidays(name: str) -> frozenset[date]:
    days = set()
    for text in envlist(name):
        try:
            days.add(date.fromisoformat(text))
        except ValueError:
            raise SettingError(f"{name}: {text!r} is not a date; write YYYY-MM-DD") from None
    return frozenset(days)


PEERWHEEL_CATALOG_HOLIDAYS = _holidays("PEERWHEEL_CATALOG_HOLIDAYS")
