"""One settings module for every environment, configured by environment variables.

With no environment at all Balai runs the embedded default: SQLite, local-memory cache, local files,
e-mail to the console and secrets generated once into ``var/secrets.json`` (ignored by git).
``BALAI_ENV=production`` turns on the hardened settings and requires every secret from the environment.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BALAI_VAR_DIR", BASE_DIR / "var"))

BALAI_ENV = os.environ.get("BALAI_ENV", "development")
PRODUCTION = BALAI_ENV == "production"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _local_secrets() -> dict[str, str]:
    """Secrets for a development install: generated once, kept in an ignored file."""
    path = VAR_DIR / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(32),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(values, handle, indent=2)
    return values


def _secret(name: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set when BALAI_ENV=production")
    return _local_secrets()[name]


SECRET_KEY = _secret("SECRET_KEY")
# Comma-separated Fernet keys, newest first: the first encrypts, all decrypt (MultiFernet).
FIELD_ENCRYPTION_KEYS = [k.strip() for k in _secret("FIELD_ENCRYPTION_KEYS").split(",") if k.strip()]
# Key of the HMAC blind index used to find and de-duplicate encrypted values (NIK).
BLIND_INDEX_KEY = _secret("BLIND_INDEX_KEY")

DEBUG = env_bool("BALAI_DEBUG", default=False) and not PRODUCTION
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Balai's apps come first so that their translations and templates win over Django's own.
    "balai.core",
    "balai.audit",
    "balai.accounts",
    "balai.organizations",
    "balai.notifications",
    "balai.services",
    "balai.cases",
    "balai.documents",
    "balai.complaints",
    "balai.payments",
    "balai.taxes",
    "balai.api",
    "balai.web",
    "balai.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "balai.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "balai.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "balai.accounts.middleware.StaffIdleTimeoutMiddleware",
    "balai.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "balai.core.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "balai.urls"
WSGI_APPLICATION = "balai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "balai.web.context_processors.site",
            ],
        },
    },
]
FORM_RENDERER = "balai.web.forms.BalaiFormRenderer"

# --- Database -------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "balai.sqlite3")),
            "OPTIONS": {
                # WAL lets the web server and the worker read while the other writes; IMMEDIATE takes
                # the write lock at BEGIN so concurrent writers queue instead of failing mid-transaction.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "balai",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "balai"}}
# Sessions live in the database with the cache in front: correct with many processes even without Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Staff sessions end after this many idle seconds (citizens keep the normal cookie age).
STAFF_IDLE_TIMEOUT_SECONDS = int(os.environ.get("STAFF_IDLE_TIMEOUT_SECONDS", 30 * 60))

# --- Background tasks -----------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Accounts and authentication ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "balai.accounts.backends.EmailOrPhoneBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/saya/"
LOGOUT_REDIRECT_URL = "/"
OTP_TOTP_ISSUER = os.environ.get("BALAI_SITE_NAME", "Kabupaten Contoh") + " (Balai)"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Lockout (django-axes): by account and address, for everyone.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", 0.5))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Verification codes sent at registration and for changes of e-mail or phone.
VERIFICATION_CODE_TTL_SECONDS = int(os.environ.get("VERIFICATION_CODE_TTL_SECONDS", 15 * 60))
VERIFICATION_CODE_MAX_ATTEMPTS = 5
VERIFICATION_CODE_MAX_SENDS = 5  # per purpose and address within the resend window
VERIFICATION_CODE_RESEND_WINDOW_SECONDS = 60 * 60
VERIFICATION_CODE_RESEND_INTERVAL_SECONDS = 60

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "balai_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LOCALE_PATHS = [BASE_DIR / "balai" / "locale"]
PHONENUMBER_DEFAULT_REGION = "ID"

# --- Static and uploaded files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
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
# Outside production static files are served from the apps directly, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024


# --- E-mail ---------------------------------------------------------------------------------------
def _email_settings(url: str) -> dict[str, object]:
    """EMAIL_URL: console:// | locmem:// | smtp://user:pass@host:port | smtps://... | smtp+tls://..."""
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme in {"smtp", "smtps", "smtp+tls"}:
        query = parse_qs(parsed.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or (465 if scheme == "smtps" else 587 if scheme == "smtp+tls" else 25),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": scheme == "smtp+tls",
            "EMAIL_TIMEOUT": int(query.get("timeout", ["10"])[0]),
        }
    raise ImproperlyConfigured(f"Unsupported EMAIL_URL scheme: {scheme!r}")


globals().update(_email_settings(os.environ.get("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Balai <no-reply@balai.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Site and branding ----------------------------------------------------------------------------
BALAI_SITE_NAME = os.environ.get("BALAI_SITE_NAME", "Kabupaten Contoh")
BALAI_SITE_LOGO = os.environ.get("BALAI_SITE_LOGO", "web/img/logo.svg")  # a static path or an https URL
BALAI_REGION_CODE = os.environ.get("BALAI_REGION_CODE", "99.01")
BALAI_PUBLIC_URL = os.environ.get("BALAI_PUBLIC_URL", "http://127.0.0.1:8000")
BALAI_CONTACT_EMAIL = os.environ.get("BALAI_CONTACT_EMAIL", "")

# --- Documents: electronic signatures (docs/operators/signing.md) ---------------------------------
# The demo PKI (root + one certificate per agency; never for production) and the roots that verification
# trusts besides it (PEM or DER files; in production only these count). Each agency's own secrets are
# environment variables named in its signing profile.
BALAI_PKI_DIR = Path(os.environ.get("BALAI_PKI_DIR", VAR_DIR / "secrets" / "pki"))
BALAI_SIGNING_TRUST_ROOTS = env_list("BALAI_SIGNING_TRUST_ROOTS")
BALAI_VERIFY_MAX_BYTES = int(os.environ.get("BALAI_VERIFY_MAX_BYTES", 20 * 1024 * 1024))

# --- Security -------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "balai.web.views.csrf_failure"
# Content-Security-Policy (django-csp): no inline script or style anywhere, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # A logo on another host (BALAI_SITE_LOGO=https://...) is allowed by its origin only.
        "img-src": [SELF, "data:"]
        + (
            [f"{urlparse(BALAI_SITE_LOGO).scheme}://{urlparse(BALAI_SITE_LOGO).netloc}"]
            if BALAI_SITE_LOGO.startswith("https://")
            else []
        ),
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The preload directive only makes submission to the browsers' list possible; it enrols nothing by itself.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    if env_bool("BEHIND_HTTPS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging: one JSON object per line, with the request id ---------------------------------------
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "balai.core.logging.RequestContextFilter"}},
    "formatters": {"json": {"()": "balai.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_context"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- API ------------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
