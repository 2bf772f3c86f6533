"""Writes of the news and the banners. Each service checks its rule (``apps.news.rules``) on
the caller's ``Actor`` and raises ``NewsError``; the views answer 404 for a forbidden act
(``NewsNotAllowed``), so that it looks like a missing one. A news item's state moves only
through the moderation circuit (``apps.publications.services``): ``circuit_submit``
publishes a moderator's writing at once and submits anyone else's.

A news item carries its publication date from its draft on (``Publication.published_at``,
which the circuit keeps when it publishes): a date to come is a news item scheduled, read by
nobody and told to nobody before it (``news_announce_due``, every five minutes). What shows
on a school's public site changing (published, taken down, made private, a date reached)
makes the site's cached pages stale (``apps.site.services.site_changed``).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from apps.accounts.permissions import Actor
from apps.audit.services import record_event
from apps.french.formatting import datetime_fr
from apps.news import banners, rules
from apps.news.models import Audience, Banner, Colour, News
from apps.news.publications import NEWS, may_edit, scope_of
from apps.publications.models import Publication, State
from apps.publications.moderation import may_moderate
from apps.publications.services import (
    ModerationError,
    circuit_submit,
    circuit_withdraw,
    publication_create,
    publication_edited,
)
from apps.richtext.sanitise import PUBLICATION, sanitise
from apps.schools.models import School
from apps.site.services import site_changed

__all__ = ["ModerationError", "NewsError", "NewsNotAllowed"]

TITLE_NEEDED = "Donnez un titre à l'actualité."
BODY_NEEDED = "Écrivez le texte de l'actualité."
EXPIRY_BEFORE = "La date de fin d'affichage doit suivre la date de publication."
NOT_PUBLIC_ALLOWED = (
    "Seule une actualité d'école, publiée par sa direction ou par la commune, peut aller "
    "sur le site public de l'école."
)
MESSAGE_NEEDED = "Écrivez le message du bandeau."
BANNER_EXPIRY = "La fin d'affichage du bandeau doit être à venir, dans les 30 jours."
BANNER_LONGEST = datetime.timedelta(days=30)
# Expired news (and banners) are kept this long, then deleted with their files.
KEPT_YEARS = 3


class NewsError(Exception):
    """What was written is not coherent: the French sentence to show; nothing changed."""


class NewsNotAllowed(NewsError):
    """The act is not the actor's (the view answers 404); nothing changed."""


def _fields(
    actor: Actor,
    *,
    school_id: int | None,
    scope_moderator: bool,
    title: str,
    body: str,
    audience: str,
    pinned: bool,
    expires_on: datetime.date,
    publish_at: datetime.datetime | None,
    public: bool,
    untagged_confirmed: bool,
) -> dict[str, object]:
    title, body = title.strip()[:160], sanitise(body, PUBLICATION)
    if not title:
        raise NewsError(TITLE_NEEDED)
    if not body:
        raise NewsError(BODY_NEEDED)
    if audience not in Audience.values:
        raise NewsError("Choisissez à qui s'adresse l'actualité.")
    starts = timezone.localdate(publish_at) if publish_at else timezone.localdate()
    if expires_on < starts:
        raise NewsError(EXPIRY_BEFORE)
    if public and not (scope_moderator and school_id is not None):
        raise NewsError(NOT_PUBLIC_ALLOWED)
    return {
        "title": title,
        "body": body,
        "audience": audience,
        "pinned": pinned,
        "expires_on": expires_on,
        "public": public,
        "untagged_confirmed": public and untagged_confirmed,
    }


@transaction.atomic
def news_create(
    *,
    actor: Actor,
    school: School | None,
    title: str,
    body: str,
    expires_on: datetime.date,
    audience: str = Audience.ALL,
    pinned: bool = False,
    publish_at: datetime.datetime | None = None,
    public: bool = False,
    untagged_confirmed: bool = False,
) -> News:
    """A draft news item of ``school`` (None: the commune's); ``news_submit`` sends it
    through the circuit. ``publish_at``: its publication date (None: when it is
    published)."""
    school_id = school.pk if school is not None else None
    if not rules.may_write(actor, school_id):
        raise NewsNotAllowed("may not write this news")
    scope = rules.scope_for(actor, school_id)
    fields = _fields(
        actor,
        school_id=school_id,
        scope_moderator=may_moderate(actor, scope),
        title=title,
        body=body,
        audience=audience,
        pinned=pinned,
        expires_on=expires_on,
        publish_at=publish_at,
        public=public,
        untagged_confirmed=untagged_confirmed,
    )
    publication = publication_create(kind=NEWS, author_id=actor.id, scope=scope)
    if publish_at is not None:
        _date(publication, publish_at)
    return News.objects.create(
        publication=publication, school=school, author_name=actor.display_name, **fields
    )


