"""Hostile URLs never make the server fail.

Every pattern of both URLconfs (read at test time, so the URLs other apps add later are
covered too) is requested with hostile values in its path parameters — huge and negative
numbers, dates at the ends of Python's calendar, a NUL byte, invalid UTF-8, very long text —
and with hostile query strings, as an anonymous visitor and as people of each kind. Refusals
(400, 403, 404, 405, redirects) are all fine; a 500 is not.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from tests.conftest import host_for
from tests.security.url_walk import SAMPLES, _fill
from tests.world import World, log_in

URLCONFS = {"tenants": "config.urls_tenants", "public": "config.urls_public"}

# As written in the URL (percent-encoded where a browser would encode).
HOSTILE_PATH_VALUES = (
    "99999999999999999999",
    "0",
    "-1",
    "0001-01-01",
    "9999-12-31",
    "9999-12",
    "2026-02-30",
    "%00",
    "%C3%28",
    "x" * 3000,
)
HOSTILE_QUERY_VALUES = (
    "9999-12-31",
    "0001-01-01",
    "9999-12",
    "99999999999999999999",
    "-1",
    "%00",
    "%C3%28",
    "x" * 3000,
)
QUERY_NAMES = ("semaine", "mois", "q", "week", "page", "jour", "date", "classroom", "child")
ID_QUERY_NAMES = ("classroom", "child")
DATE_QUERY_VALUES = ("9999-12-31", "0001-01-01", "9999-12", "%00")
# GET on the logout page would end the session the rest of the walk needs.
SKIPPED_NAMES = {"accounts:logout"}

_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


def _leaves(urlconf: str) -> Iterator[tuple[str | None, list[Any]]]:
    """(name, chain of patterns from the root to the leaf) for every leaf pattern."""

    def walk(
        patterns: Sequence[Any], chain: list[Any], namespaces: tuple[str, ...]
    ) -> Iterator[tuple[str | None, list[Any]]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespaces + ((entry.namespace,) if entry.namespace else ())
                yield from walk(entry.url_patterns, [*chain, entry.pattern], inner)
            elif isinstance(entry, URLPattern):
                name = ":".join((*namespaces, entry.name)) if entry.name else None
                yield name, [*chain, entry.pattern]

    yield from walk(get_resolver(urlconf).url_patterns, [], ())


def _accepts(converter: Any, value: str) -> bool:
    """Whether the resolver would hand ``value`` (as the server decodes it) to the view."""
    decoded = unquote(value, errors="replace")
    return re.fullmatch(converter.regex, decoded) is not None


def _sample(converter: Any, parameter: str, ids: dict[str, int | str]) -> str:
    if parameter in ids and _accepts(converter, str(ids[parameter])):
        return str(ids[parameter])
    for sample in SAMPLES:
        if _accepts(converter, sample):
            try:
                converter.to_python(sample)
            except (ValueError, TypeError):
                continue
            return sample
    raise AssertionError(f"no sample for {type(converter).__name__}")


def _path(chain: list[Any], value: str | None, ids: dict[str, int | str]) -> tuple[str, bool]:
    """The leaf's path with ``value`` in every parameter that takes it, a real object's id
    (or the usual sample) in the others, and whether some parameter took ``value``."""
    used = False
    parts = []
    for pattern in chain:
        if not isinstance(pattern, RoutePattern):
            parts.append(_fill(pattern))
            continue

        def replace(match: re.Match[str], pattern: RoutePattern = pattern) -> str:
            nonlocal used
            parameter = match.group("parameter")
            converter = pattern.converters[parameter]
            if value is not None and _accepts(converter, value):
                used = True
                return value
            return _sample(converter, parameter, ids)

        parts.append(_PARAMETER.sub(replace, str(pattern)))
    return "/" + "".join(parts), used


def _query(names: Sequence[str], value: str) -> str:
    return "&".join(f"{name}={value}" for name in names)


def hostile_requests(
    urlconf: str, ids: dict[str, int | str] | None = None, *, admin: bool = True
) -> list[str]:
    """Every URL to try for ``urlconf``: hostile path parameters, hostile query strings.
    ``ids``: parameter name → the id of an object the person may reach (a class, a child,
    an entry…), so that the views get past their lookups to the parsing of the rest.
    ``admin=False`` leaves Django's admin out: nobody in the test world is staff, so the admin
    answers them as it answers an anonymous visitor, whose walk covers it."""
    ids = ids or {}
    urls: list[str] = []
    for name, chain in _leaves(urlconf):
        if name in SKIPPED_NAMES or (not admin and (name or "").startswith("admin:")):
            continue
        for value in HOSTILE_PATH_VALUES:
            path, used = _path(chain, value, ids)
            if used:
                urls.append(path)
        plain, _ = _path(chain, None, ids)
        for value in HOSTILE_QUERY_VALUES:
            urls.append(f"{plain}?{_query(QUERY_NAMES, value)}")
        # The API filters by class or child first: with a real one, its dates are reached.
        for name in ID_QUERY_NAMES if plain.startswith("/api/") else ():
            if name in ids:
                others = [key for key in QUERY_NAMES if key not in ID_QUERY_NAMES]
                for value in DATE_QUERY_VALUES:
                    urls.append(f"{plain}?{name}={ids[name]}&{_query(others, value)}")
    return urls


def _server_errors(client: Client, urls: list[str]) -> list[str]:
    failures = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"GET {url[:200]} → {response.status_code}")
    return failures


@pytest.fixture
def hostile_client(tenant_client: Callable[..., Client]) -> Callable[..., Client]:
    return lambda slug=None: tenant_client(slug, raise_request_exception=False)


def _logged_in(world: World, name: str) -> Client:
    return log_in(
        lambda slug: Client(HTTP_HOST=host_for(slug), raise_request_exception=False),
        world.schema,
        world[name],
    )


def test_every_pattern_gets_hostile_requests():
    for urlconf in URLCONFS.values():
        urls = hostile_requests(urlconf)
        assert any("9999-12-31" in url and "?" not in url for url in urls), urlconf
        assert any("%00" in url and "?" not in url for url in urls), urlconf


def test_hostile_urls_as_an_anonymous_visitor(hostile_client, bordeaux):
    failures = _server_errors(hostile_client("bordeaux"), hostile_requests(URLCONFS["tenants"]))
    failures += _server_errors(hostile_client(), hostile_requests(URLCONFS["public"]))
    assert not failures, "\n".join(failures)


def _reachable_ids(world: World) -> dict[str, int | str]:
    """Objects of class A1 that its teacher, director, pupil p1 and parent par1 reach."""
    from tests.homework.conftest import MONDAY, entry
    from tests.liaison.conftest import class_note

    series = entry(world, repeat="weekly", repeat_until=MONDAY + datetime.timedelta(weeks=8))
    note = class_note(world)
    return {
        "classroom_id": world.classes["A1"].pk,
        "classroom": world.classes["A1"].pk,
        "child": world["p1"].pk,
        "child_id": world["p1"].pk,
        "pupil_id": world["p1"].pk,
        "entry_id": series.pk,
        "note_id": note.pk,
        "school_id": world.schools["A"].pk,
        "user_id": world["p1"].pk,
        "person_id": world["p1"].pk,
    }


@pytest.mark.parametrize("person", ["t1", "par1", "adm"])
def test_hostile_urls_as_commune_people(bordeaux, person):
    ids = _reachable_ids(bordeaux)
    client = _logged_in(bordeaux, person)

    failures = _server_errors(client, hostile_requests(URLCONFS["tenants"], ids, admin=False))

    assert not failures, "\n".join(failures)
    # The walk did not end the session: the checks above ran logged in.
    assert client.get("/mon-compte/").status_code == 200


def test_hostile_urls_as_the_coordinator(verified_login, coordinator):
    client = verified_login(coordinator)
    client.raise_request_exception = False

    failures = _server_errors(
        client, hostile_requests(URLCONFS["public"], {"slug": "bordeaux"}, admin=False)
    )

    assert not failures, "\n".join(failures)
    assert client.get("/coordination/").status_code == 200
