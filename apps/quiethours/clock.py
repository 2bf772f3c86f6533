"""The clock quiet hours read: ``timezone.now()``, behind one name that a test can replace
(the tasks that deliver held notifications take their "now" from the call instead, so a
worker in another process honours a frozen moment too)."""

from __future__ import annotations

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    return timezone.now()
