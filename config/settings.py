"""Settings of an OpenBMIS node, read from the environment (12-factor).

One file for both roles: a border-post node (SQLite by default) and headquarters (PostgreSQL).
Every variable is listed, with its default, in the README. A `.env` file at the project's root is
read too; variables already in the environment win. A misconfiguration stops the start with a
`ConfigurationError` that names the variable and what is wrong; `manage.py` prints it without a
traceback.
"""

import os
import re
import secrets
import stat
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
# BMIS_ENV_FILE names another file to read; set it empty to read none (the tests do).
_env_file = os.environ.get("BMIS_ENV_FILE", str(BASE_DIR / ".env"))
if _env_file:
    load_dotenv(_env_file, override=False)

VERSION = "0.1.0"


class ConfigurationError(ImproperlyConfigured):
    """A setting from the environment is missing or wrong."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name).lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name}={raw!r} is not a yes/no value: use true or false.")


def env_int(name: str, default: int, minimum: int = 1) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ConfigurationError(f"{name}={value} is too small: it must be at least {minimum}.")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# --- The node's role and identity -------------------------------------------------------------

BMIS_ROLE = env_str("BMIS_ROLE", "post").lower()
if BMIS_ROLE not in {"post", "hq"}:
    raise ConfigurationError(
        f"BMIS_ROLE={BMIS_ROLE!r} is not a role: use 'post' for a border post or 'hq' "
        "for headquarters."
    )

POST_CODE_RE = re.compile(r"^[A-Z0-9]{2,10}$")
BMIS_POST = env_str("BMIS_POST").upper()
if BMIS_ROLE == "post":
    if not BMIS_POST:
        raise ConfigurationError(
            "BMIS_POST is not set: a post node needs the code of its post (for example "
            "BMIS_POST=PAP)."
        )
    if not POST_CODE_RE.match(BMIS_POST) or BMIS_POST == "HQ":
        raise ConfigurationError(
            f"BMIS_POST={BMIS_POST!r} is not a post code: use 2 to 10 letters A-Z or digits "
            "(and not HQ)."
        )
elif BMIS_POST:
    raise ConfigurationError("BMIS_POST is set but BMIS_ROLE is 'hq': headquarters has no post.")

# The node every record and audit event born here is stamped with.
BMIS_NODE = BMIS_POST if BMIS_ROLE == "post" else "HQ"

# --- Where the node keeps its data ------------------------------------------------------------

VAR_DIR = Path(env_str("BMIS_VAR_DIR") or BASE_DIR / "var").resolve()
if VAR_DIR.exists() and not VAR_DIR.is_dir():
    raise ConfigurationError(f"BMIS_VAR_DIR={VAR_DIR} exists but is not a directory.")
try:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
except OSError as exc:
    raise ConfigurationError(f"BMIS_VAR_DIR={VAR_DIR} cannot be created: {exc.strerror}.") from None
if not os.access(VAR_DIR, os.W_OK | os.X_OK):
    raise ConfigurationError(f"BMIS_VAR_DIR={VAR_DIR} is not writable by this user.")


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, or from var/secret_key, made on first run."""
    if value := env_str("SECRET_KEY"):
        if len(value) < 32:
            raise ConfigurationError("SECRET_KEY is too short: use at least 32 random characters.")
        return value
    path = VAR_DIR / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    except FileExistsError:
        try:
            value = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            value = ""
        if len(value) < 32 or not value.isprintable():
            raise ConfigurationError(
                f"SECRET_KEY: the file {path} is corrupt (empty or unreadable). Restore it from "
                "a backup, or delete it to make a new one (every session will end)."
            ) from None
        return value
    except OSError as exc:
        raise ConfigurationError(f"SECRET_KEY: cannot create {path}: {exc.strerror}.") from None
    value = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# --- Database ---------------------------------------------------------------------------------

_default_db = f"sqlite:///{VAR_DIR / 'bmis.sqlite3'}"
try:
    _db = dj_database_url.parse(env_str("DATABASE_URL") or _default_db)
except (ValueError, dj_database_url.UnknownSchemeError) as exc:
    raise ConfigurationError(f"DATABASE_URL is not a database address: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # BEGIN IMMEDIATE: writers queue for the lock instead of failing half-way.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,  # seconds: SQLite's busy timeout
        # WAL lets the counters read while one writes; FULL keeps what was committed through a
        # power cut, which posts have often.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_MAX_AGE"] = 60
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("OPTIONS", {})["connect_timeout"] = 5
else:
    raise ConfigurationError(
        f"DATABASE_URL uses {_db['ENGINE']}: OpenBMIS runs on SQLite or PostgreSQL only."
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications -----------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "bmis.core",
    "bmis.accounts",
    "bmis.posts",
    "bmis.reference",
    "bmis.crossings",
    "bmis.watchlist",
    "bmis.sync",
    "bmis.stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bmis.accounts.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bmis.core.middleware.DatabaseErrorMiddleware",
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
                "bmis.core.context_processors.node",
            ],
        },
    },
]

