"""The one settings module. Everything that differs between machines comes from the environment."""

import ipaddress
import socket
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"  # noqa: S105

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the development default; set SECRET_KEY in the environment "
        "(or DEBUG=1 on a development machine)."
    )


def _site_url():
    """The address every link sent out points at (emails, QR codes, letters, feedback links).

    In development it follows the address `make run` serves on (HOST, PORT); in production it
    must be given, as the https:// address people reach the site at.
    """
    given = env.str("SITE_URL", default="").strip().rstrip("/")
    if not DEBUG:
        if not given:
            raise ImproperlyConfigured(
                "SITE_URL is not set: set it to the https:// address people reach the site at "
                "(e.g. SITE_URL=https://hubs.example.nhs.uk); every link sent out uses it."
            )
        if not given.startswith("https://"):
            raise ImproperlyConfigured(
                f"SITE_URL is {given!r}: in production it must be the https:// address "
                "(the site's cookies are sent over HTTPS only)."
            )
    if given:
        return given
    host = env.str("HOST", default="127.0.0.1")
    # Served on every address: links must name the machine instead.
    if host in ("0.0.0.0", "::", "[::]"):  # noqa: S104  # nosec B104
        host = socket.getfqdn()
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{env.int('PORT', default=8000)}"


SITE_URL = _site_url()
_site_host = urlsplit(SITE_URL).hostname or ""
if ":" in _site_host:
    _site_host = f"[{_site_host}]"
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=(
        sorted({"localhost", "127.0.0.1", "[::1]", _site_host} - {""}) if DEBUG else [_site_host]
    ),
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
# Addresses (or networks) of the TLS proxy in front of gunicorn: only requests from them have
# their X-Forwarded-For and X-Forwarded-Proto believed (cc4c/forwarded.py). The proxy of
# `make serve` and of the systemd set-up runs on this machine.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network (e.g. 127.0.0.1, "
            "172.30.0.0/24)."
        ) from None

INSTALLED_APPS = [
    "hubs.apps.HubAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    # Staff sign-in with NHS CIS2 Authentication: an allauth OpenID Connect provider.
    "hubs.cis2",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "simple_history",
    "cc4c",
    "hubs",
    "population",
    "mdt",
    "clinics",
    "advice",
    "champions",
    "learning",
    "feedback",
    # Families in the loop: carers, and texts and emails to them through GOV.UK Notify.
    "families",
    "letters",
    # Reads every app's metrics.py, so it comes after them (demo data is loaded in this order).
    "evaluation",
]

MIDDLEWARE = [
    # Before anything reads the client's address or asks whether the request is secure.
    "cc4c.forwarded.ForwardedByProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "hubs.cis2.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cc4c.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After SessionMiddleware: its answer passes here first, then SessionMiddleware saves.
    "cc4c.middleware.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before anything reads the body (the CSRF check reads the form): cc4c/uploads.py.
    "cc4c.uploads.UploadLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hubs.middleware.RequireMFAMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "cc4c.urls"
WSGI_APPLICATION = "cc4c.wsgi.application"

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
                "cc4c.context_processors.navigation",
            ],
            # The date style, NHS numbers and page titles, in every template without a load.
            "builtins": ["cc4c.templatetags.cc4c_format", "cc4c.templatetags.error_summary"],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL", default="postgres://cc4c@127.0.0.1:55432/cc4c")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A connection that broke (database restarted) is noticed and replaced on the next request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DB_NAME", default="test_cc4c")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:56379/0")

# The cache holds sign-in throttles, kept in PostgreSQL so sign-in works while Redis is down.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cc4c_cache",
    }
}

