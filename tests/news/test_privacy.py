"""The news' writers' names on an erasure and a rename (``apps.publications.authors``): only
staff write news and banners, so an erased writer's stay, under « Ancien compte »."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.accounts.signals import names_changed
from apps.news.models import Banner, Colour, News
from apps.news.services import banner_set
from apps.privacy.services import person_erase
from tests.news.helpers import write
from tests.world import World


def _banner(world: World) -> Banner:
    return banner_set(
        actor=actor_for(world["dA"]),
        school=world.schools["A"],
        message="École fermée demain",
        colour=Colour.RED,
        audience="all",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )


def test_an_erased_directors_news_and_banner_stay_without_their_name(bordeaux: World):
    with schema_context(bordeaux.schema):
        news = write(bordeaux, "dA")
        banner = _banner(bordeaux)

        person_erase(actor=bordeaux["adm"], user=bordeaux["dA"], reason="demande", request=None)

        news.refresh_from_db()
        banner.refresh_from_db()
        assert news.author_name == "Ancien compte" and banner.author_name == "Ancien compte"


def test_a_renamed_writer_is_named_anew(bordeaux: World):
    with schema_context(bordeaux.schema):
        news = write(bordeaux, "dA")
        banner = _banner(bordeaux)
        User.objects.filter(pk=bordeaux["dA"].pk).update(first_name="Léa")

        names_changed.send(sender=User, user_ids=[bordeaux["dA"].pk])

        assert News.objects.get(pk=news.pk).author_name.startswith("Léa ")
        assert Banner.objects.get(pk=banner.pk).author_name.startswith("Léa ")
