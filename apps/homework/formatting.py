"""The only formatting the cahier de textes keeps: what its rich-text editor (Trix, see
static/js/rich-text.js) writes, less what the ENT does not want. Everything else (images,
styles, scripts, event handlers, other attributes, other tags) is removed by ``nh3``; the text
of a removed tag stays, except inside ``<script>`` and ``<style>``.

Kept: blocks (``<div>``, as Trix writes each paragraph, and ``<p>``, as older entries and
typed HTML have them), line breaks, bold, italic, lists, quotes, and links to http(s) or mail
addresses, which get ``rel="noopener noreferrer"`` so that the page opened never learns where
it came from. Trix's headings are not offered (an entry sits under the page's own headings),
nor its strike-through and code blocks: their tags go, their text stays.
"""

from __future__ import annotations

import re
from html import escape

import nh3

ALLOWED_TAGS = frozenset(
    {"p", "div", "br", "strong", "b", "em", "i", "ul", "ol", "li", "blockquote", "a"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

# What is left of a text with no word in it: tags, spaces, non-breaking spaces.
_NOTHING = re.compile(r"(?:<[^>]*>|\s|&nbsp;|\u00a0)*")


def sanitise(text: str) -> str:
    """Clean HTML from a teacher; plain text (no tag at all) becomes paragraphs. A text with
    no word left (an emptied editor's ``<div><br></div>``, say) is ``""``."""
    text = text.strip()
    if text and "<" not in text:
        paragraphs = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
        text = "".join(
            "<p>" + escape(part, quote=False).replace("\n", "<br>") + "</p>"
            for part in paragraphs
            if part
        )
    cleaned = nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(LINK_SCHEMES),
        link_rel="noopener noreferrer",
    ).strip()
    return "" if _NOTHING.fullmatch(cleaned) else cleaned