AUTH_USER_MODEL = "hubs.Person"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# Sessions end after SESSION_IDLE_MINUTES without a request, and when the browser closes.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# A request moves the end on; the session is written at most once a minute for it
# (cc4c.middleware.IdleSessionMiddleware), not on every request.
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-allauth: email sign-in, no self sign-up (coordinators invite people), MFA.
ACCOUNT_ADAPTER = "hubs.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# A reset asked for an address with no login sends nothing (there is no sign-up to offer), and
# the page says the same either way, so the form tells nobody who has a login.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Repeated failures for one account lock it for a while; per-address throttles stop sprays.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": env.str("LOGIN_FAILED_LIMIT", default="20/m/ip,5/15m/key"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "CC4C hubs"
# A code typed as its 30 seconds run out still counts for one more step (RFC 6238, 5.2): a GP
# is not refused for the time the page took to send it; a code is still used once only.
MFA_TOTP_TOLERANCE = 1
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# NHS CIS2 Authentication (OpenID Connect), beside email and authenticator. Off unless an issuer
# and a client id are set; the private key signs the client's token requests (private_key_jwt).
SOCIALACCOUNT_ADAPTER = "hubs.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_STORE_TOKENS = False
CIS2_ISSUER = env.str("CIS2_ISSUER", default="").rstrip("/")
CIS2_CLIENT_ID = env.str("CIS2_CLIENT_ID", default="")
# The PEM text itself (newlines may be written as \n), or CIS2_PRIVATE_KEY_FILE naming a file.
CIS2_PRIVATE_KEY = env.str("CIS2_PRIVATE_KEY", default="").replace("\\n", "\n")
CIS2_PRIVATE_KEY_FILE = env.str("CIS2_PRIVATE_KEY_FILE", default="")
CIS2_PRIVATE_KEY_ID = env.str("CIS2_PRIVATE_KEY_ID", default="")
CIS2_CLIENT_ASSERTION_ALG = env.str("CIS2_CLIENT_ASSERTION_ALG", default="RS512")
CIS2_SCOPES = env.list(
    "CIS2_SCOPES",
    default=["openid", "profile", "email", "nationalrbacaccess", "associatedorgs"],
)
CIS2_ACR_VALUES = env.str("CIS2_ACR_VALUES", default="AAL2_OR_AAL3_ANY")
# A CIS2 sign-in at this authentication assurance level or above is the second factor itself.
CIS2_SECOND_FACTOR_AAL = env.int("CIS2_SECOND_FACTOR_AAL", default=3)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# An evaluation report's build holds the report this long, renewed while it computes: a build
# whose worker died is taken over by the sweep (every minute) once its lease has run out.
REPORT_BUILD_LEASE_SECONDS = env.int("REPORT_BUILD_LEASE_SECONDS", default=90)

# Children are counted in the population until this birthday (docs/evaluation-measures.md).
POPULATION_AGE_LIMIT_YEARS = env.int("POPULATION_AGE_LIMIT_YEARS", default=18)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# One date style everywhere, the admin included: "8 Dec 2026", "Dec 2026", 24-hour times.
FORMAT_MODULE_PATH = ["cc4c.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# The largest request body with its files (an import, a letter or photo) accepted; anything
# larger is refused before it is read (cc4c/uploads.py).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
# Uploads over this size are written to a temporary file as they arrive, not kept in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
# Uploaded files (advice attachments, imports) are never served from a public path.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))

# Backups of the database and the uploaded files together (cc4c/backups.py): where they are
# written, how many are kept, and when the last good one counts as overdue on /healthz.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "var" / "backups")))
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=7)
BACKUP_KEEP_WEEKLY = env.int("BACKUP_KEEP_WEEKLY", default=4)
BACKUP_OVERDUE_HOURS = env.int("BACKUP_OVERDUE_HOURS", default=26)
# Where pg_dump and pg_restore are, when not in /usr/lib/postgresql/N/bin or on PATH.
PG_BINDIR = env.str("PG_BINDIR", default="")

