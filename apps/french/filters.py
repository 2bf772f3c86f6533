"""Template filters for apps.french.formatting, registered as builtins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import template
from django.utils import timezone

from apps.french import formatting

register = template.Library()


def _safe(fn: Callable[[Any], str]) -> Callable[[Any], str]:
    # A template must print nothing rather than fail on an empty value.
    def wrapper(value: Any) -> str:
        if value is None or value == "":
            return ""
        return fn(value)

    wrapper.__name__ = fn.__name__
    return wrapper


def _local(value: Any) -> Any:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


register.filter("date_longue", _safe(lambda v: formatting.date_longue(_local(v))))
register.filter("date_courte", _safe(lambda v: formatting.date_courte(_local(v))))
register.filter("jour_semaine", _safe(lambda v: formatting.jour_semaine(_local(v))))
register.filter("jour_mois", _safe(lambda v: formatting.jour_mois(_local(v))))
register.filter("mois", _safe(lambda v: formatting.month(_local(v))))
register.filter("date_heure", _safe(lambda v: formatting.datetime_fr(_local(v))))
register.filter("date_heure_secondes", _safe(lambda v: formatting.datetime_seconds_fr(_local(v))))
register.filter("nombre", _safe(formatting.number))
register.filter("euros", _safe(formatting.euros))
register.filter("ordinal", _safe(lambda v: formatting.ordinal(int(v))))
register.filter("de", _safe(formatting.de))
