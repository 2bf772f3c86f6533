"""The school site's rich-text field, registered with ``apps.richtext.registry``: a page's
text, printed by ``templates/site/public_page.html`` in a ``<div class="site-body">`` through
``|rich_text:"publication"``.

``show`` writes through this app's services as the school's director would (the site's
editors are the direction and the commune administrator, not the teacher the registry names)
and answers the page's public address. The tests run each value in a transaction they roll
back, so the cache's version is moved at once rather than after a commit that never comes:
each value is read fresh, never a cached page of the one before."""

from __future__ import annotations

import datetime

from django.urls import reverse

from apps.accounts.permissions import Actor
from apps.accounts.selectors import actor_for
from apps.richtext.registry import RichTextField, register
from apps.richtext.sanitise import PUBLICATION
from apps.schools.models import Classroom, SchoolMembership, SchoolRole
from apps.site import caching
from apps.site.services import page_create, page_update, site_open, site_publish

REGION = "site-body"


def show(value: str, *, author: Actor, classroom: Classroom, on: datetime.date) -> str:
    school = classroom.school
    director = (
        SchoolMembership.objects.filter(school=school, role=SchoolRole.DIRECTOR)
        .select_related("user")
        .first()
    )
    if director is None:
        raise LookupError(f"{school} has no director to edit its site")
    editor = actor_for(director.user)
    site = site_open(actor=editor, school=school)
    site_publish(actor=editor, site=site, published=True)
    page = page_create(actor=editor, site=site, title="Essai de texte")
    page_update(
        actor=editor, page=page, title=page.title, slug=page.slug, body=value, published=True
    )
    caching.bump(school.uai.lower())
    return reverse("school_site_public:page", args=[school.uai, page.slug])


def register_fields() -> None:
    register(
        RichTextField(
            name="school_site.page.body", profile=PUBLICATION, region_class=REGION, show=show
        )
    )
