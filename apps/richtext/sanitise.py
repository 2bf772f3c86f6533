"""The one sanitiser of rich text: what the editor (Trix, see static/js/rich-text.js) writes,
less what the ENT does not want, through ``nh3``'s allow-list. Every feature that stores rich
text calls ``sanitise`` on the way in, and its pages print the stored value through the
``|rich_text`` filter (``apps/richtext/filters.py``), which runs ``clean`` again.

Everything outside a profile (styles, scripts, event handlers, other attributes, other tags) is
removed; the text of a removed tag stays, except inside ``<script>`` and ``<style>``.

Two profiles:

* ``NOTEBOOK``, the cahier de textes: blocks (``<div>``, as Trix writes each paragraph, and
  ``<p>``, as older entries and typed HTML have them), line breaks, bold, italic, lists,
  quotes, links. No heading (an entry sits under the page's own headings), no image.
* ``PUBLICATION``, for what is published as a page (blogs, news, forums, the school's site):
  the same, plus ``<h2>``/``<h3>`` (the page's title is its ``<h1>``) and images whose source
  is one of the ENT's own attachment downloads.

Links and images, in both:

* a link goes to ``http``, ``https`` or ``mailto`` and gets ``rel="noopener noreferrer"``, so
  the page opened never learns where it came from (nh3 adds it: ``rel`` must not also be in
  the allowed attributes, nh3 refuses the pair);
* a relative address is refused (the attribute goes, the text stays) unless it is an
  attachment's download, ``/pieces-jointes/<id>/``: a scheme-less ``example.org`` typed in
  the editor would be a broken link inside the ENT, and ``//host`` a link whose scheme no one
  checked. The download view (``apps/attachments/views.py``) still asks whether the reader
  may see the file;
* an image's ``src`` is an attachment download and nothing else: no outside address (it
  would tell another site who reads the page), no ``data:`` URL.

nh3 decodes entities and drops tabs, newlines and control characters before it reads a scheme,
so ``jav&#x09;ascript:`` or ``&#106;avascript:`` are refused like ``javascript:``
(tests/richtext, against the corpus ``tests/richtext/xss_vectors.txt``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

import nh3

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"

# An attachment's download (apps/attachments/urls.py, mounted at /pieces-jointes/), as
# ``{% url 'attachments:download' pk %}`` writes it: the only relative address kept.
ATTACHMENT_URL = re.compile(r"/pieces-jointes/[1-9][0-9]{0,17}/\Z")


@dataclass(frozen=True)
class Profile:
    """What one kind of text may keep: its tags and, per tag, its attributes."""

    name: str
    tags: frozenset[str]
    attributes: Mapping[str, frozenset[str]]


_NOTEBOOK_TAGS = frozenset(
    {"p", "div", "br", "strong", "b", "em", "i", "ul", "ol", "li", "blockquote", "a"}
)

NOTEBOOK = Profile(
    name="notebook",
    tags=_NOTEBOOK_TAGS,
    attributes={"a": frozenset({"href"})},
)
PUBLICATION = Profile(
    name="publication",
    tags=_NOTEBOOK_TAGS | {"h2", "h3", "img"},
    attributes={"a": frozenset({"href"}), "img": frozenset({"src", "alt"})},
)
PROFILES = {profile.name: profile for profile in (NOTEBOOK, PUBLICATION)}

# What is left of a text with no word and no picture in it: tags (an image without its source
# among them), spaces, non-breaking spaces.
_NOTHING = re.compile(r"(?:<(?!img\s[^>]*\bsrc=)[^>]*>|\s|&nbsp;|\u00a0)*")


def is_attachment_url(url: str) -> bool:
    return ATTACHMENT_URL.match(url) is not None


def _relative(url: str) -> str | None:
    # nh3 calls this for every address without a scheme; None removes the attribute.
    return url if is_attachment_url(url) else None


def _attribute(tag: str, attribute: str, value: str) -> str | None:
    # An image's source passes the scheme check when it is https: only our downloads stay.
    if tag == "img" and attribute == "src":
        return value if is_attachment_url(value) else None
    return value


def clean(html: str, profile: Profile = NOTEBOOK) -> str:
    """HTML reduced to ``profile``'s allow-list (what a page prints: ``|rich_text``)."""
    return nh3.clean(
        html,
        tags=set(profile.tags),
        # "*" empty: nh3 otherwise keeps ``title`` and ``lang`` on every tag.
        attributes={"*": set(), **{tag: set(names) for tag, names in profile.attributes.items()}},
        url_schemes=set(LINK_SCHEMES),
        url_relative=_relative,
        attribute_filter=_attribute,
        link_rel=LINK_REL,
    ).strip()


def sanitise(text: str, profile: Profile = NOTEBOOK) -> str:
    """What a feature stores from an editor or a typed form: ``clean`` HTML; plain text (no
    tag at all) becomes paragraphs. A text with no word left (an emptied editor's
    ``<div><br></div>``, say) is ``""``, so that a form can say nothing was written."""
    text = text.strip()
    if text and "<" not in text:
        paragraphs = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
        text = "".join(
            "<p>" + escape(part, quote=False).replace("\n", "<br>") + "</p>"
            for part in paragraphs
            if part
        )
    cleaned = clean(text, profile)
    return "" if _NOTHING.fullmatch(cleaned) else cleaned
