"""Reads of attachments: one attachment for a viewer, through the rule its publication's kind
registered (``apps.publications.registry``; a pending one for its uploader only); ``None``
for "missing" and "forbidden" alike. The pending files of one form. And a photo's renditions
(``apps.attachments.renditions``): which one answers a width, and prefetched for a page."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet, prefetch_related_objects

from apps.accounts.models import User
from apps.accounts.permissions import Actor
from apps.attachments.models import Attachment, PhotoTag, Rendition
from apps.attachments.renditions import RENDITION_CONTENT_TYPE
from apps.publications.registry import may_see
from apps.schools.models import Enrolment


@dataclass(frozen=True)
class Pending:
    """The pending files of one form: its key (``pending_form``) and the token it carries."""

    form: str
    token: str


def pending_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pending_rows(user: User, pending: Pending) -> QuerySet[Attachment]:
    """The user's own pending files of this form and token: never anyone else's."""
    return Attachment.objects.filter(
        uploaded_by=user,
        pending_form=pending.form,
        pending_token=pending_digest(pending.token),
        pending_since__isnull=False,
        publication__isnull=True,
    )


def attachment_for_viewer(
    actor: Actor, attachment_id: int, *, with_renditions: bool = False
) -> Attachment | None:
    if not actor.active:
        return None
    found = Attachment.objects.select_related("publication").filter(pk=attachment_id)
    if with_renditions:
        found = found.prefetch_related("renditions")
    attachment = found.first()
    if attachment is None:
        return None
    if attachment.is_pending:
        # No publication yet, hence no feature's rule: the file is its uploader's alone.
        visible = attachment.uploaded_by_id is not None and attachment.uploaded_by_id == actor.id
    else:
        publication = attachment.publication
        assert publication is not None  # noqa: S101 - not pending, so it has one (constraint)
        visible = may_see(actor, publication.kind, publication.pk)
    return attachment if visible else None


# --- renditions ----------------------------------------------------------------------------------


def nearest_rendition(renditions: Sequence[Rendition], width: int) -> Rendition | None:
    """The narrowest of ``renditions`` at least ``width`` pixels wide, or None when the
    original is what answers (no rendition that wide, or none at all)."""
    wide_enough = [r for r in renditions if r.width >= width]
    return min(wide_enough, key=lambda r: r.width) if wide_enough else None


def with_renditions(attachments: Iterable[Attachment]) -> list[Attachment]:
    """``attachments`` with their renditions read in one query for them all (none for those
    already prefetched), so that a page of 50 photos costs what a page of 5 does."""
    listed = list(attachments)
    prefetch_related_objects(listed, "renditions")
    return listed


def rendition_for(attachment_id: int, width: int) -> tuple[str, str] | None:
    """(stored object, content type) to show the photo ``attachment_id`` about ``width``
    pixels wide: its nearest rendition not narrower, else its original; None if it is no
    photo of a publication. No permission here: for a caller that has checked the photo
    belongs to a public item (the school's public site), served with ``views.serve_stored``.
    Two queries."""
    attachment = (
        Attachment.objects.filter(
            pk=attachment_id, publication__isnull=False, content_type__startswith="image/"
        )
        .prefetch_related("renditions")
        .only("pk", "file", "content_type")
        .first()
    )
    if attachment is None:
        return None
    rendition = nearest_rendition(list(attachment.renditions.all()), width)
    if rendition is not None:
        return rendition.name, RENDITION_CONTENT_TYPE
    return str(attachment.file.name), attachment.content_type


# --- photo consent --------------------------------------------------------------------------------


def taggable_pupils(actor: Actor, pupil_ids: set[int]) -> list[int]:
    """Of ``pupil_ids``, the pupils ``actor`` may tag in a photo: those enrolled in one of
    their schools (every pupil of the commune for its administrator)."""
    from apps.accounts.models import Profile

    pupils = User.objects.filter(pk__in=pupil_ids, profile=Profile.PUPIL)
    if not actor.is_commune_admin:
        pupils = pupils.filter(enrolments__classroom__school_id__in=actor.school_ids)
    return list(pupils.values_list("pk", flat=True).distinct())


def consent_refusal(publication_id: int, *, untagged_confirmed: bool) -> str | None:
    """Why ``publication_id`` may not be shown publicly (the school site, a public blog post),
    or None: one of its photos shows a pupil whose photo consent is « non » or not recorded,
    or a photo where nobody is tagged was not confirmed by the publisher to show no pupil
    without consent. Two queries."""
    photos = list(
        Attachment.objects.filter(
            publication_id=publication_id, content_type__startswith="image/"
        ).only("id", "original_name")
    )
    if not photos:
        return None
    tags = list(
        PhotoTag.objects.filter(attachment__in=photos)
        .select_related("pupil")
        .only("attachment_id", "pupil__first_name", "pupil__last_name", "pupil__photo_consent")
    )
    refused = sorted(
        {tag.pupil.display_name for tag in tags if tag.pupil.photo_consent is not True}
    )
    if refused:
        names = ", ".join(refused)
        return (
            f"Une page publique ne peut pas montrer {names} : pas d'autorisation photo "
            "(ONDE). Retirez la photo, ou publiez sans la rendre publique."
        )
    tagged = {tag.attachment_id for tag in tags}
    untagged = [photo.original_name for photo in photos if photo.pk not in tagged]
    if untagged and not untagged_confirmed:
        return (
            f"Indiquez les élèves visibles sur {', '.join(untagged)}, ou confirmez qu'aucun élève "
            "sans autorisation photo n'y apparaît."
        )
    return None


def publications_showing(pupil_ids: list[int]) -> list[tuple[int, str]]:
    """(publication id, kind) of the publications with a photo tagging one of
    ``pupil_ids``."""
    return list(
        Attachment.objects.filter(photo_tags__pupil_id__in=pupil_ids, publication__isnull=False)
        .values_list("publication_id", "publication__kind")
        .distinct()
    )


@dataclass(frozen=True)
class PhotoLine:
    photo: Attachment
    tagged: set[int]


def photo_tagging(
    publication_id: int, *, school_id: int | None, classroom_id: int | None = None
) -> tuple[list[PhotoLine], list[User]]:
    """A publication's photos with the pupils tagged in each, and the pupils one may tag:
    those of ``classroom_id`` this year, else of ``school_id``, else none (a commune's
    publication). Three queries."""
    photos = list(
        Attachment.objects.filter(publication_id=publication_id, content_type__startswith="image/")
        .prefetch_related("photo_tags")
        .order_by("created_at", "pk")
    )
    pupils: list[User] = []
    if classroom_id is not None or school_id is not None:
        enrolled = Enrolment.objects.this_year()
        if classroom_id is not None:
            enrolled = enrolled.filter(classroom_id=classroom_id)
        elif school_id is not None:
            enrolled = enrolled.filter(classroom__school_id=school_id)
        pupils = list(
            User.objects.filter(pk__in=enrolled.values("pupil_id"))
            .only("pk", "first_name", "last_name", "photo_consent", "left_at")
            .order_by("last_name", "first_name", "pk")
        )
    lines = [
        PhotoLine(photo=photo, tagged={tag.pupil_id for tag in photo.photo_tags.all()})
        for photo in photos
    ]
    return lines, pupils
