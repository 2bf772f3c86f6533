"""Writes of attachments: checking an upload, joining files to a publication, removing them.
Who may change a publication's files, and whether they still may change, is the rule its kind
registered (``apps.publications.registry``): this module names no feature.

Every file is checked before anything is stored: its kind from its content (``kinds.sniff``),
its size (``ENT_ATTACHMENT_MAX_BYTES``), and the number per item (``MAX_PER_ITEM``). Photos are
bounded before anything decodes them (``images``: pixels, frames, structure), then decoded and
written again without their metadata (EXIF, GPS position of a class outing); MP4
videos and M4A sounds are copied with their metadata boxes neutralised (``isobmff``: same size,
still playable, never read whole). A still photo is also written at the smaller widths pages
show it at (``renditions``), from the same bounded decoding. A bad file raises
``AttachmentError`` with one French sentence for the user, and nothing is stored.

Objects are written to the storage inside the database transaction, so a rollback would leave
them behind: ``files_atomic`` deletes what its block stored unless the block commits, and a
deleted row deletes its object once the deletion commits (``apps.attachments.signals``).

The store may be unreachable (S3 down, or answering errors): the upload then raises
``StorageUnavailable``, an ``AttachmentError`` whose sentence says to try again later, and the
block rolls back like for a refused file — no row, and the objects already stored by the block
are deleted (a write that failed stored no object: S3 keeps an object whole or not at all).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import logging
import posixpath
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageOps, UnidentifiedImageError

from apps.accounts.models import User
from apps.accounts.permissions import Actor
from apps.accounts.selectors import actor_for
from apps.attachments import images, isobmff, kinds, renditions
from apps.attachments.models import PENDING_HOURS, Attachment, PhotoTag, Rendition
from apps.attachments.selectors import Pending, pending_digest, pending_rows
from apps.numbers import whole_number
from apps.publications.models import Publication
from apps.publications.registry import kind_of, may_see

logger = logging.getLogger(__name__)

MAX_PER_ITEM = 5
_CHUNK = 64 * 1024
# Photos are written again (without metadata) in their own format; GIF carries no EXIF.
_REWRITTEN = {kind: images.PILLOW_FORMATS[kind] for kind in (kinds.JPEG, kinds.PNG, kinds.WEBP)}
# ISO base media files: their metadata boxes are neutralised in a copy (``isobmff``).
_SCRUBBED = {kinds.MP4, kinds.M4A}


class AttachmentError(Exception):
    """A file or a change is refused; ``str(error)`` is the French sentence to show."""


class StorageUnavailable(AttachmentError):
    """The file store could not be reached or refused the write; nothing was kept."""


STORAGE_UNAVAILABLE = (
    "Le stockage des fichiers est momentanément indisponible : rien n'a été enregistré. "
    "Réessayez dans quelques minutes."
)
# What the file store raises when it is out of reach or failing (OSError: the filesystem).
STORAGE_ERRORS = (BotoCoreError, ClientError, OSError)


class AttachmentNotAllowed(Exception):
    """The user may not change this item's attachments (pages answer 404)."""


def max_bytes() -> int:
    return int(settings.ENT_ATTACHMENT_MAX_BYTES)


def size_text(size: int) -> str:
    """A size in French: ``850 octets``, ``12 ko``, ``1,5 Mo``."""
    if size < 1024:
        return f"{size} octet{'s' if size > 1 else ''}"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} ko"
    megabytes = size / (1024 * 1024)
    text = f"{megabytes:.1f}".replace(".", ",").removesuffix(",0")
    return f"{text} Mo"


# --- checking one file -----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    name: str  # shown and offered when downloading, with the extension of its real kind
    kind: kinds.FileKind
    content: File
    size: int
    sha256: str
    temporary: bool = False  # ``content`` is a copy of ours, to close once stored
    width: int | None = None  # a photo's, once oriented
    height: int | None = None
    renditions: tuple[renditions.Encoded, ...] = ()


@dataclass(frozen=True)
class _Rewritten:
    content: ContentFile
    size: tuple[int, int]
    renditions: tuple[renditions.Encoded, ...]


