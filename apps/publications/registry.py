"""What each feature publishes, registered by the feature in its ``AppConfig.ready()``.

The shared services ask the registry, never the feature: who may see a publication (the
downloads of its files, the recipients of a notification), who may change its files, why its
files no longer change, where it is shown. A feature registers one ``PublicationKind`` per
kind of thing it publishes; the kernel and the shared services import no feature.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from apps.accounts.permissions import Actor


def _never_locked(publication_id: int) -> str | None:
    return None


def _no_feature_id(feature_id: int) -> int | None:
    return None


def _nothing_to_check(publication_id: int) -> str | None:
    return None


def _nothing_to_do(publication_id: int, state: str) -> None:
    return None


def _not_public(publication_id: int) -> None:
    return None


@dataclass(frozen=True)
class QueueItem:
    """A publication as the moderators' queue and the author's notification show it."""

    title: str
    url: str
    where: str = ""
    excerpt: str = ""


def _undescribed(publication_ids: Collection[int]) -> dict[int, QueueItem]:
    return {}


@dataclass(frozen=True)
class PublicationKind:
    """``name`` is stored in ``Publication.kind`` ("homework.entry"); ``short`` starts the key
    of its stored files (``<schema>/<short>/…``) and its pending forms' keys; ``label`` is
    what a person reads.

    * ``visible(actor, ids)``: of these publication ids (all of this kind), those ``actor``
      may see, in constant queries;
    * ``editable(actor, id)``: whether ``actor`` may change the publication's files;
    * ``locked(id)``: the French sentence saying why its files no longer change, or None;
    * ``api_field`` and ``from_feature_id``: the field of ``/api/v1/attachments/`` that names
      one by the feature's own id, and the publication id of that feature id (None if none).

    For a kind that goes through the moderation circuit (``apps.publications.moderation``):

    * ``describe(ids)``: the ``QueueItem`` of each of these publications, in constant queries
      (the queue shows every kind's items on one page);
    * ``check_publish(id)``: the French sentence saying why it may not be published now (a
      photo of a pupil without consent on a public page, say), or None;
    * ``decided(id, state)``: called in the decision's transaction once the state moved (the
      feature notifies its readers, invalidates a cached page…);
    * ``consent_withdrawn(id)``: a pupil tagged in one of its photos no longer consents
      (``apps.attachments.consent``): a kind that shows publications publicly takes this one
      down from its public pages and tells its publisher. The default does nothing, which is
      right only for a kind that never shows anything publicly.
    """

    name: str
    label: str
    short: str
    visible: Callable[[Actor, Collection[int]], set[int]]
    editable: Callable[[Actor, int], bool]
    locked: Callable[[int], str | None] = _never_locked
    api_field: str = ""
    from_feature_id: Callable[[int], int | None] = _no_feature_id
    describe: Callable[[Collection[int]], dict[int, QueueItem]] = _undescribed
    check_publish: Callable[[int], str | None] = _nothing_to_check
    decided: Callable[[int, str], None] = _nothing_to_do
    consent_withdrawn: Callable[[int], None] = _not_public

    @property
    def moderated(self) -> bool:
        """Whether the kind goes through the moderation circuit: it describes its items for
        the queue. A kind that does not (an entry of the cahier de textes, a liaison note) is
        never decided by a moderator, whatever its scope."""
        return self.describe is not _undescribed


_kinds: dict[str, PublicationKind] = {}


def register(kind: PublicationKind) -> PublicationKind:
    """Called once per kind from the feature's ``ready()``; registering the same name again
    replaces it (Django may run ``ready()`` again in tests)."""
    _kinds[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """For a kind registered at runtime (a test's throw-away feature)."""
    _kinds.pop(name, None)


def kind_of(name: str) -> PublicationKind:
    """The registered kind; ``LookupError`` for a name no feature registered."""
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"no publication kind {name!r} is registered") from None


def kinds() -> list[PublicationKind]:
    return list(_kinds.values())


def by_short(short: str) -> PublicationKind | None:
    return next((kind for kind in _kinds.values() if kind.short == short), None)


def may_see(actor: Actor, kind: str, publication_id: int) -> bool:
    return publication_id in kind_of(kind).visible(actor, [publication_id])
