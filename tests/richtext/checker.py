"""Whether printed rich text can run script or carry markup its profile does not allow.

``region_problems`` reads one page the way a browser's tokenizer would (Python's
``html.parser``: html5lib is not installed) and looks inside every element of the field's
region class only, so the page's own scripts and links do not count; ``outside_shape`` is the
page's markup outside those regions, which must not change with the value printed (a value
that closes its wrapper and adds markup after it is caught there).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from apps.richtext.sanitise import LINK_REL, Profile, is_attachment_url

# Never from a rich-text value, whatever a profile says.
FORBIDDEN_ELEMENTS = frozenset(
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta",
        "link", "form", "input", "button", "textarea", "select", "svg", "math", "style",
        "template", "noscript", "isindex", "video", "audio", "source", "portal",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "action", "formaction", "xlink:href", "srcset", "background", "poster",
        "data", "dynsrc", "lowsrc", "ping", "srcdoc", "cite", "codebase", "longdesc",
    }
)  # fmt: skip
SAFE_SCHEME = re.compile(r"(?:https?|mailto):", re.IGNORECASE)
# Spaces and control characters, which browsers drop or skip before reading a scheme.
_IGNORED = re.compile(r"[\x00-\x20\x7f-\x9f]+")
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
     "param", "source", "track", "wbr", "isindex", "image", "frame"}
)  # fmt: skip


def url_problem(name: str, value: str) -> str | None:
    """``html.parser`` has decoded the entities already; what is left is read as a browser
    reads a scheme. ``srcset`` is a list of addresses, each checked."""
    candidates = (
        [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]
    )
    for candidate in candidates:
        bare = _IGNORED.sub("", candidate)
        if not (SAFE_SCHEME.match(bare) or is_attachment_url(bare)):
            return f"{name}={value!r}"
    return None


class _Reader(HTMLParser):
    def __init__(self, region_class: str, profile: Profile) -> None:
        super().__init__(convert_charrefs=True)
        self.region_class = region_class
        self.profile = profile
        self.stack: list[str] = []
        self.region_depth: int | None = None
        self.problems: list[str] = []
        self.outside: list[str] = []
        self.regions = 0

    @property
    def inside(self) -> bool:
        return self.region_depth is not None

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}>")
        elif tag not in self.profile.tags:
            self.problems.append(f"<{tag}> outside the profile")
        allowed = self.profile.attributes.get(tag, frozenset())
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            elif name == "style":
                self.problems.append(f"<{tag} style>")
            elif tag == "img" and name == "src" and not is_attachment_url(value):
                self.problems.append(f"<img src={value!r}> not an attachment")
            elif name in URL_ATTRIBUTES and (problem := url_problem(name, value)):
                self.problems.append(f"<{tag} {problem}>")
            elif name == "rel" and tag == "a":
                if value != LINK_REL:
                    self.problems.append(f"<a rel={value!r}>")
            elif name not in allowed:
                self.problems.append(f"<{tag} {name}> outside the profile")
        if tag == "a" and "href" in dict(attrs) and dict(attrs).get("rel") != LINK_REL:
            self.problems.append("<a href> without rel")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.inside:
            self._check(tag, attrs)
        else:
            classes = (dict(attrs).get("class") or "").split()
            if self.region_class in classes:
                self.region_depth = len(self.stack)
                self.regions += 1
            else:
                self.outside.append(f"<{tag} {' '.join(sorted(name for name, _ in attrs))}>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()
            self._left()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack:
                if self.stack.pop() == tag:
                    break
        elif not self.inside:
            self.outside.append(f"</{tag}>")
        self._left()

    def _left(self) -> None:
        if self.region_depth is not None and len(self.stack) <= self.region_depth:
            self.region_depth = None

    def handle_comment(self, data: str) -> None:
        if self.inside:
            self.problems.append("<!-- comment -->")

    def handle_decl(self, decl: str) -> None:
        if self.inside:
            self.problems.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        if self.inside:
            self.problems.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        if self.inside:
            self.problems.append(f"<![{data}]>")


def read(html: str, *, region_class: str, profile: Profile) -> _Reader:
    reader = _Reader(region_class, profile)
    reader.feed(html)
    reader.close()
    return reader


def region_problems(html: str, *, region_class: str, profile: Profile) -> list[str]:
    return read(html, region_class=region_class, profile=profile).problems


def fragment_problems(html: str, profile: Profile) -> list[str]:
    """The checks of a region on a bare fragment (what a sanitiser answered); markup that
    closes the region and goes on after it is a problem too."""
    reader = read(f'<div class="region">{html}</div>', region_class="region", profile=profile)
    return reader.problems + [f"after the region: {shape}" for shape in reader.outside]


def outside_shape(html: str, *, region_class: str, profile: Profile) -> list[str]:
    return read(html, region_class=region_class, profile=profile).outside
