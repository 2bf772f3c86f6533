"""Hostile URLs never make the server fail.

Every pattern of both URLconfs (read at test time, so the URLs other apps add later are
covered too) is requested with hostile values in its path parameters — huge and negative
numbers, dates at the ends of Python's calendar, a NUL byte, invalid UTF-8, very long text —
and with hostile query strings, as an anonymous visitor and as people of each kind. Refusals
(400, 403, 404, 405, redirects) are all fine; a 500 is not.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
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


@dataclass(frozen=True)
class PatternRequests:
    """What to try on one leaf pattern: its plain URL (real ids, no query string), the URLs
    with a hostile value in a path parameter, and those with a hostile query string."""

    plain: str
    paths: list[str]
    queries: list[str]

    @property
    def unread_query(self) -> str:
        """One URL carrying every value of ``UNREAD_QUERY_VALUES``, name after name."""
        values = UNREAD_QUERY_VALUES * len(QUERY_NAMES)
        return f"{self.plain}?" + "&".join(map("=".join, zip(QUERY_NAMES, values, strict=False)))


def pattern_requests(
    urlconf: str, ids: dict[str, int | str] | None = None, *, admin: bool = True
) -> list[PatternRequests]:
    """Every pattern of ``urlconf`` with the URLs to try on it. ``ids``: parameter name → the
    id of an object the person may reach (a class, a child, an entry…), so that the views get
    past their lookups to the parsing of the rest. ``admin=False`` leaves Django's admin out:
    nobody in the test world is staff, so the admin answers them as it answers an anonymous
    visitor, whose walk covers it."""
    ids = ids or {}
    found: list[PatternRequests] = []
    for name, chain in _leaves(urlconf):
        if name in SKIPPED_NAMES or (not admin and (name or "").startswith("admin:")):
            continue
        paths = []
        for value in HOSTILE_PATH_VALUES:
            path, used = _path(chain, value, ids)
            if used:
                paths.append(path)
        plain, _ = _path(chain, None, ids)
        queries = [f"{plain}?{_query(QUERY_NAMES, value)}" for value in HOSTILE_QUERY_VALUES]
        # The API filters by class or child first: with a real one, its dates are reached.
        for name in ID_QUERY_NAMES if plain.startswith("/api/") else ():
            if name in ids:
                others = [key for key in QUERY_NAMES if key not in ID_QUERY_NAMES]
                for value in DATE_QUERY_VALUES:
                    queries.append(f"{plain}?{name}={ids[name]}&{_query(others, value)}")
        found.append(PatternRequests(plain=plain, paths=paths, queries=queries))
    return found


def hostile_requests(
    urlconf: str, ids: dict[str, int | str] | None = None, *, admin: bool = True
) -> list[str]:
    """Every hostile URL of every pattern, as ``pattern_requests`` finds them."""
    return [
        url
        for pattern in pattern_requests(urlconf, ids, admin=admin)
        for url in (*pattern.paths, *pattern.queries)
    ]


class _RecordingQueryDict(QueryDict):
    """A request's ``GET`` that notes the names it is asked for; a walk over all of it (a copy,
    ``items()``, ``urlencode()``…) notes every name. Its copies note nothing: making one
    already noted every name."""

    def _note(self, key: object) -> None:
        read = self.__dict__.get("read")
        if read is not None:
            read.add(str(key))

    def _note_all(self) -> None:
        self._note("*")

    def __getitem__(self, key: str) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return super().__contains__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def getlist(self, key: str, default: Any = None) -> Any:
        self._note(key)
        return super().getlist(key, default)

    def __iter__(self) -> Iterator[str]:
        self._note_all()
        return super().__iter__()

    def items(self) -> Any:
        self._note_all()
        return super().items()

    def lists(self) -> Any:
        self._note_all()
        return super().lists()

    def keys(self) -> Any:
        self._note_all()
        return super().keys()

    def values(self) -> Any:
        self._note_all()
        return super().values()

    def dict(self) -> dict[str, Any]:
        self._note_all()
        return super().dict()

    def copy(self) -> Any:
        self._note_all()
        return super().copy()

    def urlencode(self, safe: str | None = None) -> str:
        self._note_all()
        return super().urlencode(safe)

    def __len__(self) -> int:
        self._note_all()
        return super().__len__()


@contextlib.contextmanager
def query_reads() -> Iterator[set[str]]:
    """The names of the query string that the requests answered meanwhile asked for ("*" for
    a walk over all of them). Everything in the project reads the query string through
    ``request.GET`` (DRF's ``query_params`` is that dict too); the dict is built once per
    request, as Django does."""
    read: set[str] = set()
    original = WSGIRequest.__dict__["GET"]

    def recording(request: WSGIRequest) -> QueryDict:
        if "_hostile_get" not in request.__dict__:
            built = original.func(request)
            query = _RecordingQueryDict(mutable=True)
            for key, values in built.lists():
                query.setlist(key, values)
            query._mutable = False
            query.__dict__["read"] = read
            request.__dict__["_hostile_get"] = query
        return request.__dict__["_hostile_get"]

    WSGIRequest.GET = property(recording)  # type: ignore[method-assign,assignment]
    try:
        yield read
    finally:
        WSGIRequest.GET = original  # type: ignore[method-assign]


# Tried once on a pattern whose view asks for none of ``QUERY_NAMES``, in case something reads
# the raw string some other way: the longest value and a NUL byte.
UNREAD_QUERY_VALUES = ("%00", "x" * 3000)


def _reads_hostile_names(read: set[str]) -> bool:
    return "*" in read or not read.isdisjoint(QUERY_NAMES)


def _server_errors(client: Client, patterns: list[PatternRequests]) -> list[str]:
    """Requests every pattern's plain URL and hostile paths; its hostile query strings all
    when the plain request asked for one of their names, else its ``unread_query`` (a view
    that never asks for a name parses none of its values)."""
    failures = []

    def get(url: str) -> None:
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"GET {url[:200]} → {response.status_code}")

    with query_reads() as read:
        for pattern in patterns:
            read.clear()
            get(pattern.plain)
            every_value = _reads_hostile_names(read)
            for url in pattern.paths:
                get(url)
            for url in pattern.queries if every_value else [pattern.unread_query]:
                get(url)
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
    failures = _server_errors(hostile_client("bordeaux"), pattern_requests(URLCONFS["tenants"]))
    failures += _server_errors(hostile_client(), pattern_requests(URLCONFS["public"]))
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

    failures = _server_errors(client, pattern_requests(URLCONFS["tenants"], ids, admin=False))

    assert not failures, "\n".join(failures)
    # The walk did not end the session: the checks above ran logged in.
    assert client.get("/mon-compte/").status_code == 200


def test_hostile_urls_as_the_coordinator(verified_login, coordinator):
    client = verified_login(coordinator)
    client.raise_request_exception = False

    failures = _server_errors(
        client, pattern_requests(URLCONFS["public"], {"slug": "bordeaux"}, admin=False)
    )

    assert not failures, "\n".join(failures)
    assert client.get("/coordination/").status_code == 200


def test_the_recorder_tells_a_view_that_reads_its_query_string_from_one_that_does_not(bordeaux):
    client = _logged_in(bordeaux, "t1")
    with query_reads() as read:
        assert client.get("/notifications/?page=2").status_code == 200
        assert _reads_hostile_names(read), f"the feed pages through ?page= ({read})"
        read.clear()
        assert client.get("/mon-compte/?page=2").status_code == 200
        assert not _reads_hostile_names(read), f"the account page reads no query ({read})"
        read.clear()
        assert client.get("/api/v1/me/?page=2").status_code == 200
        assert read and not _reads_hostile_names(read), "the API asks for its format only"
        read.clear()
        client.get("/mon-compte/").wsgi_request.GET.copy()
        assert _reads_hostile_names(read), "a copy of the whole query string reads every name"
    # Put back as Django has it: a later request builds its dict as usual.
    response = client.get("/notifications/?page=1")
    assert type(response.wsgi_request.GET) is QueryDict
    assert response.wsgi_request.GET["page"] == "1"
