"""`make test`: the real PostgreSQL and Redis, fast password hashing."""

from config.settings.base import *  # noqa: F403
from config.settings.base import LOGGING

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["root"]["level"] = "WARNING"  # type: ignore[index]

# Static files are served from the source folders; STATIC_ROOT (collectstatic) is production's.
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True

# Notifications are delivered at once whatever the hour the suite runs; the quiet-hours tests
# (tests/quiethours) switch them on with a clock of their own.
ENT_QUIET_HOURS = False