def _base_name(raw: str) -> str:
    """The user's file name without any folder or control (or bidirectional) character."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if unicodedata.category(c)[0] != "C").strip() or "fichier"


def display_name(raw: str, kind: kinds.FileKind) -> str:
    """The user's file name, ending with an extension of what the file really is."""
    name = _base_name(raw)
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    elif extension.lower() not in kind.extensions:
        stem, extension = name, ""
    stem = stem.strip(" .") or "fichier"
    extension = extension or kind.extension
    return f"{stem[: 250 - len(extension)]}.{extension}"


def safe_name(name: str, kind: kinds.FileKind) -> str:
    """The last part of the object key: ASCII letters, digits and dashes, the real extension."""
    stem = posixpath.splitext(name)[0]
    slug = re.sub(r"[^a-z0-9-]", "", slugify(stem))[:60].strip("-") or "fichier"
    return f"{slug}.{kind.extension}"


def _digest(file: File) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(_CHUNK), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _without_metadata(
    upload: UploadedFile, kind: kinds.FileKind, name: str, *, with_renditions: bool
) -> _Rewritten:
    unreadable = AttachmentError(f"« {name} » est une image illisible ou endommagée.")
    try:
        with images.opened(upload, kind, name) as image:  # bounded before any pixel is read
            if image.format != _REWRITTEN[kind]:
                raise unreadable
            animated = bool(getattr(image, "is_animated", False))
            # Orientation is EXIF too: turn the pixels before dropping it.
            picture = image if animated else ImageOps.exif_transpose(image)
            picture.load()
            options: dict[str, object] = {}
            if icc := image.info.get("icc_profile"):
                options["icc_profile"] = icc
            if kind is kinds.JPEG:
                if picture.mode not in ("RGB", "L", "CMYK"):
                    picture = picture.convert("RGB")
                options.update(quality=90, optimize=True)
            elif kind is kinds.WEBP:
                options.update(quality=90, save_all=animated)
            out = io.BytesIO()
            picture.save(out, _REWRITTEN[kind], **options)
            made = _renditions_of(picture, icc) if with_renditions and not animated else []
            size = picture.size
    except images.ImageRefused as error:
        logger.info("refused %s: %s", kind.content_type, error)
        raise AttachmentError(str(error)) from error
    except (images.Unreadable, UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise unreadable from error
    return _Rewritten(content=ContentFile(out.getvalue()), size=size, renditions=tuple(made))


def _renditions_of(picture: Image.Image, icc: bytes | None) -> list[renditions.Encoded]:
    """The photo at the widths pages show it at. A photo whose copies cannot be made (a mode
    no encoder takes) is still a good photo: it is kept, and pages show its original."""
    try:
        return renditions.encode(picture, icc_profile=icc)
    except (OSError, ValueError):
        logger.exception("no renditions for a photo of %d x %d", *picture.size)
        return []


def _check_bounds(upload: UploadedFile, kind: kinds.FileKind, name: str) -> images.Shape:
    try:
        return images.walk(upload, kind, name)
    except images.ImageRefused as error:
        raise AttachmentError(str(error)) from error
    except images.Unreadable as error:
        raise AttachmentError(f"« {name} » est une image illisible ou endommagée.") from error


def _media_without_metadata(upload: UploadedFile, kind: kinds.FileKind, name: str) -> File:
    # A file on disk, never in memory: a video may be as big as ENT_ATTACHMENT_MAX_BYTES.
    copy = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)
    try:
        isobmff.scrub(upload, copy)
    except isobmff.DamagedMedia as error:
        copy.close()
        logger.info("refused %s: %s", kind.content_type, error)
        if kind.family == "audio":
            what = "un son illisible ou endommagé"
        else:
            what = "une vidéo illisible ou endommagée"
        raise AttachmentError(f"« {name} » est {what}.") from error
    except BaseException:
        copy.close()
        raise
    content = File(copy, name=name)
    content.size = copy.seek(0, 2)
    copy.seek(0)
    return content


