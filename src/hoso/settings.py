"""Settings of a hoso node, read from the environment (see docs/operations.md)."""

from __future__ import annotations

import os
import secrets
import warnings
from datetime import time
from pathlib import Path

from hoso.core.env import (
    ConfigError,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    private_file,
    sqlite_database,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("HOSO_DATA_DIR", "var") or "var").resolve()
DEBUG = env_bool("HOSO_DEBUG", False)
PRODUCTION = env_bool("HOSO_PRODUCTION", False)


def _secret_key() -> str:
    key = env_str("HOSO_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ConfigError("HOSO_SECRET_KEY or HOSO_SECRET_KEY_FILE must be set in production")
    # Development and demo nodes keep a generated key inside their own data directory.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("HOSO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "hoso.core",
    "hoso.audit",
    "hoso.signing",
    "hoso.catalog",
    "hoso.orgs",
    "hoso.access",
    "hoso.people",
    "hoso.changes",
    "hoso.calendar",
    "hoso.documents",
    "hoso.exchange",
    "hoso.analytics",
    "hoso.population",
    "hoso.procedures",
    "hoso.federation",
    "django_tasks",
    "django_tasks_db",
    "hoso.web",
    "hoso.api",
    "hoso.demo",  # the demo node and the synthetic population; nothing imports it
    "ninja",  # serves Swagger UI's own files for /api/v1/docs (no CDN)
]

