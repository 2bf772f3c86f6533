"""The only formatting the cahier de textes keeps: paragraphs, line breaks, bold, italic and
lists. Everything else (links, images, styles, scripts, attributes) is removed by ``nh3``."""

from __future__ import annotations

from html import escape

import nh3

ALLOWED_TAGS = frozenset({"p", "br", "strong", "b", "em", "i", "ul", "ol", "li"})


def sanitise(text: str) -> str:
    """Clean HTML from a teacher; plain text (no tag at all) becomes paragraphs."""
    text = text.strip()
    if text and "<" not in text:
        paragraphs = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
        text = "".join(
            "<p>" + escape(part, quote=False).replace("\n", "<br>") + "</p>"
            for part in paragraphs
            if part
        )
    return nh3.clean(text, tags=set(ALLOWED_TAGS), attributes={}, link_rel=None).strip()
