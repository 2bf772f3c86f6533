"""Whole numbers read from what a visitor sends (an id in a form, a page or a version in the
query string): digits only, at most 11 of them, else None. A sign, spaces, underscores,
another script's digits or a number too long for a database key are not numbers here: the
view then answers as for a missing item, never with an error from below."""

from __future__ import annotations

from typing import Any

MAX_DIGITS = 11


def whole_number(value: Any) -> int | None:
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_DIGITS:
        return None
    return int(text)
