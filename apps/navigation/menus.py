"""A request's menu: the entries of its person's role on its host, as links."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from apps.accounts.security.two_factor import is_verified
from apps.navigation.registry import Host, MenuEntry, entries_for
from tenants.hosts import on_groupement_host


@dataclass(frozen=True)
class MenuLink:
    key: str
    label: str
    url: str
    icon: str
    summary: str
    on_home: bool
    current: bool


def request_host(request: HttpRequest) -> Host:
    return Host.GROUPEMENT if on_groupement_host(request) else Host.COMMUNE


def menu_for(request: HttpRequest) -> list[MenuLink]:
    """The links of the person's role on this host; none before login or before the second
    factor a profile owes (those sessions may only reach the two-factor pages).

    Reads the profile from the user row the authentication middleware already loaded: the
    menu costs no query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    if getattr(user, "requires_two_factor", False) and not is_verified(user):
        return []
    profile = getattr(user, "profile", "")
    resolved: list[tuple[MenuEntry, str]] = []
    for entry in entries_for(profile, request_host(request)):
        try:
            resolved.append((entry, reverse(entry.url_name)))
        except NoReverseMatch:
            # An entry of the other host's URLconf (an app served on both hosts).
            continue
    current = _current_url(request.path, [url for _entry, url in resolved])
    return [
        MenuLink(
            key=entry.key,
            label=entry.label_for(profile),
            url=url,
            icon=entry.icon,
            summary=entry.summary,
            on_home=entry.on_home,
            current=url == current,
        )
        for entry, url in resolved
    ]


@dataclass(frozen=True)
class ScopedLink:
    label: str
    url: str


def scoped_links(
    request: HttpRequest, *, child_id: int | None = None, classroom_id: int | None = None
) -> list[ScopedLink]:
    """The role's services for one child (``per_child``) or one class (``per_class``)."""
    user = getattr(request, "user", None)
    profile = getattr(user, "profile", "")
    links = []
    for entry in entries_for(profile, request_host(request)):
        if child_id is not None and entry.per_child:
            url = reverse(entry.per_child, kwargs={"child_id": child_id})
            links.append(ScopedLink(entry.label_for(profile), url))
        elif classroom_id is not None and entry.per_class:
            url = reverse(entry.per_class, kwargs={"classroom_id": classroom_id})
            links.append(ScopedLink(entry.per_class_label or entry.label_for(profile), url))
    return links


def _current_url(path: str, urls: list[str]) -> str | None:
    """The entry a page belongs to: the longest entry URL that starts its path (the home page
    only for itself)."""
    matching = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    return max(matching, key=len, default=None)


def menu(request: HttpRequest) -> dict[str, object]:
    """Context processor: ``menu``, computed only if a template uses it."""
    return {"menu": SimpleLazyObject(lambda: menu_for(request))}
