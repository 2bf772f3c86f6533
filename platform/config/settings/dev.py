"""`make run`: DEBUG on unless told otherwise, no HTTPS."""

from config.settings.base import *  # noqa: F403
from config.settings.env import env_bool, env_str

DEBUG = env_bool("DJANGO_DEBUG", True)
ENT_URL_SCHEME = env_str("ENT_URL_SCHEME", "http")
ENT_URL_PORT = env_str("ENT_URL_PORT", env_str("PORT", "8000"))

# Static files are served from the source folders; STATIC_ROOT (collectstatic) is production's.
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