def _date(publication: Publication, publish_at: datetime.datetime | None) -> None:
    # The circuit keeps the date a publication already has when it publishes it
    # (``published_at or now``): a scheduled news item carries its date from its draft.
    publication.published_at = publish_at
    Publication.objects.filter(pk=publication.pk).update(published_at=publish_at)


@transaction.atomic
def news_update(
    *,
    actor: Actor,
    news: News,
    title: str,
    body: str,
    expires_on: datetime.date,
    audience: str = Audience.ALL,
    pinned: bool = False,
    publish_at: datetime.datetime | None = None,
    public: bool = False,
    untagged_confirmed: bool = False,
) -> News:
    """The author changes their draft (or a refused one); a moderator any news item. A news
    item that stays public and published is checked again for photo consent by
    ``news_recheck_public`` once its files are saved."""
    publication = Publication.objects.select_for_update().get(pk=news.publication_id)
    news.publication = publication
    if not may_edit(actor, news):
        raise NewsNotAllowed("may not change this news")
    moderator = may_moderate(actor, scope_of(publication))
    was_public = news.public and publication.state == State.PUBLISHED
    fields = _fields(
        actor,
        school_id=news.school_id,
        scope_moderator=moderator,
        title=title,
        body=body,
        audience=audience,
        pinned=pinned,
        expires_on=expires_on,
        publish_at=publish_at,
        public=public and moderator,
        untagged_confirmed=untagged_confirmed,
    )
    if not moderator:
        # Whether it is public is not the author's to change (the direction set it).
        fields["public"], fields["untagged_confirmed"] = news.public, news.untagged_confirmed
    for name, value in fields.items():
        setattr(news, name, value)
    news.save()
    if publication.state == State.PUBLISHED:
        # Published: a date left empty keeps the one it was published at.
        if publish_at is not None and publish_at != publication.published_at:
            _date(publication, publish_at)
    else:
        _date(publication, publish_at)
    publication_edited(publication)
    if news.school_id is not None and (was_public or news.public):
        site_changed(news.school_id)
    return news


def news_recheck_public(news: News) -> str | None:
    """A published public news item whose files or text changed: made private if a photo now
    shows a pupil without consent; the French reason, or None."""
    from apps.news.publications import check_publish

    if not news.public or news.publication.state != State.PUBLISHED:
        return None
    refusal = check_publish(news.publication_id)
    if refusal:
        News.objects.filter(pk=news.pk).update(public=False)
        news.public = False
        if news.school_id is not None:
            site_changed(news.school_id)
    return refusal


def news_submit(*, actor: Actor, news: News) -> Publication:
    """Through the circuit: a moderator's news item is published at once (its photos checked
    when it is public), anyone else's waits for the direction; ``ModerationError`` says why
    not."""
    if not rules.may_write(actor, news.school_id):
        raise NewsNotAllowed("may not write this news")
    return circuit_submit(actor=actor, publication=news.publication)


def news_withdraw(*, actor: Actor, news: News) -> Publication:
    return circuit_withdraw(actor=actor, publication=news.publication)


@transaction.atomic
def news_delete(*, actor: Actor, news: News) -> None:
    """The author's own draft, or a moderator's choice; its files go with it."""
    publication = Publication.objects.select_for_update().get(pk=news.publication_id)
    news.publication = publication
    if not may_edit(actor, news):
        raise NewsNotAllowed("may not delete this news")
    if news.public and news.school_id is not None:
        site_changed(news.school_id)
    publication.delete()  # cascades to the news item and its files


def news_decided(publication_id: int, state: str) -> None:
    """The circuit moved a news item (in its transaction): published, its audience is told
    if its date has come (else ``news_announce_due`` tells it then); its school's public
    site drawn again if it shows there."""
    news = News.objects.select_related("publication").get(publication_id=publication_id)
    if state == State.PUBLISHED:
        published_at = news.publication.published_at
        if published_at is not None and published_at <= timezone.now():
            _announce(news, timezone.now())
    if news.public and news.school_id is not None:
        site_changed(news.school_id)


def _announce(news: News, now: datetime.datetime) -> bool:
    from apps.news.notifications import news_published

    told = News.objects.filter(pk=news.pk, announced_at__isnull=True).update(announced_at=now)
    if told:
        news.announced_at = now
        news_published(news)
    return bool(told)


ANNOUNCE_BATCH = 200


