"""Follow every link a person can reach from their home page, as that person.

Used by the crawl test (Django's test client) and by the browser test (the pages found here,
opened in Chromium). The walk is breadth-first, GET only, on the person's own host; it never
follows the logout form (a POST anyway) and reads no download's body. Calendars and pagers link
to endless neighbours, so each URL pattern (its route, whatever its arguments) is opened a few
times at most: every kind of page is seen, and the walk ends.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

# Pages of the same kind opened at most this many times per person.
PER_PATTERN = 3
# Never followed: Django's admin is for operators and answers in its own words; the API's
# documentation pages are Swagger UI and ReDoc, not pages of the ENT.
SKIPPED_PREFIXES = ("/static/", "/admin/", "/api/", "/deconnexion/")

BROWSER_LANGUAGE = "en-US,en;q=0.9"

TEMPLATE_SYNTAX = ("{#", "#}", "{%", "{{")

# English words that would betray an untranslated page, a default widget or a Python value.
# Words that are also French ("message", "page", "date", "total", "contact", "national"…) are
# not listed.
ENGLISH_WORDS = frozenset(
    """
    submit save cancel delete edit update search login logout log sign password username
    settings dashboard home loading error errors required field next previous back close
    open download upload file files choose browse select none true false yes no null
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    week month year day hours ago invalid enter please this is not a valid
    page not found forbidden server welcome hello account profile read unread
    """.split()
)
# "a", "is", "no", "open", "page" and others are too short or too French to stand alone:
# only whole phrases of them count, and single words only when unambiguous.
AMBIGUOUS = frozenset({"a", "is", "no", "not", "page", "open", "close", "day", "valid", "file"})
ENGLISH_PHRASES = (
    "this field is required",
    "enter a valid",
    "page not found",
    "no results",
    "not found",
    "log in",
    "sign in",
    "forgot your password",
    "file chosen",
    "no file",
    "choose file",
    "please",
)


@dataclass(frozen=True)
class Visit:
    url: str
    status: int
    route: str
    depth: int
    content_type: str
    # The page that linked here (None for the home page).
    referrer: str | None


@dataclass
class CrawlResult:
    visits: dict[str, Visit] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def depth_of_route(self, route: str) -> int | None:
        depths = [visit.depth for visit in self.visits.values() if visit.route == route]
        return min(depths, default=None)

    def html_pages(self) -> list[Visit]:
        return [
            visit
            for visit in self.visits.values()
            if visit.status == 200 and visit.content_type.startswith("text/html")
        ]


class _Links(HTMLParser):
    """The hrefs of <a> elements, and the page's visible text (scripts and styles left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template", "code"):
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "code") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def english_words(text: str) -> list[str]:
    lowered = " ".join(text.lower().split())
    found = [phrase for phrase in ENGLISH_PHRASES if re.search(rf"\b{phrase}\b", lowered)]
    words = re.findall(r"[a-zàâäçéèêëîïôöùûüÿœæ']+", lowered)
    found += sorted({w for w in words if w in ENGLISH_WORDS and w not in AMBIGUOUS})
    return found


def _route(path: str, urlconf: str) -> str:
    try:
        match = resolve(path, urlconf=urlconf)
    except Resolver404:
        return "<unresolved>"
    return match.route or match.view_name


def crawl(
    client: Client, *, host: str, urlconf: str, start: str = "/", within: str = ""
) -> CrawlResult:
    """Walk from ``start`` as the client's person. ``host`` is the host the client speaks to;
    absolute links to another host are not followed (they belong to that host's walk).
    ``within``: follow only the links whose path starts with it (a service's pages, reached
    from ``start`` as the whole walk would reach them)."""
    result = CrawlResult()
    per_route: dict[str, int] = {}
    queue: deque[tuple[str, int, str | None]] = deque([(start, 0, None)])
    seen = {start}
    while queue:
        url, depth, referrer = queue.popleft()
        path = urlsplit(url).path
        route = _route(path, urlconf)
        if per_route.get(route, 0) >= PER_PATTERN:
            continue
        per_route[route] = per_route.get(route, 0) + 1
        # As a browser set to English would ask: the ENT answers in French all the same.
        response = client.get(url, follow=True, headers={"accept-language": BROWSER_LANGUAGE})
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        content_type = response.get("Content-Type", "")
        result.visits[url] = Visit(
            url=url,
            status=response.status_code,
            route=_route(urlsplit(final).path, urlconf),
            depth=depth,
            content_type=content_type,
            referrer=referrer,
        )
        where = f"{url} (lien de {referrer})" if referrer else url
        if response.status_code != 200:
            result.problems.append(f"{where}: {response.status_code}")
            continue
        for target, _status in response.redirect_chain:
            if urlsplit(target).netloc not in ("", host):
                result.problems.append(f"{where}: redirects off the host to {target}")
        if not content_type.startswith("text/html"):
            continue  # a download: its status is enough
        body = response.content.decode()
        for mark in TEMPLATE_SYNTAX:
            if mark in body:
                at = body.index(mark)
                result.problems.append(f"{where}: template syntax {body[at - 40 : at + 40]!r}")
                break
        parser = _Links()
        parser.feed(body)
        english = english_words(" ".join(parser.text))
        if english:
            result.problems.append(f"{where}: English words {english}")
        for href in parser.hrefs:
            absolute = urljoin(f"http://{host}{final}", href)
            parts = urlsplit(absolute)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen or parts.path.startswith(SKIPPED_PREFIXES):
                continue
            if within and not parts.path.startswith(within):
                continue
            seen.add(target)
            queue.append((target, depth + 1, url))
    return result
