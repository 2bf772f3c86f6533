"""Bench settings, routed: the project's settings and middleware, plus the bench view."""

from config.settings.base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.routing_app.urls"
# Quiet: an access or query log per request would be measured too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