# The advice line's inbound email: the largest message, and the largest attachment, accepted.
ADVICE_EMAIL_MAX_BYTES = env.int("ADVICE_EMAIL_MAX_BYTES", default=25 * 1024 * 1024)
ADVICE_ATTACHMENT_MAX_BYTES = env.int("ADVICE_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Messages an hour the receiver takes from one sending server (a trusted relay, which may carry
# all of a hub's GP mail, has its own limit), and from one sender: the proven From address, or
# the address an unproven message names.
ADVICE_EMAIL_PER_PEER_PER_HOUR = env.int("ADVICE_EMAIL_PER_PEER_PER_HOUR", default=200)
ADVICE_EMAIL_PER_RELAY_PER_HOUR = env.int("ADVICE_EMAIL_PER_RELAY_PER_HOUR", default=5000)
ADVICE_EMAIL_PER_SENDER_PER_HOUR = env.int("ADVICE_EMAIL_PER_SENDER_PER_HOUR", default=30)
# Connections the receiver serves at once; more are told to try again later (421).
ADVICE_SMTPD_MAX_CONNECTIONS = env.int("ADVICE_SMTPD_MAX_CONNECTIONS", default=20)
# A message is a GP's only when its origin is proven (advice/mail_origin.py): a DKIM signature
# of the From domain, or the Authentication-Results of a trusted relay (its authserv-id, and
# the addresses it connects from). Unproven mail from a GP's address is "refuse"d, or "confirm"
# holds it and emails the GP's registered address a one-use link to confirm it as theirs.
ADVICE_EMAIL_UNPROVEN = env.str("ADVICE_EMAIL_UNPROVEN", default="confirm")
if ADVICE_EMAIL_UNPROVEN not in ("refuse", "confirm"):
    raise ImproperlyConfigured("ADVICE_EMAIL_UNPROVEN is refuse or confirm.")
ADVICE_EMAIL_CONFIRM_HOURS = env.int("ADVICE_EMAIL_CONFIRM_HOURS", default=72)
ADVICE_EMAIL_TRUSTED_AUTHSERV_IDS = env.list("ADVICE_EMAIL_TRUSTED_AUTHSERV_IDS", default=[])
ADVICE_EMAIL_TRUSTED_RELAYS = env.list("ADVICE_EMAIL_TRUSTED_RELAYS", default=[])
# DNS servers (host or host:port) for the DKIM keys; empty: the machine's own resolver.
ADVICE_EMAIL_DNS_SERVERS = env.list("ADVICE_EMAIL_DNS_SERVERS", default=[])

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update({k: v for k, v in EMAIL_CONFIG.items() if v not in (None, "")})
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CC4C hubs <no-reply@cc4c.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that stops answering fails the send (retried from the outbox), never hangs it.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# Texts and emails to families through GOV.UK Notify (cc4c/govuk_notify.py). Without a key
# nothing is sent: messages are kept on the families' outbox page (docs/messages-and-letters.md).
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_TIMEOUT = env.int("NOTIFY_TIMEOUT", default=10)
# The bearer token Notify's delivery receipts carry (set the same in Notify's callback settings);
# empty: the receipts endpoint answers 404 and statuses are asked for instead.
NOTIFY_CALLBACK_TOKEN = env.str("NOTIFY_CALLBACK_TOKEN", default="")
# The Notify template of each message to families, by message and channel (families/wording.py).
NOTIFY_MESSAGES = ["booked", "moved", "reminder", "waiting_check", "rebook", "feedback"]
NOTIFY_TEMPLATES = {
    f"{message}_{channel}": env.str(f"NOTIFY_TEMPLATE_{message.upper()}_{channel.upper()}", "")
    for message in NOTIFY_MESSAGES
    for channel in ("sms", "email")
}
if NOTIFY_API_KEY:
    _notify_key = NOTIFY_API_KEY.strip()
    _uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    import re as _re

    if not _re.fullmatch(rf".+-{_uuid}-{_uuid}", _notify_key):
        raise ImproperlyConfigured(
            "NOTIFY_API_KEY is not a GOV.UK Notify API key (name-serviceid-secret, as Notify "
            "shows it once when it is created)."
        )
    _missing = sorted(k for k, v in NOTIFY_TEMPLATES.items() if not _re.fullmatch(_uuid, v))
    if _missing:
        raise ImproperlyConfigured(
            "NOTIFY_API_KEY is set, so every family message needs its Notify template id: set "
            + ", ".join(f"NOTIFY_TEMPLATE_{k.upper()}" for k in _missing)
            + " (docs/messages-and-letters.md)."
        )

# Letters to GP practices (letters/). MESH: the hub's mailbox, sending GP Connect Send Document
# messages; all unset means no MESH, and letters go by secure email (README, configuration).
MESH_URL = env.str("MESH_URL", default="")
MESH_MAILBOX = env.str("MESH_MAILBOX", default="").upper()
MESH_PASSWORD = env.str("MESH_PASSWORD", default="")
MESH_SHARED_KEY = env.str("MESH_SHARED_KEY", default="")
MESH_CLIENT_CERT = env.str("MESH_CLIENT_CERT", default="")
MESH_CLIENT_KEY = env.str("MESH_CLIENT_KEY", default="")
MESH_CA_BUNDLE = env.str("MESH_CA_BUNDLE", default="")
MESH_TIMEOUT = env.int("MESH_TIMEOUT", default=60)
# The secure route for letters to practices without a mailbox (e.g. NHSmail's relay); unset,
# letters go through EMAIL_URL. Its From address is LETTERS_FROM_EMAIL.
SECURE_EMAIL_CONFIG = (
    env.email_url("SECURE_EMAIL_URL", default="") if env.str("SECURE_EMAIL_URL", default="") else {}
)
LETTERS_FROM_EMAIL = env.str("LETTERS_FROM_EMAIL", default=DEFAULT_FROM_EMAIL)

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Work is acknowledged only when done, and goes back to the queue if a worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 3600, "socket_connect_timeout": 2}
# A page that queues work never waits long on a dead broker: the outbox sweep catches up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# Security headers; HTTPS-only settings apply when not in development.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content Security Policy (django-csp): scripts, styles, fonts and frames from this site only;
# no inline script or style (templates use static files and classes), no plug-ins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap draws form controls with data: SVGs; the authenticator QR code is one too.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Health checks from the machine or the container network ask over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
