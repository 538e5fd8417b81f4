"""Test settings: the real settings with fast hashing and plain static files."""

import os

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
DEMO_RENDITIONS = False  # the demo's covers are stored, their renditions not made (tests of images make their own)
# Requests served in other threads (the ASGI app's worker threads, the live
# server) give their connection back when they end, so the test database can
# be dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# A call to an outside payment provider inside transaction.atomic fails the
# test (payments.providers.base.check_outside_transaction).
PAYMENTS_STRICT_TRANSACTIONS = True
# Activity events wait until a test (or a page that reads them) flushes them:
# no timer thread writing into the test database behind a test's back.
ACTIVITY_FLUSH_SECONDS = 0

# Push keys only from the environment: a developer's var/vapid.env (make run) must not change what tests see.
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
