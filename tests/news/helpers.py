"""News of the Bordeaux world written through the news' services, as their pages do."""

from __future__ import annotations

import datetime

from django.utils import timezone

from apps.accounts.selectors import actor_for
from apps.news.models import Audience, News
from apps.news.services import news_create, news_submit
from tests.world import World


def in_a_month() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=30)


def write(
    world: World,
    author: str,
    *,
    school: str | None = "A",
    title: str = "Sortie au musée",
    audience: str = Audience.ALL,
    publish_at: datetime.datetime | None = None,
    expires_on: datetime.date | None = None,
    pinned: bool = False,
    public: bool = False,
    submit: bool = True,
) -> News:
    """A news item of ``author`` for ``school`` (None: the commune's), sent through the
    circuit (published at once by a moderator, submitted otherwise) unless ``submit`` is
    False."""
    actor = actor_for(world[author])
    news = news_create(
        actor=actor,
        school=world.schools[school] if school else None,
        title=title,
        body="<p>Rendez-vous à 9 h devant l'école.</p>",
        audience=audience,
        publish_at=publish_at,
        expires_on=expires_on or in_a_month(),
        pinned=pinned,
        public=public,
    )
    if submit:
        news_submit(actor=actor, news=news)
        news.publication.refresh_from_db()
    return news
