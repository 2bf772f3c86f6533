"""The bar of the publication kernel: a feature that exists only in this test — a school's
notice board, registered at runtime — publishes to an audience with a file and a
notification, through the shared services alone. Nothing in apps/attachments,
apps/notifications, apps/publications or apps/audiences knows it: it registers its kind of
publication (who may see one, who may change its files) and its kind of notification, as a
real feature does in its ``AppConfig.ready()``, and the recipients get the notification and
the file while everyone else gets a 404."""

from __future__ import annotations

from collections.abc import Collection, Iterator

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.permissions import Actor
from apps.attachments.services import attachments_change
from apps.audiences import Audience
from apps.audiences.permissions import may_see
from apps.audiences.selectors import audience_guardians, audience_pupils
from apps.notifications.kinds import register_kind
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.publications import registry
from apps.publications.models import Publication
from apps.publications.services import publication_create
from tests.attachments import files
from tests.world import World

NOTICE = "tests.notice"
NOTICE_POSTED = "tests_notice_posted"


class NoticeBoard:
    """The throw-away feature: its "table" is this dict (publication id → audience)."""

    def __init__(self) -> None:
        self.audiences: dict[int, Audience] = {}
        self.authors: dict[int, int] = {}

    def visible(self, actor: Actor, publication_ids: Collection[int]) -> set[int]:
        return {
            pk
            for pk in publication_ids
            if pk in self.audiences
            and (self.authors[pk] == actor.id or may_see(actor, self.audiences[pk]))
        }

    def editable(self, actor: Actor, publication_id: int) -> bool:
        return actor.active and self.authors.get(publication_id) == actor.id

    def post(self, *, author: User, audience: Audience, title: str) -> Publication:
        """Publish a notice with its file, and tell its pupils and their guardians."""
        publication = publication_create(
            kind=NOTICE, author_id=author.pk, published_at=timezone.now()
        )
        self.audiences[publication.pk] = audience
        self.authors[publication.pk] = author.pk
        [attachment] = attachments_change(
            user=author, publication=publication, add=[files.upload("Avis.pdf", files.PDF)]
        )
        people = {pupil for pupil, _ in audience_pupils(audience)}
        people |= {guardian for guardian, _ in audience_guardians(audience)}
        notify(
            recipients=User.objects.filter(pk__in=people),
            kind=NOTICE_POSTED,
            title=title,
            url=f"/pieces-jointes/{attachment.pk}/",
            may_see=lambda actor: may_see(actor, audience),
            event=f"{NOTICE_POSTED}:{publication.pk}",
        )
        return publication


@pytest.fixture
def board() -> Iterator[NoticeBoard]:
    feature = NoticeBoard()
    registry.register(
        registry.PublicationKind(
            name=NOTICE,
            label="Avis de l'école",
            short="avis",
            visible=feature.visible,
            editable=feature.editable,
        )
    )
    register_kind(NOTICE_POSTED, "Nouvel avis de l'école")
    yield feature
    registry.unregister(NOTICE)


def test_a_feature_of_the_tests_publishes_to_a_class_with_a_file_and_a_notification(
    bordeaux: World, as_user, board, media
):
    a1 = bordeaux.classes["A1"]
    with schema_context(bordeaux.schema):
        publication = board.post(
            author=bordeaux["t1"],
            audience=Audience.of_class(school_id=a1.school_id, classroom_id=a1.pk),
            title="Kermesse samedi",
        )
        told = dict(
            Notification.objects.filter(kind=NOTICE_POSTED).values_list(
                "recipient__username", "url"
            )
        )
        [attachment] = publication.attachments.all()
        # Its key starts with the schema and the kind's short name, as every stored file's.
        assert attachment.file.name.startswith("bordeaux/avis/")
        assert Notification.objects.filter(kind=NOTICE_POSTED).first().kind_label == (
            "Nouvel avis de l'école"
        )

    # The class's pupils and the guardian of one of them, each told once.
    assert set(told) == {"bordeaux.p1", "bordeaux.p2", "bordeaux.par1"}
    url = f"/pieces-jointes/{attachment.pk}/"
    assert set(told.values()) == {url}
    for who in ("p1", "p2", "par1", "t1"):
        response = as_user(bordeaux, who).get(url)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == files.PDF
    # Another class's pupil and parent, another class's teacher, the commune's administrator.
    for who in ("p3", "par3", "t2", "adm"):
        assert as_user(bordeaux, who).get(url).status_code == 404, who


def test_its_files_change_by_its_own_rule_through_the_shared_api(
    bordeaux: World, as_user, board, media
):
    with schema_context(bordeaux.schema):
        publication = board.post(
            author=bordeaux["t1"],
            audience=Audience.of_person(bordeaux["par3"].pk),
            title="Rendez-vous",
        )
        [attachment] = publication.attachments.all()
    # The author may remove it (the kind's ``editable``); the person told may read it, not
    # remove it.
    assert as_user(bordeaux, "par3").get(f"/pieces-jointes/{attachment.pk}/").status_code == 200
    assert as_user(bordeaux, "par1").get(f"/pieces-jointes/{attachment.pk}/").status_code == 404
    assert as_user(bordeaux, "par3").delete(
        f"/api/v1/attachments/{attachment.pk}/"
    ).status_code == (404)
    assert as_user(bordeaux, "t1").delete(f"/api/v1/attachments/{attachment.pk}/").status_code == (
        204
    )
    with schema_context(bordeaux.schema):
        assert not publication.attachments.exists()
