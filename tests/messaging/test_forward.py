"""A forwarded message carries its files: each a copy of its own in the store (S3 on loopback,
as in production), so that removing either message never takes the other's file away; a
store that cannot copy leaves no draft and no object."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context
from storages.backends.s3 import S3Storage

from apps.accounts.selectors import actor_for
from apps.attachments.models import Attachment
from apps.attachments.services import attachments_change
from apps.messaging import services
from apps.messaging.models import Box, Copy, Message, State
from tests.attachments import files
from tests.attachments.conftest import s3, s3_endpoint  # noqa: F401 - fixtures used below
from tests.messaging.conftest import to_person, write
from tests.world import World


def sent_with_a_file(world: World) -> Message:
    """The teacher's message to a parent, with a PDF joined to its draft."""
    draft = write(world, "t1", [to_person(world, "par1")])
    with schema_context(world.schema):
        attachments_change(
            user=world["t1"],
            publication=draft.publication,
            add=[files.upload("Sortie.pdf", files.PDF)],
        )
        services.message_send(actor=actor_for(world["t1"]), draft=draft)
        return Message.objects.get(pk=draft.pk)


def test_a_forward_carries_a_copy_of_each_file(
    bordeaux,
    s3,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    original = sent_with_a_file(bordeaux)

    with schema_context(bordeaux.schema):
        draft = services.forward_draft(actor=actor_for(bordeaux["par1"]), message=original)
        [source] = Attachment.objects.filter(publication=original.publication)
        [copy] = Attachment.objects.filter(publication=draft.publication)

        assert draft.state == State.DRAFT and draft.forwarded_from_id == original.pk
        assert (copy.original_name, copy.size, copy.sha256) == (
            source.original_name,
            source.size,
            source.sha256,
        )
        assert copy.uploaded_by_id == bordeaux["par1"].pk
        assert copy.file.name != source.file.name
        assert copy.file.name.startswith("bordeaux/message/")
        assert s3.read(copy.file.name) == files.PDF

        # The original removed for everyone (a referent's decision): the forward keeps its file.
        with django_capture_on_commit_callbacks(execute=True):
            services.message_remove(actor=actor_for(bordeaux["dA"]), message=original)

    assert s3.read(copy.file.name) == files.PDF
    assert source.file.name not in s3.keys()


def test_a_store_that_cannot_copy_leaves_no_draft_and_no_object(bordeaux, s3, monkeypatch):  # noqa: F811
    original = sent_with_a_file(bordeaux)
    before = s3.keys()

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("the store is unreachable")

    monkeypatch.setattr(S3Storage, "open", broken)
    with schema_context(bordeaux.schema):
        with pytest.raises(services.MessagingError, match="Réessayez"):
            services.forward_draft(actor=actor_for(bordeaux["par1"]), message=original)

        assert not Copy.objects.filter(owner=bordeaux["par1"], box=Box.DRAFTS).exists()
        assert not Message.objects.filter(forwarded_from=original).exists()
    assert s3.keys() == before