def check_file(upload: UploadedFile, *, with_renditions: bool = False) -> CheckedFile:
    """What ``upload`` really is, ready to store; ``AttachmentError`` if refused.
    ``with_renditions``: a still photo's renditions are made too (an attachment's, which
    pages show; not a school site's logo, shown at one size)."""
    raw_name = upload.name or "fichier"
    shown = _base_name(raw_name)[:100]
    size = upload.size or 0
    if size == 0:
        raise AttachmentError(f"« {shown} » est vide.")
    if size > max_bytes():
        raise AttachmentError(
            f"« {shown} » est trop gros ({size_text(size)}) : {size_text(max_bytes())} au plus "
            "par fichier."
        )
    kind = kinds.sniff(upload)
    if kind is None:
        raise AttachmentError(
            f"« {shown} » n'est pas d'un type accepté. Types acceptés : {kinds.ACCEPTED_TEXT}."
        )
    name = display_name(raw_name, kind)
    content: File = upload
    dimensions: tuple[int, int] | None = None
    made: tuple[renditions.Encoded, ...] = ()
    if kind in _REWRITTEN:
        rewritten = _without_metadata(upload, kind, name, with_renditions=with_renditions)
        content, dimensions, made = rewritten.content, rewritten.size, rewritten.renditions
    elif kind is kinds.GIF:  # kept as it is, but browsers decode it: bounded the same way
        dimensions = _check_bounds(upload, kind, name).size
    elif kind in _SCRUBBED:
        content = _media_without_metadata(upload, kind, name)
    return CheckedFile(
        name=name,
        kind=kind,
        content=content,
        size=content.size,
        sha256=_digest(content),
        temporary=content is not upload,
        width=dimensions[0] if dimensions else None,
        height=dimensions[1] if dimensions else None,
        renditions=made,
    )


def check_files(uploads: Sequence[UploadedFile], *, already: int = 0) -> list[CheckedFile]:
    if already + len(uploads) > MAX_PER_ITEM:
        raise AttachmentError(
            f"{MAX_PER_ITEM} pièces jointes au plus : retirez-en ou joignez-en moins "
            f"({already + len(uploads)} demandées)."
        )
    checked: list[CheckedFile] = []
    try:
        for upload in uploads:
            checked.append(check_file(upload, with_renditions=True))
    except BaseException:
        _close_copies(checked)
        raise
    return checked


def _close_copies(checked: Iterable[CheckedFile]) -> None:
    for file in checked:
        if file.temporary:
            file.content.close()


# --- objects stored inside a transaction -----------------------------------------------------

_stored_in_block: ContextVar[list[str] | None] = ContextVar("ent_attachments_stored", default=None)


@contextlib.contextmanager
def files_atomic() -> Iterator[None]:
    """``transaction.atomic()`` whose block deletes again the objects it stored unless it
    commits (or, nested, unless the outermost ``files_atomic`` block does)."""
    outer = _stored_in_block.get()
    stored: list[str] = []
    token = _stored_in_block.set(stored)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        _delete_objects(stored)
        raise
    finally:
        _stored_in_block.reset(token)
    if outer is not None:
        outer.extend(stored)


