"""Who hears of the news: a news item, at its publication date, tells the people of its
audience (held by the school's quiet hours — the commune's for the commune's news); a news
item taken off the public site for a withdrawn photo consent tells its publisher."""

from __future__ import annotations

from django.db.models import Q

from apps.accounts.models import Profile, User
from apps.news import rules
from apps.news.models import Audience, News
from apps.notifications.kinds import register_kind
from apps.notifications.services import notify
from apps.schools.models import Enrolment, SchoolMembership

NEWS_PUBLISHED = "news_published"
NO_LONGER_PUBLIC = "news_not_public"


def register_kinds() -> None:
    register_kind(NEWS_PUBLISHED, "Nouvelle actualité")
    register_kind(NO_LONGER_PUBLIC, "Actualité retirée du site public")


def _audience(news: News) -> Q:
    """The people a news item is for, strictly its audience (the staff who read a family's
    news are not told of it): this year's pupils of its school (of every school for the
    commune's), their parents, the school's staff."""
    enrolled = Enrolment.objects.this_year()
    staff = SchoolMembership.objects.all()
    if news.school_id is not None:
        enrolled = enrolled.filter(classroom__school_id=news.school_id)
        staff = staff.filter(school_id=news.school_id)
    pupils = enrolled.values("pupil_id")
    wanted = Q(pk__in=[])
    if news.audience in (Audience.ALL, Audience.PUPILS):
        wanted |= Q(profile=Profile.PUPIL, pk__in=pupils)
    if news.audience in (Audience.ALL, Audience.FAMILIES):
        wanted |= Q(profile=Profile.PARENT, guardianships__child_id__in=pupils)
    if news.audience in (Audience.ALL, Audience.STAFF):
        wanted |= Q(pk__in=staff.values("user_id"))
    return wanted


def news_published(news: News) -> None:
    people = User.objects.filter(_audience(news)).distinct()
    author_id = news.publication.author_id
    if author_id is not None:
        people = people.exclude(pk=author_id)
    school_id, audience = news.school_id, news.audience
    notify(
        recipients=people,
        kind=NEWS_PUBLISHED,
        title=f"Actualité : {news.title}",
        url=news_url(news),
        may_see=lambda actor: rules.may_read(actor, school_id, audience),
        # Published again after being taken down: nobody is told twice.
        event=f"{NEWS_PUBLISHED}:{news.publication_id}",
        school_id=school_id,
    )


def tell_no_longer_public(news: News) -> None:
    author_id = news.publication.author_id
    if author_id is None:
        return
    notify(
        recipients=User.objects.filter(pk=author_id),
        kind=NO_LONGER_PUBLIC,
        title=f"Plus sur le site public (autorisation photo retirée) : {news.title}",
        url=news_url(news),
        school_id=news.school_id,
    )


def news_url(news: News) -> str:
    from apps.news.publications import news_url as url

    return url(news)
