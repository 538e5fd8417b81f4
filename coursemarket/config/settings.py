"""Coursemarket settings, read from the environment with safe defaults.

Embedded defaults (no variables set): SQLite in WAL mode, in-process cache and
channel layer, the database-backed task queue. Set ``DATABASE_URL`` for
PostgreSQL and ``REDIS_URL`` for Redis; the code does not change. Every
variable is listed in README.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "coursemarket"
VAR_DIR = Path(os.environ.get("COURSEMARKET_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The development key is only good for the embedded default; production.py
# refuses to start without SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-5f1c0e2b9a7d4c3e8f6a1b2c3d4e5f60")
# Old keys still accepted for what they signed (sessions, links) while a new
# SECRET_KEY takes over (docs/operations.md, "Rotate secrets").
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "coursemarket.config.staticfiles.StaticFilesConfig",  # django.contrib.staticfiles, without test-only files
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "channels",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "parler",
    "imagekit",  # picture renditions (coursemarket.core.images)
    # Our apps, by domain. Order matters only for template overrides.
    "coursemarket.core",
    "coursemarket.web",
    "coursemarket.audit",
    "coursemarket.activity",
    "coursemarket.accounts",
    "coursemarket.schools",
    "coursemarket.catalog",
    "coursemarket.bookings",
    "coursemarket.promotions",
    "coursemarket.scheduling",
    "coursemarket.imports",
    "coursemarket.alerts",
    "coursemarket.reviews",
    "coursemarket.compare",
    "coursemarket.recommendations",
    "coursemarket.analytics",  # daily rollups and the school dashboard; reads bookings, payments, activity
    "coursemarket.payments",
    "coursemarket.notifications",
    "coursemarket.demo",  # seed_demo; depends on every app above, none depends on it
]

MIDDLEWARE = [
    "coursemarket.core.middleware.ProxyHeadersMiddleware",  # X-Forwarded-Proto only from TRUSTED_PROXIES
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",  # before WhiteNoise: static files get it too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (static files come compressed from WhiteNoise above, which answers before this):
    # a course page's HTML is 66 KB, ~12 KB gzipped. Django pads the body against BREACH.
    "coursemarket.core.middleware.PageGZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "coursemarket.core.middleware.BadInputMiddleware",  # NUL, not UTF-8, over-long: 400/404 before any view
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "coursemarket.accounts.middleware.UserSessionActivityMiddleware",  # allauth usersessions, throttled
    "coursemarket.core.middleware.RequestContextMiddleware",
    "coursemarket.accounts.middleware.TimezoneMiddleware",
    "coursemarket.promotions.middleware.ReferralMiddleware",  # ?ref= kept in the session (first touch wins)
    # Innermost: records searches and course views after the page cache answered (activity/middleware.py).
    "coursemarket.activity.middleware.ActivityMiddleware",
]

ROOT_URLCONF = "coursemarket.config.urls"
ASGI_APPLICATION = "coursemarket.config.asgi.application"
# Threads per server process that run requests (core/asgi.py): enough to keep
# the CPU busy while some requests wait on the database or a payment provider.
ASGI_THREADS = int(os.environ.get("ASGI_THREADS", "8"))
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coursemarket.web.context_processors.site",
                "coursemarket.schools.context_processors.school_staff",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]
FORM_RENDERER = "coursemarket.web.forms.SiteFormRenderer"

# --- Database -------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'coursemarket.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write
        # lock when a transaction starts, so two writers never deadlock on the
        # read-to-write lock upgrade (SQLITE_BUSY mid-transaction).
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;PRAGMA cache_size=-20000;PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Each request thread keeps its connection (core/asgi.py runs requests on a
    # fixed set of threads): opening one costs ~2.5 ms of CPU (the PRAGMAs and
    # parsing a schema of 300+ tables and indexes) and starts with an empty
    # page cache, about what a whole autocomplete answer costs otherwise.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))
    # Tests use a file too (never :memory:), so that worker processes and
    # concurrency tests share the database the test writes.
    # Each test run gets its own file (by process id), so two suites running at
    # once on one machine never share or delete each other's database.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("TEST_SQLITE_NAME") or str(VAR_DIR / f"test-{os.getpid()}.sqlite3")
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
    # Requests run on a fixed set of threads per process (ASGI_THREADS, see
    # core/asgi.py), each keeping its connection for DB_CONN_MAX_AGE seconds:
    # at most processes x ASGI_THREADS connections. Production settings use
    # psycopg's pool instead (DB_POOL).
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))
    # Parameters travel apart from the SQL (psycopg's server-side binding), so
    # PostgreSQL can keep a prepared plan for a statement run again and again
    # (psycopg prepares after 5 runs) and nothing is quoted into the SQL text in
    # Python. Measured on the booking path: ~25 % less CPU in the web process
    # (bench/README.md). DB_SERVER_SIDE_BINDING=0 turns it off (e.g. behind
    # pgbouncer in transaction mode before 1.21, which cannot keep prepared statements).
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = env_bool("DB_SERVER_SIDE_BINDING", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and channel layer: in-process or Redis; task queue: the database -
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Distinct per site when several share one Redis (and per test run).
            "KEY_PREFIX": os.environ.get("REDIS_KEY_PREFIX", "cm"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{os.environ.get('REDIS_KEY_PREFIX', 'cm')}:asgi"},
        }
    }
else:
    # Pages and other things any process may compute again stay in each
    # process's memory; what security counts (allauth's failed sign-ins, used
    # two-factor codes: keys starting "allauth") must be seen by every web
    # process, so it goes to the database (core/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "coursemarket.core.cache.PrefixRoutedCache",
            "OPTIONS": {"ROUTES": {"allauth": "shared"}, "FALLBACK": "process"},
        },
        # Django's default of 300 entries is less than one busy listing holds
        # (20 cards, facets, filter fields and the match set per search): past
        # it every third entry is dropped, so the versioned fragments never
        # stayed long enough to be reused (bench/README.md, search speed).
        "process": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "coursemarket",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PROCESS_CACHE_MAX_ENTRIES", "20000"))},
        },
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "core_shared_cache",  # core.SharedCacheEntry
            # A write that finds more rows than this drops the expired ones
            # (every entry here lives minutes at most), and only then, if
            # still past it, a third of the rest.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# The task queue is the database on every setup (django-tasks-db): on
# PostgreSQL workers claim rows with SELECT ... FOR UPDATE SKIP LOCKED, a task
# is enqueued in the same transaction as the change that asks for it, and the
# queue is backed up with the data. Chosen over RQ and django-tasks-redis by
# measurement (bench/tasks.py; docs/operations.md, "Task engine").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Public catalog pages rendered for anonymous visitors stay in the cache at most
# this long; services invalidate them on every change (catalog/pagecache.py). 0: off.
# The activity log's writes are batched per process (activity/buffer.py): one
# INSERT per this many events, or this many seconds after a batch's first event.
ACTIVITY_BATCH_SIZE = int(os.environ.get("ACTIVITY_BATCH_SIZE", "50"))
ACTIVITY_FLUSH_SECONDS = float(os.environ.get("ACTIVITY_FLUSH_SECONDS", "2"))
CATALOG_PAGE_CACHE_SECONDS = int(os.environ.get("CATALOG_PAGE_CACHE_SECONDS", "60"))
# Pieces of those pages keyed by exactly what they show (the course page's session
# cards), shared by anonymous visitors whatever address they came by: at most this long. 0: off.
CATALOG_FRAGMENT_CACHE_SECONDS = int(os.environ.get("CATALOG_FRAGMENT_CACHE_SECONDS", "300"))
# Pieces keyed by the page versions instead (the course page's content, the school
# and instructor pages' sections), shared by anonymous visitors whatever address
# they came by: services' changes show at once (new versions), a change made
# outside them (admin, script) within this. 0, or fragments off: off.
CATALOG_VERSIONED_FRAGMENT_SECONDS = int(os.environ.get("CATALOG_VERSIONED_FRAGMENT_SECONDS", "60"))
# How long a process trusts the page versions it read from the database. 0 (the
# default): read them on every cached hit, so a change made in any process (web
# worker, background worker) shows at once. Above 0, such a change shows within it.
CATALOG_PAGE_VERSION_SECONDS = float(os.environ.get("CATALOG_PAGE_VERSION_SECONDS", "0"))

# --- Auth -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
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
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"

# --- Accounts: django-allauth (sign-up, verification, MFA) -------------------
ACCOUNT_ADAPTER = "coursemarket.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Adds "Your name" to sign-up; the adapter stores it as the display name.
ACCOUNT_SIGNUP_FORM_CLASS = "coursemarket.accounts.forms.SignupExtraForm"
ACCOUNT_LOGOUT_REDIRECT_URL = "web:home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = None
# Failed sign-ins are limited per address and per account; a browser that
# signed in to the account before counts against its own device cookie
# instead, and anyone can sign in with a code emailed to them
# (accounts/lockout.py), so a stranger cannot lock an owner out.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "change_password": "5/m/user",
    # Wrong promo codes at checkout (bookings.views.checkout.apply_code): guessing costs a wait.
    "promo_code": "10/10m/user,30/h/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Coursemarket"
MFA_RECOVERY_CODE_COUNT = 10
USERSESSIONS_TRACK_ACTIVITY = True
# allauth precedes our apps in INSTALLED_APPS, so its app templates would win
# over our overrides of its layouts, elements and pages. DIRS is searched before
# any app directory (the way allauth's docs recommend overriding).
TEMPLATES[0]["DIRS"] = [PACKAGE_DIR / "accounts" / "templates"]


# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("de", _("German")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
    ("pt-br", _("Brazilian Portuguese")),
    ("it", _("Italian")),
    ("ja", _("Japanese")),
]
LANGUAGES_BIDI = ["ar", "he", "fa", "ur"]
# Locale name Babel uses for money and numbers, per language.
BABEL_LOCALES = {
    "en": "en_US", "es": "es_ES", "de": "de_DE", "fr": "fr_FR", "ar": "ar_EG", "pt-br": "pt_BR", "it": "it_IT",
    "ja": "ja_JP",
}  # fmt: skip
# Every app keeps its own catalogs in <app>/locale. Listed here too because
# Django lets the first INSTALLED_APPS win when two catalogs translate the same
# words, and allauth (listed before our apps) says "يلغي" ("he cancels") for our
# "Cancel" button: LOCALE_PATHS outrank every app, so our wording wins.
LOCALE_PATHS: list[Path] = sorted(path for path in PACKAGE_DIR.glob("*/locale") if path.is_dir())
LANGUAGE_COOKIE_NAME = "django_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_CURRENCY = os.environ.get("DEFAULT_CURRENCY", "EUR")
# Catalog import (imports app): the largest file a school may upload, in bytes,
# and the most course rows it may hold.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "20000"))

# Words that hold a review for an operator instead of publishing it (comma-separated
# in the environment; the default list is in reviews/moderation.py).
if os.environ.get("REVIEW_BLOCKLIST"):
    REVIEW_BLOCKLIST = [w.strip() for w in os.environ["REVIEW_BLOCKLIST"].split(",") if w.strip()]

# --- Content translated by schools (django-parler) -------------------------
PARLER_DEFAULT_LANGUAGE_CODE = "en"
PARLER_LANGUAGES = {
    None: tuple({"code": code} for code, _name in LANGUAGES),
    "default": {"fallbacks": ["en"], "hide_untranslated": False},
}

# --- Static and media files -------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# The embedded setup serves uploads (logos, avatars, course images) itself;
# production leaves them to the web server or object storage in front.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads on any S3-compatible object store (django-storages) when MEDIA_BUCKET
# is set, so every web and worker machine sees the same files. MEDIA_PUBLIC_URL
# (e.g. https://media.example.com or a CDN in front of the bucket) is where
# browsers fetch them, without signatures; without it, links are signed URLs
# of the endpoint, valid MEDIA_URL_EXPIRE_SECONDS.
MEDIA_BUCKET = os.environ.get("MEDIA_BUCKET", "")
MEDIA_PUBLIC_URL = os.environ.get("MEDIA_PUBLIC_URL", "").rstrip("/")
MEDIA_ENDPOINT_URL = os.environ.get("MEDIA_ENDPOINT_URL", "")
if MEDIA_BUCKET:
    from urllib.parse import urlsplit as _urlsplit

    _public = _urlsplit(MEDIA_PUBLIC_URL) if MEDIA_PUBLIC_URL else None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": MEDIA_ENDPOINT_URL or None,
            "access_key": os.environ.get("MEDIA_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("MEDIA_SECRET_ACCESS_KEY") or None,
            "region_name": os.environ.get("MEDIA_REGION") or None,
            "location": os.environ.get("MEDIA_PREFIX", ""),
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": _public is None,
            "querystring_expire": int(os.environ.get("MEDIA_URL_EXPIRE_SECONDS", "3600")),
            "custom_domain": f"{_public.netloc}{_public.path}" if _public else None,
            "url_protocol": f"{_public.scheme}:" if _public else "https:",
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    SERVE_MEDIA = False  # nothing on local disk to serve
# Picture renditions (coursemarket.core.images, django-imagekit): stored beside
# the uploads, under a hashed name per master, crop and format.
IMAGEKIT_CACHEFILE_DIR = "renditions"
IMAGEKIT_SPEC_CACHEFILE_NAMER = "imagekit.cachefiles.namers.source_name_as_path"
# seed_demo makes the demo covers' renditions (about a minute); the tests' demo skips them.
DEMO_RENDITIONS = env_bool("DEMO_RENDITIONS", True)
WHITENOISE_MAX_AGE = 3600
# Hashed files are immutable: WhiteNoise serves them with a one-year max-age.

# --- Email ------------------------------------------------------------------
# Django 6.1 mailers. Messages leave through the outbox (notifications app);
# the worker hands them to this mailer:
# - EMAIL_HOST set: SMTP with EMAIL_PORT/EMAIL_HOST_USER/EMAIL_HOST_PASSWORD/EMAIL_USE_TLS;
# - EMAIL_BACKEND set: that backend, e.g. anymail.backends.postmark.EmailBackend,
#   with its ANYMAIL_* variables (ANYMAIL_POSTMARK_SERVER_TOKEN, ...);
# - neither (the embedded default): the development mailbox, read at /admin/outbox/.
EMAIL_HOST_SETTING = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND_PATH = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST_SETTING
    else "coursemarket.notifications.mailbox.EmailBackend"
)
MAILERS: dict[str, dict[str, object]] = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": {}}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": EMAIL_HOST_SETTING or "127.0.0.1",
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": 20,
    }
ANYMAIL = {key.removeprefix("ANYMAIL_"): value for key, value in os.environ.items() if key.startswith("ANYMAIL_")}
OUTBOX_POLL_SECONDS = float(os.environ.get("OUTBOX_POLL_SECONDS", "1"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
# Web Push (notifications/push.py): the VAPID key pair that signs every push
# (`manage.py generate_vapid_keys` prints a new one), the contact the push
# services may write to, how long a push service keeps an undelivered push.
# Without them in the environment, var/vapid.env (written by `make run`) is read.
_VAPID_FILE = {
    name: value
    for name, _eq, value in (
        line.strip().partition("=")
        for line in ((VAR_DIR / "vapid.env").read_text().splitlines() if (VAR_DIR / "vapid.env").is_file() else [])
    )
}
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY") or _VAPID_FILE.get("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY") or _VAPID_FILE.get("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:operators@coursemarket.test")
PUSH_TTL_SECONDS = int(os.environ.get("PUSH_TTL_SECONDS", str(12 * 3600)))
PUSH_TIMEOUT_SECONDS = 10
OUTBOX_RETRY_BASE_SECONDS = float(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "60"))
OUTBOX_CLAIM_TIMEOUT_SECONDS = float(os.environ.get("OUTBOX_CLAIM_TIMEOUT_SECONDS", "300"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Coursemarket <no-reply@coursemarket.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Bookings and payments ------------------------------------------------------
BOOKING_HOLD_MINUTES = int(os.environ.get("BOOKING_HOLD_MINUTES", "15"))
BOOKING_OFFER_HOURS = int(os.environ.get("BOOKING_OFFER_HOURS", "24"))
# Shown in the checkout's breakdown. Included in the school's price, not added
# on top (see bookings.services.checkout.booking_price_breakdown).
PLATFORM_FEE_PERCENT = os.environ.get("PLATFORM_FEE_PERCENT", "5")
BANK_TRANSFER_DAYS = int(os.environ.get("BANK_TRANSFER_DAYS", "5"))

# Referrals (promotions/referrals.py): a visit with ?ref= counts for this many
# days (first touch wins); a referred student's first paid booking gives both
# a personal single-use code: a percentage, or a fixed credit (in
# REFERRAL_REWARD_CURRENCY, else the paid booking's), valid REFERRAL_REWARD_DAYS.
REFERRAL_ATTRIBUTION_DAYS = int(os.environ.get("REFERRAL_ATTRIBUTION_DAYS", "30"))
REFERRAL_REWARD_KIND = os.environ.get("REFERRAL_REWARD_KIND", "percent")  # "percent" or "fixed"
REFERRAL_REWARD_VALUE = os.environ.get("REFERRAL_REWARD_VALUE", "10")
REFERRAL_REWARD_CURRENCY = os.environ.get("REFERRAL_REWARD_CURRENCY", "")
REFERRAL_REWARD_DAYS = int(os.environ.get("REFERRAL_REWARD_DAYS", "90"))
BANK_TRANSFER_ACCOUNT_HOLDER = os.environ.get("BANK_TRANSFER_ACCOUNT_HOLDER", "Coursemarket Payments")
BANK_TRANSFER_IBAN = os.environ.get("BANK_TRANSFER_IBAN", "DE89 3704 0044 0532 0130 00")
BANK_TRANSFER_BIC = os.environ.get("BANK_TRANSFER_BIC", "COBADEFFXXX")
# Card payments still without a verdict after this long are asked about (a
# lost webhook still ends confirmed).
PAYMENT_RECONCILE_AFTER_MINUTES = int(os.environ.get("PAYMENT_RECONCILE_AFTER_MINUTES", "5"))
# Stripe. Without a STRIPE_SECRET_KEY in the environment, the SDK talks to
# localstripe on loopback (`make run` starts it); a key from the environment
# switches to real Stripe unless STRIPE_API_BASE says otherwise.
_STRIPE_KEY_GIVEN = bool(os.environ.get("STRIPE_SECRET_KEY"))
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY") or "sk_test_coursemarket_localstripe"
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY") or "pk_test_coursemarket_localstripe"
STRIPE_API_BASE = (
    os.environ.get("STRIPE_API_BASE") or ("https://api.stripe.com" if _STRIPE_KEY_GIVEN else "http://127.0.0.1:8420")
).rstrip("/")
_REAL_STRIPE = STRIPE_API_BASE == "https://api.stripe.com"
STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL") or (
    "https://js.stripe.com/v3/" if _REAL_STRIPE else f"{STRIPE_API_BASE}/js.stripe.com/v3/"
)
# The development secret is public (it is in this file): it signs localstripe's
# webhooks only. With a real key and no secret of its own, webhooks are refused
# (and production settings refuse to start, see production.py).
STRIPE_DEV_WEBHOOK_SECRET = "whsec_coursemarket_localstripe"  # noqa: S105 - public on purpose, localstripe only
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET") or (
    "" if _STRIPE_KEY_GIVEN else STRIPE_DEV_WEBHOOK_SECRET
)
STRIPE_KEY_GIVEN = _STRIPE_KEY_GIVEN
# Refunds are sent by the worker (payments.refunds): attempts before a refund
# is marked failed (for an operator to send again), and the first retry delay
# (doubling each time, at most six hours).
REFUND_MAX_ATTEMPTS = int(os.environ.get("REFUND_MAX_ATTEMPTS", "10"))
REFUND_RETRY_BASE_SECONDS = int(os.environ.get("REFUND_RETRY_BASE_SECONDS", "60"))
# A refund left "sending" this long (its worker was killed mid-call) is sent again.
REFUND_CLAIM_TIMEOUT_SECONDS = int(os.environ.get("REFUND_CLAIM_TIMEOUT_SECONDS", "300"))


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# Stripe.js loads from its origin, talks to the API (localstripe's stand-in
# from the browser, real Stripe.js through its own frames) and shows 3-D
# Secure in frames.
_STRIPE_ORIGINS = sorted({_origin(STRIPE_JS_URL), _origin(STRIPE_API_BASE)})
_STRIPE_FRAMES = ["https://js.stripe.com", "https://hooks.stripe.com"] if _STRIPE_KEY_GIVEN else []

# --- Security ---------------------------------------------------------------
# The proxies in front of the app, outermost first (the last connects to us):
# addresses, networks or prefixes. Only behind them is X-Forwarded-For read,
# from the right (core/clientip.py); empty: the socket's address is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Map tiles are configurable (MAP_TILE_URL); their host joins img-src.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
_tile_sources = [os.environ.get("MAP_TILE_ORIGIN", "")] if os.environ.get("MAP_TILE_ORIGIN") else []
# Uploads on object storage load from its public address (or its endpoint, signed).
_media_sources = (
    [
        _origin(MEDIA_PUBLIC_URL or MEDIA_ENDPOINT_URL)
        if (MEDIA_PUBLIC_URL or MEDIA_ENDPOINT_URL)
        else "https://*.amazonaws.com"
    ]
    if MEDIA_BUCKET
    else []
)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, _origin(STRIPE_JS_URL)],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", *_tile_sources, *_media_sources],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF, *_STRIPE_ORIGINS],
    "frame-src": [CSP.SELF, *_STRIPE_FRAMES],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Permissions-Policy (django-permissions-policy): the browser features no page
# uses are off for us and for every frame we embed. Payment stays with us and
# Stripe.js's frames (its card field and 3-D Secure); copying an invitation
# link writes to the clipboard. Our own pages may ask for a location: the
# listing's "Use my position" button does, only when clicked (never on load).
# The camera is off here; the door's check-in page alone turns it on for
# itself (bookings.views.checkin, asked when "Scan tickets" is pressed).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "bluetooth": [],
    "browsing-topics": [],
    "camera": [],
    "clipboard-read": [],
    "clipboard-write": ["self"],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": ["self"],
    "geolocation": ["self"],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "local-fonts": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": ["self", _origin(STRIPE_JS_URL)],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# --- Operations ---------------------------------------------------------------
# The worker writes a heartbeat this often; /healthz calls it down after
# WORKER_STALE_SECONDS without one.
WORKER_HEARTBEAT_SECONDS = 5
WORKER_STALE_SECONDS = int(os.environ.get("WORKER_STALE_SECONDS", "60"))
# What the worker (core/worker.py, which knows no app) runs, as dotted paths
# resolved when it starts: the periodic-job table, and the threads beside the
# task loop (each built with the worker's id; start() and stop()).
PERIODIC_JOBS = "coursemarket.config.schedule.periodic_jobs"
WORKER_THREADS = ["coursemarket.notifications.delivery.OutboxSender"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # one INFO line per step of every PDF
        "fontTools": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
    },
}
