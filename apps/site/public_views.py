"""The public site of a school, ``/ecole/<UAI>/…``, on the commune's host, without login.

A published site's pages are drawn once and cached (``apps.site.caching``) until the site
changes; they are drawn for nobody in particular (an anonymous context), so the same bytes
suit every visitor. An unpublished site, or an unpublished page, is a 404 — except to those
who edit it, who see it uncached, under an « Aperçu » banner.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from xml.sax.saxutils import escape

from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET

from apps.accounts.models import User
from apps.accounts.permissions import can_edit_school_site
from apps.accounts.selectors import actor_for
from apps.attachments.selectors import rendition_for
from apps.attachments.views import serve_stored
from apps.numbers import whole_number
from apps.schools.models import School
from apps.site import caching, public, selectors
from apps.site.models import Site
from apps.site.naming import of_school
from tenants.hosts import request_commune

_SLUG = re.compile(r"[-a-z0-9]{1,80}")
ITEMS_ON_HOME = 5
ITEMS_IN_FEED = 20
ITEMS_PER_PAGE = 20
# The list of publications goes back this many pages (a thousand items); older ones stay in
# the feed's readers and in the schools' own archives.
MOST_PAGES = 50
SITEMAP_ITEMS = 200
# An item's page asks its photos' renditions about this wide (a list: public.LIST_PHOTO_WIDTH).
ENTRY_PHOTO_WIDTH = 1024
# Wider than any photo (``apps.attachments.images.MAX_SIDE``): the original itself.
ORIGINAL = 1_000_000


@dataclass
class Visit:
    request: HttpRequest
    school: School
    site: Site
    cacheable: bool = True

    def may_preview(self) -> bool:
        user = self.request.user
        if not isinstance(user, User):
            return False
        allowed = can_edit_school_site(actor=actor_for(user), school_id=self.school.pk)
        if allowed:
            self.cacheable = False
        return allowed

    @cached_property
    def tree(self) -> list[selectors.Node]:
        return selectors.page_tree(self.site)

    def base(self) -> str:
        return f"/ecole/{self.school.uai.lower()}/"


def _served(
    request: HttpRequest, uai: str, name: str, draw: Callable[[Visit], HttpResponse]
) -> HttpResponse:
    """A published site's page from the cache when it was drawn under the site's current
    token (no database query), else drawn — for the cache when anyone may see it."""
    cached_as, token = caching.address(uai), ""
    if cached_as is not None:
        hit = caching.lookup(cached_as, name)
        if hit is not None:
            return HttpResponse(hit[0], content_type=hit[1])
        # Read before anything is drawn: a change committed meanwhile leaves this page stale.
        token = caching.version(cached_as)
    school = selectors.school_by_uai(uai)
    site = selectors.site_of(school) if school else None
    if school is None or site is None:
        raise Http404
    visit = Visit(request=request, school=school, site=site)
    if not site.published and not visit.may_preview():
        raise Http404
    response = draw(visit)
    if cached_as is not None and site.published and visit.cacheable:
        if response.status_code == 200:
            caching.put(cached_as, name, token, response.content, response["Content-Type"])
    return response


def _html(visit: Visit, template: str, context: dict[str, object]) -> HttpResponse:
    tree = visit.tree
    nav = [node for node in tree if node.visible]
    commune = request_commune(visit.request)
    content = render_to_string(
        template,
        {
            # Nobody's page: the same bytes for every visitor (and no menu, no badge).
            "user": AnonymousUser(),
            "menu": None,
            "school": visit.school,
            "site": visit.site,
            "nav": nav,
            "home_path": nav[0].path if nav else "",
            "base": visit.base(),
            "preview": not visit.cacheable,
            "commune": commune,
            "version": caching.version(visit.school.uai.lower()),
            **context,
        },
        visit.request,
    )
    return HttpResponse(content)


def _find(tree: list[selectors.Node], parts: list[str]) -> selectors.Node | None:
    nodes, found = tree, None
    for part in parts:
        found = next((node for node in nodes if node.page.slug == part), None)
        if found is None:
            return None
        nodes = found.children
    return found


@require_GET
def home(request: HttpRequest, uai: str) -> HttpResponse:
    def draw(visit: Visit) -> HttpResponse:
        tree = visit.tree
        first = next((node for node in tree if node.visible), None)
        return _html(
            visit,
            "site/public_home.html",
            {
                "page": first.page if first else None,
                "node": first,
                "items": public.latest_items(visit.school.pk, visit.base(), ITEMS_ON_HOME),
                "more_items": public.items_count(visit.school.pk) > ITEMS_ON_HOME,
            },
        )

    return _served(request, uai, "home", draw)


@require_GET
def page(request: HttpRequest, uai: str, path: str) -> HttpResponse:
    parts = path.split("/")
    if not all(_SLUG.fullmatch(part) for part in parts):
        raise Http404

    def draw(visit: Visit) -> HttpResponse:
        node = _find(visit.tree, parts)
        if node is None or (not node.visible and not visit.may_preview()):
            raise Http404
        return _html(visit, "site/public_page.html", {"page": node.page, "node": node})

    return _served(request, uai, "page:" + "/".join(parts), draw)


@require_GET
def entries(request: HttpRequest, uai: str) -> HttpResponse:
    """Every public item of the school, newest first, twenty a page (``?page=2``)."""
    number = whole_number(request.GET.get("page", "1"))
    if number is None or not 1 <= number <= MOST_PAGES:
        raise Http404

    def draw(visit: Visit) -> HttpResponse:
        total = public.items_count(visit.school.pk)
        pages = min(MOST_PAGES, max(1, -(-total // ITEMS_PER_PAGE)))
        if number > pages:
            raise Http404
        items = public.latest_items(
            visit.school.pk, visit.base(), ITEMS_PER_PAGE, (number - 1) * ITEMS_PER_PAGE
        )
        return _html(
            visit,
            "site/public_entries.html",
            {"items": items, "number": number, "pages": pages, "total": total},
        )

    return _served(request, uai, f"entries:{number}", draw)


def _entry_of(
    visit: Visit, key: str, item_id: int
) -> tuple[public.PublicSource, public.PublicEntry]:
    source = public.source(key)
    found = source.entry(visit.school.pk, item_id) if source is not None else None
    if source is None or found is None:
        raise Http404
    return source, found


@require_GET
def entry(request: HttpRequest, uai: str, key: str, item_id: int) -> HttpResponse:
    def draw(visit: Visit) -> HttpResponse:
        source, found = _entry_of(visit, key, item_id)
        photos = [
            (
                public.photo_path(
                    visit.base(), key, item_id, photo.attachment_id, ENTRY_PHOTO_WIDTH
                ),
                photo.alt,
            )
            for photo in found.photos
        ]
        return _html(
            visit,
            "site/public_entry.html",
            {"entry": found, "label": source.label, "photos": photos},
        )

    return _served(request, uai, f"entry:{key}:{item_id}", draw)


@require_GET
def entry_photo(
    request: HttpRequest, uai: str, key: str, item_id: int, attachment_id: int
) -> HttpResponseBase:
    """A photo of a public item, served only while the item is public and shows it: when the
    item leaves the site (a consent withdrawn), its photos go with it at once, so nothing keeps
    a copy — neither our cache nor the browser's (``no-cache``)."""
    school = selectors.school_by_uai(uai)
    site = selectors.site_of(school) if school else None
    if school is None or site is None:
        raise Http404
    visit = Visit(request=request, school=school, site=site)
    if not site.published and not visit.may_preview():
        raise Http404
    _, found = _entry_of(visit, key, item_id)
    asked = request.GET.get("largeur")
    width = ORIGINAL if asked is None else whole_number(asked)
    if not width or not found.shows(attachment_id):
        raise Http404
    stored = rendition_for(attachment_id, width)
    if stored is None:
        raise Http404
    response = serve_stored(request, *stored)
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def legal(request: HttpRequest, uai: str) -> HttpResponse:
    def draw(visit: Visit) -> HttpResponse:
        commune = request_commune(visit.request)
        groupement = getattr(commune, "groupement", None) if commune else None
        return _html(
            visit,
            "site/public_legal.html",
            {"directors": selectors.director_names(visit.school), "groupement": groupement},
        )

    return _served(request, uai, "legal", draw)


