"""Every URL pattern of a URLconf, with a concrete path to request it by.

The walk reads the resolvers at test time, so URLs that other apps add later are covered
without touching the tests. Converters are filled with the first sample value they accept;
regular-expression patterns (Django's admin has a few) get a sample for each named group.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

SAMPLES = (
    "1",
    "x",
    "abc",
    "a-b",
    "2026-01-01",
    "2026",
    "00000000-0000-4000-8000-000000000001",
    "a/b",
)

_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


class UnbuildablePattern(Exception):
    pass


@dataclass(frozen=True)
class Endpoint:
    name: str | None  # "namespace:name", None for unnamed patterns
    route: str  # the pattern as written, for messages
    path: str  # a concrete path, starting with "/"
    callback: Any


def _sample_for_converter(converter: Any) -> str:
    for sample in SAMPLES:
        if re.fullmatch(converter.regex, sample):
            try:
                converter.to_python(sample)
            except (ValueError, TypeError):
                continue
            return sample
    raise UnbuildablePattern(f"no sample value for converter {type(converter).__name__}")


def _fill_route(pattern: RoutePattern) -> str:
    route = str(pattern)
    converters = pattern.converters

    def replace(match: re.Match[str]) -> str:
        return _sample_for_converter(converters[match.group("parameter")])

    return _ROUTE_PARAMETER.sub(replace, route)


def _group_end(regex: str, start: int) -> int:
    """Index just past the parenthesis that closes the group opened at ``start``."""
    depth = 0
    index = start
    while index < len(regex):
        char = regex[index]
        if char == "\\":
            index += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    raise UnbuildablePattern(f"unbalanced group in {regex!r}")


def _sample_for_regex(body: str) -> str:
    for sample in SAMPLES:
        if re.fullmatch(body, sample):
            return sample
    alternatives = body.split("|")
    if all(re.fullmatch(r"[\w-]+", alternative) for alternative in alternatives):
        return alternatives[0]
    raise UnbuildablePattern(f"no sample value for group ({body})")


def _fill_regex(pattern: RegexPattern) -> str:
    regex = str(pattern)
    regex = regex.removeprefix("^")
    regex = re.sub(r"(\$|\\Z)$", "", regex)
    out: list[str] = []
    index = 0
    while index < len(regex):
        if regex.startswith("(?P<", index):
            end = _group_end(regex, index)
            body = regex[regex.index(">", index) + 1 : end - 1]
            out.append(_sample_for_regex(body))
            index = end
            continue
        char = regex[index]
        if char == "\\" and index + 1 < len(regex) and not regex[index + 1].isalnum():
            out.append(regex[index + 1])
            index += 2
            continue
        if char in "()[]{}*+?|^$\\":
            raise UnbuildablePattern(f"cannot build a path for regex {str(pattern)!r}")
        out.append(char)
        index += 1
    return "".join(out)


def _fill(pattern: Any) -> str:
    if isinstance(pattern, RoutePattern):
        return _fill_route(pattern)
    if isinstance(pattern, RegexPattern):
        return _fill_regex(pattern)
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix
    raise UnbuildablePattern(f"unknown pattern type {type(pattern).__name__}")


def _walk(
    patterns: Sequence[Any], prefix: str, routes: str, namespaces: tuple[str, ...]
) -> Iterator[Endpoint | tuple[str, UnbuildablePattern]]:
    for entry in patterns:
        route = routes + str(entry.pattern)
        try:
            path = prefix + _fill(entry.pattern)
        except UnbuildablePattern as error:
            yield (route, error)
            continue
        if isinstance(entry, URLResolver):
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _walk(entry.url_patterns, path, route, inner)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            yield Endpoint(name=name, route=route, path="/" + path, callback=entry.callback)


def endpoints(urlconf: str) -> tuple[list[Endpoint], list[tuple[str, UnbuildablePattern]]]:
    """Every leaf pattern of ``urlconf`` with a concrete path, and those that could not be
    built (the caller fails on those, so a new kind of pattern is noticed)."""
    built: list[Endpoint] = []
    failed: list[tuple[str, UnbuildablePattern]] = []
    for item in _walk(get_resolver(urlconf).url_patterns, "", "", ()):
        if isinstance(item, Endpoint):
            built.append(item)
        else:
            failed.append(item)
    return built, failed
