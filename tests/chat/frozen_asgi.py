"""The application as ``config.asgi`` builds it, with quiet hours on and the clock frozen at
``ENT_TEST_FROZEN_NOW`` (ISO 8601): a uvicorn process of the tests serves it to check what a
connection finds in the evening, whatever the hour the suite runs."""

import datetime
import os

from django.conf import settings  # noqa: E402 - Django is set up by config.asgi

from apps.quiethours import clock  # noqa: E402
from config.asgi import application as _application

_FROZEN = datetime.datetime.fromisoformat(os.environ["ENT_TEST_FROZEN_NOW"])
clock.now = lambda: _FROZEN  # type: ignore[assignment]
settings.ENT_QUIET_HOURS = True
settings.ENT_SCHOOL_ZONE = "A"

application = _application
