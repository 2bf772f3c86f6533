"""``{{ value|rich_text }}`` (or ``|rich_text:"publication"``): a stored rich-text value,
cleaned again by its profile and marked safe. Registered as a builtin (settings ``TEMPLATES``),
so no template loads it and none needs ``|safe`` for rich text.

Cleaning on the way out as well as in: a value stored before a profile narrowed, or written by
a path that forgot ``sanitise``, still reaches the page through the allow-list. nh3's output is
stable under a second pass, and a page's few values cost microseconds."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from apps.richtext.sanitise import NOTEBOOK, PROFILES, clean

register = template.Library()


@register.filter("rich_text")
def rich_text(value: object, profile: str = NOTEBOOK.name) -> SafeString:
    if value is None or value == "":
        return mark_safe("")  # noqa: S308 - nothing to print
    return mark_safe(clean(str(value), PROFILES[profile]))  # noqa: S308 - the allow-list's output
