"""Production settings: the defaults plus everything `check --deploy` asks for.

Use with DJANGO_SETTINGS_MODULE=coursemarket.config.production. SECRET_KEY
must come from the environment.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403

DEBUG = False
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)  # noqa: F405
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("Set SECRET_KEY to a random string of 50 or more characters in production.")
# A real Stripe key takes real money: its webhooks must be signed with the
# secret of this site's endpoint, never with the public development one.
if STRIPE_KEY_GIVEN and STRIPE_WEBHOOK_SECRET in ("", STRIPE_DEV_WEBHOOK_SECRET):  # noqa: F405
    raise ImproperlyConfigured(
        "STRIPE_SECRET_KEY is set: set STRIPE_WEBHOOK_SECRET to the signing secret of this site's Stripe webhook."
    )

# PostgreSQL through psycopg's connection pool: each request takes a ready
# connection and gives it back when it ends, so a process holds only as many
# as it uses at once (DB_POOL=0 turns it off, e.g. behind pgbouncer; then
# DB_CONN_MAX_AGE applies).
if DATABASES["default"]["ENGINE"].endswith("postgresql") and env_bool("DB_POOL", True):  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
    DATABASES["default"]["OPTIONS"]["pool"] = {  # noqa: F405
        "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "2")),
        "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "16")),
        "timeout": 10,
    }

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
