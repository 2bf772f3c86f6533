"""The news' rich-text field, registered with ``apps.richtext.registry``: a news item's text,
sanitised with the ``publication`` profile (headings and the news item's own images) and
printed in ``<div class="news-text">`` through ``|rich_text``
(``templates/news/detail.html``)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from apps.accounts.permissions import Actor
from apps.news.models import News
from apps.news.publications import NEWS
from apps.news.services import news_submit
from apps.publications.moderation import Scope
from apps.publications.services import publication_create
from apps.richtext.registry import RichTextField, register
from apps.richtext.sanitise import PUBLICATION, sanitise
from apps.schools.models import Classroom

REGION = "news-text"


def show(value: str, *, author: Actor, classroom: Classroom, on: datetime.date) -> str:
    """A news item of the class's school written by its teacher and sent to the direction
    (its author reads it while it waits). Stored as the service stores it, even a value the
    sanitiser leaves empty (which ``news_create`` refuses): the page is what is tested."""
    publication = publication_create(
        kind=NEWS, author_id=author.id, scope=Scope(school_id=classroom.school_id)
    )
    news = News.objects.create(
        publication=publication,
        school_id=classroom.school_id,
        author_name=author.display_name,
        title=f"Actualité du {on:%d/%m/%Y}",
        body=sanitise(value, PUBLICATION),
        expires_on=on + datetime.timedelta(days=30),
    )
    news_submit(actor=author, news=news)
    return reverse("news:detail", args=[news.pk])


def register_fields() -> None:
    register(
        RichTextField(name="news.item.body", profile=PUBLICATION, region_class=REGION, show=show)
    )