def news_announce_due(now: datetime.datetime) -> list[int]:
    """The news whose publication date has come by ``now`` and whose audience was not told
    yet: told once (each row locked, those another run holds skipped), under quiet hours;
    their school's public site drawn again. The ids told."""
    told: list[int] = []
    while True:
        with transaction.atomic():
            due = list(
                News.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("publication")
                .filter(
                    announced_at__isnull=True,
                    publication__state=State.PUBLISHED,
                    publication__published_at__lte=now,
                )
                .order_by("pk")[:ANNOUNCE_BATCH]
            )
            if not due:
                return told
            for news in due:
                if news.expires_on >= timezone.localdate(now):
                    _announce(news, now)
                    told.append(news.pk)
                else:
                    # Expired before its date came: nobody is told of it any more.
                    News.objects.filter(pk=news.pk).update(announced_at=now)
                if news.public and news.school_id is not None:
                    site_changed(news.school_id)


def news_expired_sweep(today: datetime.date) -> set[int]:
    """The schools whose public site showed a news item that expired yesterday: drawn again
    (the cached pages keep a day at most; the night's run makes it leave at midnight)."""
    schools = set(
        News.objects.filter(
            public=True,
            publication__state=State.PUBLISHED,
            expires_on=today - datetime.timedelta(days=1),
        )
        .exclude(school__isnull=True)
        .values_list("school_id", flat=True)
    )
    for school_id in schools:
        site_changed(school_id)
    return schools


def news_made_private(publication_id: int) -> None:
    """A pupil tagged in one of its photos withdrew their consent: the news item leaves the
    public site and its publisher is told."""
    from apps.news.notifications import tell_no_longer_public

    with transaction.atomic():
        news = (
            News.objects.select_for_update(of=("self",))
            .select_related("publication")
            .filter(publication_id=publication_id)
            .first()
        )
        if news is None or not news.public:
            return
        news.public = False
        news.save(update_fields=["public", "updated_at"])
        if news.school_id is not None:
            site_changed(news.school_id)
        tell_no_longer_public(news)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def news_purge(now: datetime.datetime) -> int:
    """News expired more than three years ago go with their files (their publications: the
    attachments' rows and stored objects follow), and banners expired as long ago."""
    limit = _years_before(timezone.localdate(now), KEPT_YEARS)
    old = News.objects.filter(expires_on__lt=limit).values("publication_id")
    deleted, _by_model = Publication.objects.filter(pk__in=old).delete()
    moment = now - (timezone.localdate(now) - limit)
    gone, _ = Banner.objects.filter(expires_at__lt=moment).delete()
    return deleted + gone


# --- banners -----------------------------------------------------------------------------


@transaction.atomic
def banner_set(
    *,
    actor: Actor,
    school: School | None,
    message: str,
    colour: str,
    audience: str,
    expires_at: datetime.datetime,
) -> Banner:
    """A banner on every page of its audience, from now until ``expires_at`` (30 days at
    most: an alert, not a notice board)."""
    school_id = school.pk if school is not None else None
    if not rules.may_set_banner(actor, school_id):
        raise NewsNotAllowed("may not set this banner")
    message = " ".join(message.split())[:300]
    if not message:
        raise NewsError(MESSAGE_NEEDED)
    if colour not in Colour.values:
        raise NewsError("Choisissez une couleur de la liste.")
    if audience not in Audience.values:
        raise NewsError("Choisissez à qui s'adresse le bandeau.")
    now = timezone.now()
    if not now < expires_at <= now + BANNER_LONGEST:
        raise NewsError(BANNER_EXPIRY)
    banner = Banner.objects.create(
        school=school,
        message=message,
        colour=colour,
        audience=audience,
        expires_at=expires_at,
        author_id=actor.id,
        author_name=actor.display_name,
    )
    record_event(
        action="news.banner_set",
        actor=actor,
        target=f"bandeau {banner.pk}",
        details={
            "school": school_id,
            "audience": audience,
            "until": datetime_fr(timezone.localtime(expires_at)),
        },
    )
    banners.changed()
    return banner


@transaction.atomic
def banner_end(*, actor: Actor, banner: Banner) -> Banner:
    """Ended before its expiry: gone from every page at once."""
    locked = Banner.objects.select_for_update().get(pk=banner.pk)
    if not rules.may_set_banner(actor, locked.school_id):
        raise NewsNotAllowed("may not end this banner")
    now = timezone.now()
    if locked.ended_at is not None or locked.expires_at <= now:
        raise NewsError("Ce bandeau n'est déjà plus affiché.")
    locked.ended_at = now
    locked.save(update_fields=["ended_at"])
    record_event(action="news.banner_ended", actor=actor, target=f"bandeau {locked.pk}")
    banners.changed()
    return locked