# --- Accounts, passwords, sessions ------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Minutes without a request after which a session ends; the cookie itself lasts one long shift.
BMIS_SESSION_IDLE_MINUTES = env_int("BMIS_SESSION_IDLE_MINUTES", 20)
# The counter warns when the newest alert list is older than this.
BMIS_WATCHLIST_MAX_AGE_DAYS = env_int("BMIS_WATCHLIST_MAX_AGE_DAYS", 7)
# Where the screening indexes of the alert lists are written, for every worker to load (pickles:
# only this node may write there). Made on first use.
BMIS_INDEX_DIR = Path(env_str("BMIS_INDEX_DIR") or VAR_DIR / "screening-index").resolve()
# When a list changes, the crossings of this many days are screened again (retroactive hits).
BMIS_RESCREEN_DAYS = env_int("BMIS_RESCREEN_DAYS", 30)
SESSION_COOKIE_AGE = 14 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Synchronisation (bmis/sync): how long an enrolment code stays valid, how far a node's clock may
# be from headquarters' before the node is shown as wrong, how long a post may be silent before it
# is shown as such, and how often `sync --loop` calls headquarters when all is well.
BMIS_ENROLMENT_DAYS = env_int("BMIS_ENROLMENT_DAYS", 7)
BMIS_CLOCK_TOLERANCE_SECONDS = env_int("BMIS_CLOCK_TOLERANCE_SECONDS", 300)
BMIS_SILENT_HOURS = env_int("BMIS_SILENT_HOURS", 24)
# Statistics: an export of more rows than this is built in the background (a progress bar).
BMIS_STATS_EXPORT_ROWS = env_int("BMIS_STATS_EXPORT_ROWS", 5000)
BMIS_SILENT_AFTER = timedelta(hours=BMIS_SILENT_HOURS)
BMIS_SYNC_INTERVAL_SECONDS = env_int("BMIS_SYNC_INTERVAL_SECONDS", 60)

BMIS_LOCKOUT_ACCOUNT_FAILURES = env_int("BMIS_LOCKOUT_ACCOUNT_FAILURES", 5)
BMIS_LOCKOUT_ADDRESS_FAILURES = env_int("BMIS_LOCKOUT_ADDRESS_FAILURES", 20)
BMIS_LOCKOUT_MINUTES = env_int("BMIS_LOCKOUT_MINUTES", 15)

# Addresses of the reverse proxies in front of the node: from them, X-Forwarded-For names the
# client (for the audit trail and the per-address lockout). Nobody is trusted by default.
BMIS_TRUSTED_PROXIES = frozenset(env_list("BMIS_TRUSTED_PROXIES", ""))

# Behind a TLS-terminating proxy (see the README), cookies are sent over HTTPS only.
BMIS_HTTPS = env_bool("BMIS_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = BMIS_HTTPS
if BMIS_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
CSRF_FAILURE_VIEW = "bmis.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Languages and time -----------------------------------------------------------------------

# Haitian Creole is not among Django's languages: register it, as Kolibri does.
LANG_INFO.setdefault(
    "ht", {"bidi": False, "code": "ht", "name": "Haitian Creole", "name_local": "Kreyòl ayisyen"}
)
LANGUAGES = [
    ("fr", _("French")),
    ("ht", _("Haitian Creole")),
    ("en", _("English")),
    ("es", _("Spanish")),
]
LANGUAGE_CODE = env_str("BMIS_LANGUAGE", "fr").lower()
if LANGUAGE_CODE not in {code for code, _name in LANGUAGES}:
    raise ConfigurationError(
        f"BMIS_LANGUAGE={LANGUAGE_CODE!r} is not offered: use fr, ht, en or es."
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "bmis_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("BMIS_TIME_ZONE", "America/Port-au-Prince")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ConfigurationError(f"BMIS_TIME_ZONE={TIME_ZONE!r} is not a known time zone.") from None

# --- Static files -----------------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # collectstatic fills it; whitenoise wants it to exist
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("BMIS_LOG_LEVEL", "INFO").upper()},
}