MIDDLEWARE = [
    "hoso.core.security.NetworkAllowlistMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "hoso.core.security.SecurityHeadersMiddleware",
    "hoso.core.context.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hoso.access.sessions.SessionRulesMiddleware",
    "hoso.web.mfa.VerifiedSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "hoso.urls"
WSGI_APPLICATION = "hoso.wsgi.application"
AUTH_USER_MODEL = "access.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:search"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL")
DATABASES = {
    "default": database_from_url(_database_url)
    if _database_url
    # Created mode 600 before SQLite opens it (and so its -wal and -shm files).
    else sqlite_database(private_file(DATA_DIR / "hoso.sqlite3"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The user guide's pictures (docs/guide/img/, taken by the browser tests) are static files of
# the node: /static/guide/NAME.png, for the guide pages it serves (hoso.web.presenters.guide).
GUIDE_IMAGES = BASE_DIR.parents[1] / "docs" / "guide" / "img"
STATICFILES_DIRS = [("guide", GUIDE_IMAGES)] if GUIDE_IMAGES.is_dir() else []

# Connections for exploitation are internal only (R-LAYERS): clients outside these networks
# are refused before anything else runs. Loopback only unless configured.
HOSO_ALLOWED_NETWORKS = env_list("HOSO_ALLOWED_NETWORKS", ["127.0.0.0/8", "::1/128"])

# The national population database (R-POPULATION, docs/population-connector.md): empty URL means
# not configured, and the entry page says the identity fields are typed by hand, unverified.
HOSO_POPULATION_URL = env_str("HOSO_POPULATION_URL", "") or ""
HOSO_POPULATION_TIMEOUT_SECONDS = env_int("HOSO_POPULATION_TIMEOUT_MS", 2000) / 1000
HOSO_POPULATION_TOKEN = env_str("HOSO_POPULATION_TOKEN", "") or ""
# The national hub (R-NATIONAL, R-NO-SILO, docs/decisions/0020-national-hub.md). A node with no
# id writes no outbox; a node with no hub URL asks no hub before creating a dossier. The node's
# key signs its packets and is its TLS client certificate; the roots check the hub.
HOSO_FEDERATION_NODE_ID = env_str("HOSO_FEDERATION_NODE_ID", "") or ""
HOSO_FEDERATION_DIR = Path(env_str("HOSO_FEDERATION_DIR") or DATA_DIR / "federation").resolve()
HOSO_HUB_URL = (env_str("HOSO_HUB_URL", "") or "").rstrip("/")
HOSO_HUB_TIMEOUT_SECONDS = env_int("HOSO_HUB_TIMEOUT_MS", 2000) / 1000
# The sender's retries after a failed round double from 0.2 s up to this, with full jitter.
HOSO_HUB_RETRY_MAX_SECONDS = env_int("HOSO_HUB_RETRY_MAX_MS", 15000) / 1000
if HOSO_HUB_RETRY_MAX_SECONDS <= 0:
    raise ConfigError("HOSO_HUB_RETRY_MAX_MS must be a positive number of milliseconds")
# The public service figures show a unit only from this many procedures (R-TRANSPARENT).
HOSO_PUBLIC_MIN_COUNT = env_int("HOSO_PUBLIC_MIN_COUNT", 5)
# Citizen feedback on that page: at most HOSO_FEEDBACK_LIMIT submissions from one address per
# window of HOSO_FEEDBACK_WINDOW_SECONDS, counted in the cache under a keyed hash of the address
# (the address itself is never kept; hoso.procedures.feedback).
HOSO_FEEDBACK_LIMIT = env_int("HOSO_FEEDBACK_LIMIT", 5)
HOSO_FEEDBACK_WINDOW_SECONDS = env_int("HOSO_FEEDBACK_WINDOW_SECONDS", 3600)
# Imports (issue 13): the largest file read at all, and the dossiers checked and written per
# transaction (one chunk of the journal). Operational limits of the node, not law.
HOSO_IMPORT_MAX_BYTES = env_int("HOSO_IMPORT_MAX_BYTES", 512 * 1024 * 1024)
HOSO_IMPORT_CHUNK = env_int("HOSO_IMPORT_CHUNK", 1000)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
HOSO_SESSION_MAX_SECONDS = env_int("HOSO_SESSION_MAX_SECONDS", 8 * 3600)
HOSO_SESSION_IDLE_SECONDS = env_int("HOSO_SESSION_IDLE_SECONDS", 15 * 60)
HOSO_LOCKOUT_THRESHOLD = env_int("HOSO_LOCKOUT_THRESHOLD", 5)
HOSO_LOCKOUT_SECONDS = env_int("HOSO_LOCKOUT_SECONDS", 15 * 60)
# Login throttling (docs/decisions/0012-login-throttling.md): a name typed from one address is
# locked out there after HOSO_LOCKOUT_THRESHOLD failures for HOSO_LOCKOUT_SECONDS, doubling at
# each new lock up to HOSO_LOCKOUT_MAX_SECONDS; an address, whatever the names, gets
# HOSO_LOGIN_ADDRESS_FREE failures, then waits HOSO_LOGIN_DELAY_SECONDS, doubling at each
# failure up to HOSO_LOGIN_MAX_DELAY_SECONDS. Counts are forgotten after a quiet window.
HOSO_LOCKOUT_MAX_SECONDS = env_int("HOSO_LOCKOUT_MAX_SECONDS", 24 * 3600)
HOSO_LOGIN_ADDRESS_FREE = env_int("HOSO_LOGIN_ADDRESS_FREE", 10)
HOSO_LOGIN_DELAY_SECONDS = env_int("HOSO_LOGIN_DELAY_SECONDS", 2)
HOSO_LOGIN_MAX_DELAY_SECONDS = env_int("HOSO_LOGIN_MAX_DELAY_SECONDS", 300)
HOSO_LOGIN_WINDOW_SECONDS = env_int("HOSO_LOGIN_WINDOW_SECONDS", 3600)
# API bearer tokens: default and longest lifetime, in days.
HOSO_API_TOKEN_DAYS = env_int("HOSO_API_TOKEN_DAYS", 90)
HOSO_API_TOKEN_MAX_DAYS = env_int("HOSO_API_TOKEN_MAX_DAYS", 366)
for _name in (
    "HOSO_LOCKOUT_THRESHOLD",
    "HOSO_LOCKOUT_SECONDS",
    "HOSO_LOGIN_DELAY_SECONDS",
    "HOSO_LOGIN_WINDOW_SECONDS",
    "HOSO_API_TOKEN_DAYS",
    "HOSO_FEEDBACK_LIMIT",
    "HOSO_FEEDBACK_WINDOW_SECONDS",
):
    if globals()[_name] < 1:
        raise ConfigError(f"{_name} must be at least 1")
if HOSO_API_TOKEN_DAYS > HOSO_API_TOKEN_MAX_DAYS:
    raise ConfigError("HOSO_API_TOKEN_DAYS must not exceed HOSO_API_TOKEN_MAX_DAYS")
SESSION_COOKIE_AGE = HOSO_SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("HOSO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31_536_000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = False
# Nodes live on closed government networks, never on the public browser preload list.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION and DEBUG:
    raise ConfigError("HOSO_DEBUG must be off in production")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Audit checkpoints are signed with this Ed25519 key (docs/decisions/0005-audit-chain.md).
HOSO_AUDIT_KEY_FILE = env_str("HOSO_AUDIT_KEY_FILE")
if PRODUCTION and not HOSO_AUDIT_KEY_FILE:
    raise ConfigError("HOSO_AUDIT_KEY_FILE must be set in production")
# The task worker (`hoso worker`) seals the chain this often and once more when it stops;
# `hoso audit verify` warns when an event has waited longer than this (plus a minute).
HOSO_AUDIT_CHECKPOINT_SECONDS = env_int("HOSO_AUDIT_CHECKPOINT_SECONDS", 600)
if HOSO_AUDIT_CHECKPOINT_SECONDS <= 0:
    raise ConfigError("HOSO_AUDIT_CHECKPOINT_SECONDS must be a positive number of seconds")
# PostgreSQL: events are recorded in their caller's transaction without a lock and chained in
# batches after commit (docs/decisions/0022-audit-sequencer.md); off, every append holds the
# chain lock to the end of its caller's transaction (SQLite always: it serializes writers).
HOSO_AUDIT_SEQUENCER = env_bool("HOSO_AUDIT_SEQUENCER", True)
# Events chained per sequencer transaction.
HOSO_AUDIT_SEQUENCER_BATCH = env_int("HOSO_AUDIT_SEQUENCER_BATCH", 5000)
# How often the worker chains what an append left in the intake (its chaining failed).
HOSO_AUDIT_SWEEP_SECONDS = env_int("HOSO_AUDIT_SWEEP_SECONDS", 5)

# Alerts on unusual reading (R-INCIDENT).
HOSO_ALERT_WINDOW_SECONDS = env_int("HOSO_ALERT_WINDOW_SECONDS", 600)
HOSO_ALERT_READS = env_int("HOSO_ALERT_READS", 50)
HOSO_ALERT_DENIALS = env_int("HOSO_ALERT_DENIALS", 5)
HOSO_WORK_HOURS = (
    time.fromisoformat(env_str("HOSO_WORK_START", "07:00") or "07:00"),
    time.fromisoformat(env_str("HOSO_WORK_END", "18:00") or "18:00"),
)

# Approval signatures (docs/decisions/0007-signatures.md): <username>.key.pem / .cert.pem per
# approver, trusted roots as a PEM bundle; a PKCS#11 or remote signer plugs in as a provider.
HOSO_SIGNING_DIR = Path(env_str("HOSO_SIGNING_DIR") or DATA_DIR / "pki").resolve()
# None: `<HOSO_SIGNING_DIR>/ca.pem`.
HOSO_SIGNING_TRUST_ROOTS = env_str("HOSO_SIGNING_TRUST_ROOTS")
HOSO_SIGNING_KEY_PASSPHRASE = env_str("HOSO_SIGNING_KEY_PASSPHRASE")  # None = unencrypted keys
HOSO_SIGNING_KEY_PROVIDER = env_str(
    "HOSO_SIGNING_KEY_PROVIDER", "hoso.changes.signatures.file_signing_key"
)

# Personnel decisions and deadline obligations.
HOSO_DECISION_MAX_FUTURE_DAYS = env_int("HOSO_DECISION_MAX_FUTURE_DAYS", 366)
HOSO_OBLIGATION_DUE_SOON_DAYS = env_int("HOSO_OBLIGATION_DUE_SOON_DAYS", 3)
HOSO_DEADLINE_POLICY = env_str("HOSO_DEADLINE_POLICY")  # None = the catalog's default policy

# Authenticator apps show this name beside the account.
OTP_TOTP_ISSUER = "hoso"

# Search and listing sizes.
HOSO_PAGE_SIZE = env_int("HOSO_PAGE_SIZE", 20)
HOSO_EXPORT_MAX = env_int("HOSO_EXPORT_MAX", 5000)
HOSO_COUNT_LIMIT = env_int("HOSO_COUNT_LIMIT", 1000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Without libharfbuzz-subset0 (`./dev` installs it) WeasyPrint subsets fonts with fontTools,
    # correctly, but warns once per font of every PDF it renders.
    "filters": {
        "weasyprint_subset": {
            "()": "hoso.core.logs.DropMessages",
            "prefixes": ["Using fontTools instead of HarfBuzz-Subset"],
        }
    },
    # pyHanko logs a traceback for every untrusted path; the verdict carries the reason.
    "loggers": {
        "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
        "weasyprint": {"filters": ["weasyprint_subset"]},
    },
}
# pyHanko (0.38, the latest) imports cryptography's DSA key class, which cryptography 51
# deprecates with a warning at that import; hoso signs with RSA and ECDSA only, never DSA.
warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko\.")

# --- Documents: scans, PDF/A + OCR, served copies, archive (issue: documents) -----------------
HOSO_STORAGE_DIR = Path(env_str("HOSO_STORAGE_DIR") or DATA_DIR / "files").resolve()
HOSO_STORAGE_BACKEND = env_str(
    "HOSO_STORAGE_BACKEND", "hoso.documents.storage.EncryptedFileStorage"
)
HOSO_UPLOAD_MAX_BYTES = env_int("HOSO_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
# Decompression bombs: an image may not decode to more pixels than this (A4 at 600 dpi is
# ~35 Mpx), nor may a PDF have more pages.
HOSO_IMAGE_MAX_PIXELS = env_int("HOSO_IMAGE_MAX_PIXELS", 80_000_000)
HOSO_PDF_MAX_PAGES = env_int("HOSO_PDF_MAX_PAGES", 500)
# Nor smaller than a real paper (issue 15.6: a 1×1 pt page or a 1×1 px image was accepted, and
# every copy of it failed): a PDF page at least this many points (1/72 inch) on each side, an
# image at least this many pixels on each side.
HOSO_PDF_MIN_PAGE_POINTS = env_int("HOSO_PDF_MIN_PAGE_POINTS", 72)
HOSO_IMAGE_MIN_SIDE_PIXELS = env_int("HOSO_IMAGE_MIN_SIDE_PIXELS", 100)
HOSO_OCR_LANGUAGES = env_list("HOSO_OCR_LANGUAGES", ["vie"])
HOSO_OCR_TIMEOUT_SECONDS = env_int("HOSO_OCR_TIMEOUT_SECONDS", 600)
# The node's own seal, which signs the stamp of every served copy of a signed résumé. Unset
# outside production: `<HOSO_SIGNING_DIR>/hoso-node.{key,cert}.pem` from the demo CA.
HOSO_SEAL_KEY_FILE = env_str("HOSO_SEAL_KEY_FILE")
HOSO_SEAL_CERT_FILE = env_str("HOSO_SEAL_CERT_FILE")
HOSO_SEAL_KEY_PASSPHRASE = env_str("HOSO_SEAL_KEY_PASSPHRASE")
HOSO_STAMP_FONT = env_str("HOSO_STAMP_FONT")
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # forms; files stream to temporary files above this
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Background work (django-tasks, database backend: no broker on one machine). Tests run tasks
# immediately (`HOSO_TASKS_IMMEDIATE=1`).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("HOSO_TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        )
    }
}