def _delete_objects(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # the storage is outside the transaction: log, never mask the cause
            logger.exception("could not delete the stored object %s", name)


def delete_object_after_commit(name: str) -> None:
    transaction.on_commit(lambda: _delete_objects([name]))


# --- joining and removing ---------------------------------------------------------------------


def _check_editor(user: User, publication: Publication) -> None:
    if not kind_of(publication.kind).editable(actor_for(user), publication.pk):
        raise AttachmentNotAllowed("not allowed to change this publication's attachments")


def _locked_publication(publication: Publication) -> Publication:
    """The publication, its row locked so that two uploads cannot pass the count together;
    ``AttachmentError`` if its kind says its files no longer change."""
    locked = Publication.objects.select_for_update().get(pk=publication.pk)
    reason = kind_of(locked.kind).locked(locked.pk)
    if reason is not None:
        raise AttachmentError(reason)
    return locked


def new_pending_token() -> str:
    return secrets.token_urlsafe(24)


def attachments_change(
    *,
    user: User,
    publication: Publication,
    add: Sequence[UploadedFile] = (),
    remove_ids: Iterable[int] = (),
    claim: Pending | None = None,
    created: bool = False,
) -> list[Attachment]:
    """Remove the publication's attachments ``remove_ids``, join the user's pending files of
    ``claim`` and the files ``add`` to it (at most ``MAX_PER_ITEM`` in all); every file is
    checked before anything is stored. Returns the attachments added (claimed ones first).

    ``created``: the feature's own service created the publication in this transaction, after
    checking its author may write it; no one else can see the row before it commits, so there
    is no right to check again, no row to lock and no file already joined to count."""
    if claim is not None and claim.form.split(":", 1)[0] != kind_of(publication.kind).short:
        raise ValueError("pending files are claimed by a publication of their form's kind")
    remove_ids = set(remove_ids)
    if not add and not remove_ids and claim is None:
        return []
    if created and remove_ids:
        raise AttachmentNotAllowed("a publication just created has no attachment to remove")
    if not created:
        _check_editor(user, publication)
    with files_atomic():
        locked = publication if created else _locked_publication(publication)
        owned = Attachment.objects.filter(publication=locked)
        removed = list(owned.filter(pk__in=remove_ids)) if remove_ids else []
        if len(removed) != len(remove_ids):
            raise AttachmentNotAllowed("an attachment to remove is not this publication's")
        claimed = list(pending_rows(user, claim).select_for_update()) if claim else []
        already = 0 if created else owned.count() - len(removed)
        checked = check_files(add, already=already + len(claimed))
        try:
            for attachment in removed:
                attachment.delete()  # the object goes once this commits (signals)
            for attachment in claimed:
                attachment.publication = locked
                attachment.pending_token, attachment.pending_form = "", ""
                attachment.pending_since = None
                attachment.save(
                    update_fields=["publication", "pending_token", "pending_form", "pending_since"]
                )
            return claimed + [_store(user, locked, file) for file in checked]
        finally:
            _close_copies(checked)


class Published(Protocol):
    """A feature's row that has its publication (an entry, a note…)."""

    @property
    def publication(self) -> Publication: ...


Item = TypeVar("Item", bound=Published)


def attachments_save_with(
    *,
    user: User,
    write: Callable[[], Item],
    remove_ids: Iterable[int] = (),
    claim: Pending | None = None,
    created: bool = False,
) -> Item:
    """``write`` a feature's row (its own service) and change its publication's files in one
    transaction: the pending files of ``claim`` (only the user's own, of that form) are joined
    to it, ``remove_ids`` removed. A refused change leaves neither: ``AttachmentError`` (the
    sentence to show; the pending files stay pending) or ``AttachmentNotAllowed``. ``created``:
    ``write`` creates the row and its publication (see ``attachments_change``)."""
    remove_ids = list(remove_ids)
    if not remove_ids and claim is None:
        # No file to store or delete: the feature's service is its own transaction.
        return write()
    with files_atomic():
        item = write()
        attachments_change(
            user=user,
            publication=item.publication,
            remove_ids=remove_ids,
            claim=claim,
            created=created,
        )
        return item


def attachments_keep_pending(
    *,
    user: User,
    pending: Pending,
    add: Sequence[UploadedFile] = (),
    remove_ids: Iterable[int] = (),
    already: int = 0,
) -> list[Attachment]:
    """Delete the user's pending files ``remove_ids`` of this form, then store the files
    ``add`` as pending ones, all checked first (``already`` files of the item stay: counted
    in ``MAX_PER_ITEM`` with the pending ones). A refused file raises ``AttachmentError`` and
    none of ``add`` is stored; the removals stand. Returns the form's pending files."""
    rows = pending_rows(user, pending)
    remove_ids = set(remove_ids)
    if remove_ids:
        with files_atomic():
            for attachment in rows.filter(pk__in=remove_ids):  # ids of others: ignored
                attachment.delete()
    if add:
        checked = check_files(add, already=already + rows.count())
        try:
            with files_atomic():
                for file in checked:
                    _store(user, None, file, pending=pending)
        finally:
            _close_copies(checked)
    return list(rows.order_by("created_at", "pk"))


def attachments_copy(*, actor: Actor, source: Publication, target: Publication) -> list[Attachment]:
    """Join to ``target`` a copy of each of ``source``'s files (a forwarded message carries the
    files of the one it forwards). ``target`` is a publication the feature's own service has
    just created for ``actor`` in this transaction (see ``attachments_change``'s ``created``);
    ``actor`` must be allowed to see ``source``. The files were checked and scrubbed when they
    were sent, so they are copied as they are stored, each to an object of its own: deleting
    either publication never takes the other's file away. Call it inside ``files_atomic``: a
    failure deletes the copies already stored."""
    if not may_see(actor, source.kind, source.pk):
        raise AttachmentNotAllowed("not allowed to see the publication whose files are copied")
    copies = []
    originals = (
        Attachment.objects.filter(publication=source)
        .prefetch_related("renditions")
        .order_by("created_at", "pk")
    )
    for original in originals:
        copy = Attachment(
            publication=target,
            original_name=original.original_name,
            size=original.size,
            content_type=original.content_type,
            width=original.width,
            height=original.height,
            sha256=original.sha256,
            uploaded_by_id=actor.id,
        )
        stored = str(original.file.name)
        try:
            with default_storage.open(stored, "rb") as stream:
                _keep(copy, posixpath.basename(stored), File(stream))
            # Copied as they are, like the original: made from it, they are what remaking
            # them would give, without decoding the photo again.
            kept = []
            for rendition in original.renditions.all():
                with default_storage.open(rendition.name, "rb") as stream:
                    kept.append(
                        _stored_rendition(
                            copy,
                            File(stream),
                            width=rendition.width,
                            height=rendition.height,
                            size=rendition.size,
                        )
                    )
            Rendition.objects.bulk_create(kept)
        except STORAGE_ERRORS as error:
            logger.exception("the file store could not copy an attachment")
            raise StorageUnavailable(STORAGE_UNAVAILABLE) from error
        copies.append(copy)
    return copies


def attachment_renditions_make(*, attachment: Attachment) -> list[Rendition]:
    """Make the renditions of a photo stored before they existed (a task or an operator's
    backfill walks them), from its stored object: already scrubbed, but opened through
    ``images.opened`` like any upload, so that nothing unbounded is ever decoded. Nothing for
    a photo that has them, an animation or another file. Records its size too."""
    kind = kinds.KINDS.get(attachment.content_type)
    if kind not in _REWRITTEN or attachment.renditions.exists():
        return []
    # A copy on disk first, so that a store out of reach and a damaged photo are told apart.
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as copy:
        try:
            with default_storage.open(str(attachment.file.name), "rb") as stream:
                for chunk in iter(lambda: stream.read(_CHUNK), b""):
                    copy.write(chunk)
        except STORAGE_ERRORS as error:
            logger.exception("the file store could not give a photo to make its renditions")
            raise StorageUnavailable(STORAGE_UNAVAILABLE) from error
        try:
            with images.opened(copy, kind, attachment.original_name) as image:
                if getattr(image, "is_animated", False):
                    return []
                picture = ImageOps.exif_transpose(image)
                picture.load()
                made = _renditions_of(picture, image.info.get("icc_profile"))
        except (images.ImageRefused, images.Unreadable, OSError, ValueError, SyntaxError) as error:
            logger.warning("no renditions for attachment %s: %s", attachment.pk, error)
            return []
    attachment.width, attachment.height = picture.size
    with files_atomic():
        try:
            rows = Rendition.objects.bulk_create(
                _stored_rendition(
                    attachment,
                    ContentFile(encoded.data),
                    width=encoded.width,
                    height=encoded.height,
                    size=len(encoded.data),
                )
                for encoded in made
            )
        except STORAGE_ERRORS as error:
            logger.exception("the file store refused a photo's renditions")
            raise StorageUnavailable(STORAGE_UNAVAILABLE) from error
        attachment.save(update_fields=["width", "height"])
    return rows


def pending_purge(now: datetime.datetime) -> int:
    """Delete the pending files older than ``PENDING_HOURS`` (their objects go once this
    commits, by the signal of every deleted row). Returns how many rows went."""
    cutoff = now - datetime.timedelta(hours=PENDING_HOURS)
    return Attachment.objects.filter(pending_since__lt=cutoff).delete()[0]


def _store(
    user: User,
    publication: Publication | None,
    checked: CheckedFile,
    *,
    pending: Pending | None = None,
) -> Attachment:
    attachment = Attachment(
        publication=publication,
        original_name=checked.name,
        size=checked.size,
        content_type=checked.kind.content_type,
        sha256=checked.sha256,
        uploaded_by=user,
    )
    if pending is not None:
        attachment.pending_token = pending_digest(pending.token)
        attachment.pending_form = pending.form
        attachment.pending_since = timezone.now()
    attachment.width, attachment.height = checked.width, checked.height
    try:
        _keep(attachment, safe_name(checked.name, checked.kind), checked.content)
        Rendition.objects.bulk_create(
            _stored_rendition(
                attachment,
                ContentFile(made.data),
                width=made.width,
                height=made.height,
                size=len(made.data),
            )
            for made in checked.renditions
        )
    except STORAGE_ERRORS as error:
        logger.exception("the file store refused or could not take an upload")
        raise StorageUnavailable(STORAGE_UNAVAILABLE) from error
    return attachment


def _keep(attachment: Attachment, name: str, content: File) -> None:
    """Store ``content`` as ``attachment``'s object (remembered by the ``files_atomic`` block,
    which deletes it if the block does not commit), then save the row."""
    attachment.file.save(name, content, save=False)
    stored = _stored_in_block.get()
    if stored is not None and attachment.file.name:
        stored.append(attachment.file.name)
    attachment.save()


def _stored_rendition(
    attachment: Attachment, content: File, *, width: int, height: int, size: int
) -> Rendition:
    """Store ``content`` as ``attachment``'s rendition ``width`` pixels wide (remembered by
    the ``files_atomic`` block like the original); the row is the caller's to save."""
    name = default_storage.save(renditions.rendition_key(str(attachment.file.name), width), content)
    stored = _stored_in_block.get()
    if stored is not None:
        stored.append(name)
    return Rendition(attachment=attachment, width=width, height=height, name=name, size=size)


# --- who appears in a photo ---------------------------------------------------------------------

NOT_A_PHOTO = "Seules les photos portent les élèves qui y apparaissent."
UNKNOWN_PUPILS = "Choisissez des élèves de votre école."


def photo_tags_set(*, user: User, attachment: Attachment, pupil_ids: Iterable[int]) -> list[int]:
    """The pupils who appear in ``attachment`` (a photo of a publication ``user`` may change):
    exactly ``pupil_ids``, pupils of ``user``'s schools (any pupil of the commune for its
    administrator). Returns their ids; refused whole, nothing changed, for anything else."""
    from apps.attachments.selectors import taggable_pupils

    if attachment.publication is None:
        raise AttachmentNotAllowed("a pending file has no tags")
    _check_editor(user, attachment.publication)
    wanted = set(pupil_ids)
    if wanted and not attachment.content_type.startswith("image/"):
        raise AttachmentError(NOT_A_PHOTO)
    known = set(taggable_pupils(actor_for(user), wanted))
    if known != wanted:
        raise AttachmentError(UNKNOWN_PUPILS)
    with transaction.atomic():
        _locked_publication(attachment.publication)
        PhotoTag.objects.filter(attachment=attachment).exclude(pupil_id__in=wanted).delete()
        have = set(
            PhotoTag.objects.filter(attachment=attachment).values_list("pupil_id", flat=True)
        )
        PhotoTag.objects.bulk_create(
            PhotoTag(attachment=attachment, pupil_id=pk, tagged_by=user) for pk in wanted - have
        )
    return sorted(wanted)


def photo_tags_from_form(lines: Sequence[Any], data: Any) -> dict[int, list[int]] | None:
    """The pupils ticked for each photo of ``lines`` (``PhotoLine``s) in a photo-tagging form
    (checkboxes ``photo-<attachment id>`` holding pupil ids); None when a value is no id."""
    read = {
        line.photo.pk: [whole_number(value) for value in data.getlist(f"photo-{line.photo.pk}")]
        for line in lines
    }
    if any(None in ids for ids in read.values()):
        return None
    return {pk: [i for i in ids if i is not None] for pk, ids in read.items()}


@transaction.atomic
def photo_tags_set_all(*, user: User, lines: Sequence[Any], wanted: dict[int, list[int]]) -> None:
    """Every photo's pupils at once: one refused list (``AttachmentError``) leaves every
    photo as it was."""
    for line in lines:
        photo_tags_set(user=user, attachment=line.photo, pupil_ids=wanted[line.photo.pk])
