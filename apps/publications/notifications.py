"""The author hears what a moderator decided about what they wrote: published, a correction
asked (the note is on the item's page, not in the notification), refused, taken down."""

from __future__ import annotations

from apps.accounts.models import User
from apps.notifications.kinds import register_kind
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.publications.models import Publication, State
from apps.publications.registry import kind_of

DECIDED = "publication_decided"

TITLES: dict[str, str] = {
    State.PUBLISHED: "Publié : {title}",
    State.DRAFT: "À corriger : {title}",
    State.REFUSED: "Refusé : {title}",
    State.UNPUBLISHED: "Retiré : {title}",
}


def register_kinds() -> None:
    register_kind(DECIDED, "Décision sur votre publication")


def tell_author(publication: Publication) -> list[Notification]:
    kind = kind_of(publication.kind)
    item = kind.describe([publication.pk]).get(publication.pk)
    template = TITLES.get(publication.state)
    if item is None or template is None or publication.author_id is None:
        return []
    author_id = publication.author_id
    return notify(
        recipients=User.objects.filter(pk=author_id),
        kind=DECIDED,
        title=template.format(title=item.title)[:200],
        url=item.url,
        may_see=lambda actor: actor.id == author_id,
        event=f"{DECIDED}:{publication.pk}:{publication.state}:{publication.decided_at:%s%f}",
        school_id=publication.school_id,
    )
