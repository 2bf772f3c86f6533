"""Photo consent (ONDE's « Autorisation photo »): the pupils tagged in a publication's photos
decide whether it may be shown publicly, and a consent withdrawn by an ONDE import hands the
publications showing that pupil to their kind, which takes them down."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.signals import photo_consent_withdrawn
from apps.attachments.models import PhotoTag
from apps.attachments.selectors import consent_refusal
from apps.attachments.services import AttachmentError, attachments_change, photo_tags_set
from tests.attachments import files
from tests.publications.wall import a1, written
from tests.world import World


def consent(world: World, **answers: bool | None) -> None:
    for name, answer in answers.items():
        User.objects.filter(pk=world[name].pk).update(photo_consent=answer)


def test_a_tagged_pupil_without_consent_keeps_the_page_from_being_public(bordeaux: World, wall):
    with schema_context("bordeaux"):
        consent(bordeaux, p1=True, p2=False, p3=None)
        post = written(bordeaux, wall, "t1", "La classe au jardin", a1(bordeaux))
        teacher = bordeaux["t1"]
        [photo] = attachments_change(
            user=teacher, publication=post, add=[files.upload("jardin.png", files.png())]
        )
        # Untagged: the publisher must say that no pupil without consent appears.
        assert "Indiquez les élèves visibles sur jardin.png" in consent_refusal(
            post.pk, untagged_confirmed=False
        )
        assert consent_refusal(post.pk, untagged_confirmed=True) is None
        photo_tags_set(user=teacher, attachment=photo, pupil_ids=[bordeaux["p1"].pk])
        assert consent_refusal(post.pk, untagged_confirmed=False) is None
        photo_tags_set(
            user=teacher, attachment=photo, pupil_ids=[bordeaux["p1"].pk, bordeaux["p2"].pk]
        )
        refusal = consent_refusal(post.pk, untagged_confirmed=True)
        assert refusal is not None and "Pia Deux" in refusal and "Paul Un" not in refusal
        # Consent not recorded counts as no consent.
        photo_tags_set(user=teacher, attachment=photo, pupil_ids=[bordeaux["p3"].pk])
        assert "Pierre Trois" in consent_refusal(post.pk, untagged_confirmed=True)
        assert set(PhotoTag.objects.values_list("pupil_id", flat=True)) == {bordeaux["p3"].pk}


def test_tags_are_refused_whole_for_a_document_another_schools_pupil_or_someone_elses_post(
    bordeaux: World, wall
):
    from apps.attachments.services import AttachmentNotAllowed

    with schema_context("bordeaux"):
        post = written(bordeaux, wall, "t1", "Sortie", a1(bordeaux))
        teacher = bordeaux["t1"]
        photo, document = attachments_change(
            user=teacher,
            publication=post,
            add=[files.upload("a.png", files.png()), files.upload("b.pdf", files.PDF)],
        )
        with pytest.raises(AttachmentError, match="Seules les photos"):
            photo_tags_set(user=teacher, attachment=document, pupil_ids=[bordeaux["p1"].pk])
        with pytest.raises(AttachmentError, match="élèves de votre école"):
            photo_tags_set(
                user=teacher, attachment=photo, pupil_ids=[bordeaux["p1"].pk, bordeaux["p4"].pk]
            )
        with pytest.raises(AttachmentError, match="élèves de votre école"):
            photo_tags_set(user=teacher, attachment=photo, pupil_ids=[bordeaux["par1"].pk])
        with pytest.raises(AttachmentNotAllowed):
            photo_tags_set(user=bordeaux["t2"], attachment=photo, pupil_ids=[bordeaux["p1"].pk])
        assert not PhotoTag.objects.exists()


def test_a_withdrawn_consent_hands_the_publications_showing_the_pupil_to_their_kind(
    bordeaux: World, wall
):
    with schema_context("bordeaux"):
        shown = written(bordeaux, wall, "t1", "Carnaval", a1(bordeaux))
        other = written(bordeaux, wall, "t1", "Piscine", a1(bordeaux))
        teacher = bordeaux["t1"]
        for post, pupil in ((shown, "p1"), (other, "p2")):
            [photo] = attachments_change(
                user=teacher, publication=post, add=[files.upload("x.png", files.png())]
            )
            photo_tags_set(user=teacher, attachment=photo, pupil_ids=[bordeaux[pupil].pk])
        photo_consent_withdrawn.send(sender=User, user_ids=[bordeaux["p1"].pk])
        assert wall.withdrawn == [shown.pk]
