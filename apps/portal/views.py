"""The commune's home page (anonymous, or a dashboard for each role) and the account list."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from apps.accounts.models import Profile
from apps.accounts.permissions import can_administer_commune
from apps.portal.access import request_actor
from apps.portal.selectors import (
    COMMUNE_PROFILES,
    STATUS_CHOICES,
    account_listing,
    commune_figures,
)
from apps.schools.selectors import children_of, deployed_schools, own_classes, own_schools

ACCOUNTS_PER_PAGE = 50


@dataclass(frozen=True)
class Tile:
    """One tile of the pupil's home. ``url`` is None for a service that is not there yet."""

    key: str
    label: str
    url: str | None


# The pupil's services, and the URL name each will have once its app exists: until then the
# tile says "bientôt" and is not a link.
PUPIL_SERVICES = [
    ("cahier", "Cahier de textes", "homework:index"),
    ("messagerie", "Messagerie", "messaging:index"),
    ("blog", "Blog de la classe", "blog:index"),
    ("fichiers", "Mes fichiers", "workspace:index"),
]


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def pupil_tiles() -> list[Tile]:
    return [Tile(key, label, _url_or_none(name)) for key, label, name in PUPIL_SERVICES]


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "tenant/home.html", {"schools": deployed_schools()})
    actor = request_actor(request)
    if actor.is_commune_admin:
        return render(
            request,
            "portal/home_admin.html",
            {"figures": commune_figures(), "imports_url": _url_or_none("school_imports:index")},
        )
    if actor.is_pupil:
        classes = list(own_classes(actor))
        return render(
            request,
            "portal/home_pupil.html",
            {"tiles": pupil_tiles(), "classroom": classes[0] if classes else None},
        )
    if actor.is_parent:
        return render(request, "portal/home_parent.html", {"children": children_of(actor)})
    return render(
        request,
        "portal/home_staff.html",
        {
            "classes": list(own_classes(actor)) if actor.profile == Profile.TEACHER else [],
            "schools": own_schools(actor),
            "is_teacher": actor.profile == Profile.TEACHER,
        },
    )


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not can_administer_commune(actor=actor):
        raise Http404
    search = request.GET.get("q", "").strip()[:100]
    profile = request.GET.get("profil", "")
    profile = profile if profile in dict(COMMUNE_PROFILES) else ""
    status = request.GET.get("statut", "")
    status = status if status in dict(STATUS_CHOICES) else ""
    accounts = account_listing(actor, search=search, profile=profile, status=status)
    page = Paginator(accounts, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/accounts.html",
        {
            "page": page,
            "search": search,
            "profile": profile,
            "status": status,
            "profiles": COMMUNE_PROFILES,
            "statuses": STATUS_CHOICES,
            "query": query.urlencode(),
        },
    )