@require_GET
def accessibility(request: HttpRequest, uai: str) -> HttpResponse:
    return _served(
        request,
        uai,
        "accessibility",
        lambda visit: _html(visit, "site/public_accessibility.html", {}),
    )


@require_GET
def feed(request: HttpRequest, uai: str) -> HttpResponse:
    def draw(visit: Visit) -> HttpResponse:
        home_url = request.build_absolute_uri(visit.base())
        atom = Atom1Feed(
            title=f"Actualités {of_school(visit.school.name)}",
            link=home_url,
            description=f"Les publications publiques {of_school(visit.school.name)}.",
            language="fr",
            feed_url=request.build_absolute_uri(f"{visit.base()}actualites.atom"),
            feed_guid=home_url,
        )
        for item in public.latest_items(visit.school.pk, visit.base(), ITEMS_IN_FEED):
            url = request.build_absolute_uri(item.url)
            atom.add_item(
                title=item.title,
                link=url,
                description=item.summary,
                pubdate=item.date,
                updateddate=item.date,
                unique_id=url,
                enclosures=None,
            )
        response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
        atom.write(response, "utf-8")
        return response

    return _served(request, uai, "feed", draw)


@require_GET
def sitemap(request: HttpRequest, uai: str) -> HttpResponse:
    def draw(visit: Visit) -> HttpResponse:
        tree = visit.tree
        visible = [node for node in selectors.flatten(tree) if node.visible]
        first = next((node for node in tree if node.visible), None)
        rows: list[tuple[str, datetime.datetime | None]] = [(visit.base(), visit.site.updated_at)]
        rows += [
            (f"{visit.base()}{node.path}/", node.page.updated_at)
            for node in visible
            if node is not first
        ]
        rows += [
            (f"{visit.base()}mentions-legales/", None),
            (f"{visit.base()}accessibilite/", None),
        ]
        items = public.latest_items(visit.school.pk, visit.base(), SITEMAP_ITEMS)
        if items:
            rows.append((f"{visit.base()}publications/", items[0].date))
            rows += [(item.url, item.date) for item in items]
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        for path, modified in rows:
            lastmod = f"<lastmod>{modified.date().isoformat()}</lastmod>" if modified else ""
            lines.append(
                f"<url><loc>{escape(request.build_absolute_uri(path))}</loc>{lastmod}</url>"
            )
        lines.append("</urlset>")
        return HttpResponse("\n".join(lines) + "\n", content_type="application/xml; charset=utf-8")

    return _served(request, uai, "sitemap", draw)


@require_GET
def colours(request: HttpRequest, uai: str) -> HttpResponse:
    """The site's two colours as CSS custom properties: a stylesheet of the ENT's own origin,
    which the Content-Security-Policy (style-src 'self') allows, unlike a style attribute."""

    def draw(visit: Visit) -> HttpResponse:
        css = (
            f":root {{ --site-fond: {visit.site.background_colour}; "
            f"--site-texte: {visit.site.text_colour}; }}\n"
        )
        return HttpResponse(css, content_type="text/css; charset=utf-8")

    return _served(request, uai, "css", draw)


@require_GET
def logo(request: HttpRequest, uai: str) -> HttpResponseBase:
    school = selectors.school_by_uai(uai)
    site = selectors.site_of(school) if school else None
    if school is None or site is None or not site.logo:
        raise Http404
    if not site.published and not Visit(request=request, school=school, site=site).may_preview():
        raise Http404
    try:
        opened = default_storage.open(str(site.logo.name), "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(opened, content_type=site.logo_type or "application/octet-stream")
    response["Cache-Control"] = "public, max-age=3600"
    return response
