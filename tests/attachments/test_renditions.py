"""Renditions of photos (``apps.attachments.renditions``): made at the widths smaller than the
photo from its bounded, oriented, scrubbed decoding; stored next to the original and gone with
it (S3 on loopback, as in production); served by ``?largeur=`` under the same check as the
original; shown by ``{% photo %}`` at a constant number of queries."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.http import Http404
from django.test import RequestFactory
from django_tenants.utils import schema_context
from PIL import Image
from storages.backends.s3 import S3Storage

from apps.accounts.selectors import actor_for
from apps.attachments import renditions
from apps.attachments.models import Attachment, Rendition
from apps.attachments.selectors import rendition_for
from apps.attachments.services import (
    AttachmentError,
    StorageUnavailable,
    attachment_renditions_make,
    attachments_change,
)
from apps.attachments.views import BAD_WIDTH, serve_stored
from apps.blog.models import BlogPost
from apps.blog.services import post_delete
from apps.messaging import services as messaging
from apps.messaging.models import Message
from apps.publications.models import State
from tests.attachments import files
from tests.attachments.test_services import stored_files
from tests.blog.helpers import post_in
from tests.helpers import assert_num_queries
from tests.messaging.conftest import to_person, write
from tests.world import World

ORIENTATION = 0x0112
ROTATED_90 = 6  # the camera was held upright: the pixels are stored on their side


def jpeg(width: int, height: int, *, gps: bool = False, orientation: int | None = None) -> bytes:
    """A photo with a gradient (so that a resize has something to do), with EXIF if asked."""
    picture = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    exif = Image.Exif()
    if gps:
        exif[files.CAMERA_MAKE] = "Téléphone de la maîtresse"
        exif[files.GPS_IFD] = {1: "N", 2: (44.0, 50.0, 0.0), 3: "W", 4: (0.0, 34.0, 0.0)}
    if orientation is not None:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


def post_with_photos(world: World, *uploads) -> tuple[BlogPost, list[Attachment]]:
    """A published post of A1's blog (t1's), with ``uploads`` joined by its teacher."""
    post = post_in(world, State.PUBLISHED, author="t1")
    joined = attachments_change(user=world["t1"], publication=post.publication, add=list(uploads))
    return post, joined


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def read(name: str) -> bytes:
    from django.core.files.storage import default_storage

    with default_storage.open(name, "rb") as stream:
        return stream.read()


# --- making them ---------------------------------------------------------------------------------


def test_a_large_photo_gets_a_webp_rendition_at_each_width_next_to_its_original(bordeaux, media):
    with schema_context("bordeaux"):
        _post, [photo] = post_with_photos(
            bordeaux, files.upload("Sortie au zoo.jpg", jpeg(2000, 1500))
        )
        rows = list(photo.renditions.order_by("width"))

    assert (photo.width, photo.height) == (2000, 1500)
    assert [(r.width, r.height) for r in rows] == [(480, 360), (1024, 768), (1600, 1200)]
    stem = str(photo.file.name).removesuffix(".jpg")
    assert [r.name for r in rows] == [f"{stem}.{w}.webp" for w in (480, 1024, 1600)]
    assert stored_files(media) == sorted([str(photo.file.name), *(r.name for r in rows)])
    for row in rows:
        data = read(row.name)
        assert row.size == len(data)
        image = opened(data)
        assert (image.format, image.size) == ("WEBP", (row.width, row.height))


@pytest.mark.parametrize(
    ("size", "widths"),
    [((1024, 700), [480]), ((800, 600), [480]), ((480, 480), []), ((300, 200), [])],
)
def test_a_photo_gets_no_rendition_as_wide_as_itself_or_wider(bordeaux, media, size, widths):
    with schema_context("bordeaux"):
        _post, [photo] = post_with_photos(bordeaux, files.upload("petite.jpg", jpeg(*size)))
        assert [r.width for r in photo.renditions.order_by("width")] == widths
    assert (photo.width, photo.height) == size
    assert len(stored_files(media)) == 1 + len(widths)


def test_renditions_are_turned_upright_and_carry_no_exif_no_gps(bordeaux, media):
    with schema_context("bordeaux"):
        _post, [photo] = post_with_photos(
            bordeaux,
            files.upload("dans la cour.jpg", jpeg(1200, 800, gps=True, orientation=ROTATED_90)),
        )
        [rendition] = photo.renditions.all()

    assert (photo.width, photo.height) == (800, 1200)  # upright, as the camera saw it
    assert (rendition.width, rendition.height) == (480, 720)
    data = read(rendition.name)
    image = opened(data)
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info and "xmp" not in image.info
    assert b"Exif" not in data and "maîtresse".encode() not in data


def test_a_png_drawing_keeps_its_transparency_in_its_renditions(bordeaux, media):
    drawing = Image.new("RGBA", (1000, 500), (255, 0, 0, 0))
    drawing.paste((0, 0, 255, 255), (0, 0, 500, 500))
    out = io.BytesIO()
    drawing.save(out, "PNG")
    with schema_context("bordeaux"):
        _post, [photo] = post_with_photos(bordeaux, files.upload("dessin.png", out.getvalue()))
        [rendition] = photo.renditions.all()
    image = opened(read(rendition.name))
    assert image.mode == "RGBA" and image.size == (480, 240)
    alpha = image.getchannel("A")
    assert alpha.getpixel((400, 100)) == 0 and alpha.getpixel((50, 100)) == 255


def test_a_hostile_image_is_refused_before_any_rendition_is_made(bordeaux, media, monkeypatch):
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a rendition was made of an unchecked image")

    monkeypatch.setattr(renditions, "encode", never)
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.PUBLISHED, author="t1")
        with pytest.raises(AttachmentError, match="Image trop grande"):
            attachments_change(
                user=bordeaux["t1"],
                publication=post.publication,
                add=[files.upload("aplat.png", files.png_of_one_colour(8_000, 8_000))],
            )
        assert not Attachment.objects.exists() and not Rendition.objects.exists()
    assert stored_files(media) == []


def test_animations_keep_only_their_original(bordeaux, media):
    frames = [Image.new("RGB", (900, 600), (i * 60, 0, 200)) for i in range(3)]
    animated_webp = io.BytesIO()
    frames[0].save(animated_webp, "WEBP", save_all=True, append_images=frames[1:], duration=100)
    with schema_context("bordeaux"):
        _post, [gif, webp] = post_with_photos(
            bordeaux,
            files.upload("danse.gif", files.gif(900, 600, 2)),
            files.upload("danse.webp", animated_webp.getvalue()),
        )
        assert not Rendition.objects.exists()
    assert (gif.width, gif.height) == (900, 600)
    assert (webp.width, webp.height) == (900, 600)


def test_a_document_gets_no_size_and_no_rendition(bordeaux, media):
    with schema_context("bordeaux"):
        _post, [document] = post_with_photos(bordeaux, files.upload("fiche.pdf", files.PDF))
        assert not Rendition.objects.exists()
    assert (document.width, document.height) == (None, None)


def test_a_photo_stored_before_renditions_gets_them_from_its_stored_object(bordeaux, media):
    with schema_context("bordeaux"):
        _post, [photo, document] = post_with_photos(
            bordeaux,
            files.upload("zoo.jpg", jpeg(1100, 800, orientation=ROTATED_90)),
            files.upload("fiche.pdf", files.PDF),
        )
        photo.renditions.all().delete()
        Attachment.objects.filter(pk=photo.pk).update(width=None, height=None)
        photo.refresh_from_db()

        made = attachment_renditions_make(attachment=photo)

        assert [(r.width, r.height) for r in made] == [(480, 660)]
        photo.refresh_from_db()
        assert (photo.width, photo.height) == (800, 1100)  # stored upright at its upload
        assert attachment_renditions_make(attachment=photo) == []  # once only
        assert attachment_renditions_make(attachment=document) == []
        assert Rendition.objects.count() == 1
    assert opened(read(made[0].name)).size == (480, 660)


def test_a_stored_object_beyond_the_bounds_is_never_decoded_for_renditions(
    bordeaux, media, monkeypatch
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a rendition was made of an unbounded image")

    monkeypatch.setattr(renditions, "encode", never)
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.PUBLISHED, author="t1")
        name = default_storage.save(
            "bordeaux/blog/2025/0/aplat.png", ContentFile(files.png_of_one_colour(8_000, 8_000))
        )
        hostile = Attachment.objects.create(
            publication=post.publication,
            file=name,
            original_name="aplat.png",
            size=1,
            content_type="image/png",
            sha256="0" * 64,
        )
        assert attachment_renditions_make(attachment=hostile) == []
        assert not Rendition.objects.exists()
    assert stored_files(media) == [name]


# --- on S3: stored, copied, deleted, never left behind ------------------------------------------


def test_deleting_a_photo_or_its_post_deletes_its_renditions_from_the_store(
    bordeaux, s3, django_capture_on_commit_callbacks
):
    with schema_context("bordeaux"):
        with django_capture_on_commit_callbacks(execute=True):
            post, [first, second] = post_with_photos(
                bordeaux,
                files.upload("un.jpg", jpeg(1100, 800)),
                files.upload("deux.jpg", jpeg(1100, 800)),
            )
        assert len(s3.keys()) == 2 * 3  # each: the original, 480 and 1024

        with django_capture_on_commit_callbacks(execute=True):
            attachments_change(
                user=bordeaux["t1"], publication=post.publication, remove_ids=[first.pk]
            )
        assert s3.keys() == sorted(
            [str(second.file.name), *(r.name for r in second.renditions.all())]
        )

        with django_capture_on_commit_callbacks(execute=True):
            post_delete(actor=actor_for(bordeaux["t1"]), post=post)
        assert not Rendition.objects.exists()
    assert s3.keys() == []


def test_a_store_failing_on_a_rendition_leaves_no_row_and_no_object(bordeaux, s3, monkeypatch):
    real_save = S3Storage.save

    def failing_on_renditions(self: S3Storage, name: str, *args: object, **kwargs: object) -> str:
        if name.endswith(".1024.webp"):
            raise OSError("the store is unreachable")
        return real_save(self, name, *args, **kwargs)

    monkeypatch.setattr(S3Storage, "save", failing_on_renditions)
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.PUBLISHED, author="t1")
        with pytest.raises(StorageUnavailable):
            attachments_change(
                user=bordeaux["t1"],
                publication=post.publication,
                add=[files.upload("un.jpg", jpeg(1100, 800))],
            )
        assert not Attachment.objects.exists() and not Rendition.objects.exists()
    assert s3.keys() == []


def test_a_forwarded_photo_carries_copies_of_its_renditions(
    bordeaux, s3, django_capture_on_commit_callbacks
):
    draft = write(bordeaux, "t1", [to_person(bordeaux, "par1")])
    with schema_context("bordeaux"):
        attachments_change(
            user=bordeaux["t1"],
            publication=draft.publication,
            add=[files.upload("sortie.jpg", jpeg(1100, 800))],
        )
        messaging.message_send(actor=actor_for(bordeaux["t1"]), draft=draft)
        sent = Message.objects.get(pk=draft.pk)
        forward = messaging.forward_draft(actor=actor_for(bordeaux["par1"]), message=sent)
        [source] = Attachment.objects.filter(publication=draft.publication)
        [copy] = Attachment.objects.filter(publication=forward.publication)
        theirs = list(source.renditions.order_by("width"))
        ours = list(copy.renditions.order_by("width"))

        assert (copy.width, copy.height) == (1100, 800)
        assert [(r.width, r.height, r.size) for r in ours] == [
            (r.width, r.height, r.size) for r in theirs
        ]
        assert [r.width for r in ours] == [480, 1024]
        for mine, original in zip(ours, theirs, strict=True):
            assert mine.name != original.name
            assert mine.name.startswith(str(copy.file.name).removesuffix(".jpg"))
            assert s3.read(mine.name) == s3.read(original.name)

        # The original message removed for everyone: the forward keeps its renditions.
        with django_capture_on_commit_callbacks(execute=True):
            messaging.message_remove(actor=actor_for(bordeaux["dA"]), message=sent)
    assert all(r.name in s3.keys() for r in ours)
    assert not any(r.name in s3.keys() for r in theirs)


# --- serving -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "served"),
    [("1", 480), ("300", 480), ("480", 480), ("481", 1024), ("1600", 1600), ("1601", None)],
)
def test_the_width_asked_gets_the_narrowest_rendition_at_least_that_wide(
    bordeaux, as_user, media, asked, served
):
    with schema_context("bordeaux"):
        _post, [photo] = post_with_photos(bordeaux, files.upload("zoo.jpg", jpeg(2000, 1500)))

    response = as_user(bordeaux, "par1").get(f"/pieces-jointes/{photo.pk}/?largeur={asked}")

    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert response["X-Content-Type-Options"] == "nosniff"
    if served is None:  # wider than every rendition: the original, as a download
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"] == 'attachment; filename="zoo.jpg"'
        assert data == read(str(photo.file.name))
    else:
        assert response["Content-Type"] == "image/webp"
        assert response["Content-Disposition"] == f'inline; filename="zoo-{served}.webp"'
        assert opened(data).width == served


def test_on_s3_the_width_asked_is_a_presigned_link_to_the_rendition(bordeaux, as_user, s3):
    with schema_context("bordeaux"):
        _post, [photo] = post_with_photos(bordeaux, files.upload("zoo.jpg", jpeg(1100, 800)))
        [small, _large] = photo.renditions.order_by("width")

    response = as_user(bordeaux, "par1").get(f"/pieces-jointes/{photo.pk}/?largeur=400")

    assert response.status_code == 302
    assert f"/{small.name}?" in response["Location"]
    assert "response-content-type=image%2Fwebp" in response["Location"]


@pytest.mark.parametrize("who", ["par3", "p3", "t4", "par4", None])
def test_a_rendition_is_refused_to_whoever_may_not_see_the_post(
    bordeaux, as_user, tenant_client, media, who
):
    with schema_context("bordeaux"):
        _post, [photo] = post_with_photos(bordeaux, files.upload("zoo.jpg", jpeg(1100, 800)))
    client = as_user(bordeaux, who) if who else tenant_client("bordeaux")

    for query in ("", "?largeur=480", "?largeur=5000"):
        assert client.get(f"/pieces-jointes/{photo.pk}/{query}").status_code == 404, query


@pytest.mark.parametrize(
    "value", ["", "0", "-480", "+480", "4.5", "480px", "abc", "١٢٠", "9" * 12, "480 "]
)
def test_a_bad_width_is_a_400_with_one_french_sentence(bordeaux, as_user, media, value):
    with schema_context("bordeaux"):
        _post, [photo] = post_with_photos(bordeaux, files.upload("zoo.jpg", jpeg(1100, 800)))

    response = as_user(bordeaux, "par1").get(f"/pieces-jointes/{photo.pk}/", {"largeur": value})

    assert response.status_code == 400
    assert BAD_WIDTH in html.unescape(response.content.decode())


def test_a_width_asked_of_a_document_gives_the_document(bordeaux, as_user, media):
    with schema_context("bordeaux"):
        _post, [document] = post_with_photos(bordeaux, files.upload("fiche.pdf", files.PDF))

    response = as_user(bordeaux, "par1").get(f"/pieces-jointes/{document.pk}/?largeur=480")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF


def test_rendition_for_gives_the_public_site_the_nearest_copy_or_the_original(bordeaux, media):
    with schema_context("bordeaux"):
        _post, [photo, document] = post_with_photos(
            bordeaux,
            files.upload("zoo.jpg", jpeg(1100, 800)),
            files.upload("fiche.pdf", files.PDF),
        )
        small, large = photo.renditions.order_by("width")

        assert rendition_for(photo.pk, 200) == (small.name, "image/webp")
        assert rendition_for(photo.pk, 1024) == (large.name, "image/webp")
        assert rendition_for(photo.pk, 1100) == (str(photo.file.name), "image/jpeg")
        assert rendition_for(document.pk, 480) is None
        assert rendition_for(10**9, 480) is None

        response = serve_stored(RequestFactory().get("/"), small.name, "image/webp")
        assert response["Content-Type"] == "image/webp"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == read(small.name)  # type: ignore[attr-defined]
        with pytest.raises(Http404):
            serve_stored(RequestFactory().get("/"), small.name + ".gone", "image/webp")


# --- pages ------------------------------------------------------------------------------------


def test_the_post_page_shows_its_photos_with_their_renditions(bordeaux, as_user, media):
    with schema_context("bordeaux"):
        post, [photo, _document] = post_with_photos(
            bordeaux,
            files.upload("Sortie au zoo.jpg", jpeg(2000, 1500)),
            files.upload("fiche.pdf", files.PDF),
        )

    page = as_user(bordeaux, "par1").get(f"/blogs/articles/{post.pk}/").content.decode()

    [img] = re.findall(r"<img class=\"photo\"[^>]*>", page)
    url = f"/pieces-jointes/{photo.pk}/"
    assert f'src="{url}?largeur=1600"' in img
    assert (
        f'srcset="{url}?largeur=480 480w, {url}?largeur=1024 1024w, {url}?largeur=1600 1600w, '
        f'{url} 2000w"'
    ) in img
    assert 'width="2000" height="1500"' in img
    assert 'alt="Sortie au zoo.jpg"' in img and 'loading="lazy"' in img
    assert 'sizes="' in img


def _post_with_many_photos(world: World, count: int) -> BlogPost:
    """A published post with ``count`` photos, each with two renditions (rows only: the
    page prints links, it never opens the objects)."""
    post = post_in(world, State.PUBLISHED, author="t1", title="Album")
    photos = Attachment.objects.bulk_create(
        Attachment(
            publication=post.publication,
            file=f"bordeaux/blog/2026/{n:032x}/photo.jpg",
            original_name=f"Photo {n}.jpg",
            size=1000,
            content_type="image/jpeg",
            sha256="0" * 64,
            width=1200,
            height=900,
        )
        for n in range(count)
    )
    Rendition.objects.bulk_create(
        Rendition(attachment=photo, width=w, height=w * 3 // 4, name=f"{photo.pk}.{w}", size=10)
        for photo in photos
        for w in (480, 1024)
    )
    return post


# A parent's view of a published post: the session, the user, the Actor (5: year, memberships,
# guardianships, classes taught, enrolments), the post, its attachments, its comments, the
# header's two badges (messages, notifications), and the renditions of all its photos (one,
# by the ``photos`` filter). Adjust once, with the reason.
POST_PAGE_QUERIES = 13


@pytest.mark.parametrize("count", [5, 50])
def test_the_post_page_costs_the_same_with_5_or_50_photos(bordeaux, as_user, count):
    with schema_context("bordeaux"):
        post = _post_with_many_photos(bordeaux, count)
    client = as_user(bordeaux, "par1")
    client.get(f"/blogs/articles/{post.pk}/")  # warm: the session and the Actor's cache
    with assert_num_queries(POST_PAGE_QUERIES):
        page = client.get(f"/blogs/articles/{post.pk}/").content.decode()
    assert page.count('<img class="photo"') == count
    assert page.count(" 480w, ") == count


def test_a_photo_stored_before_renditions_shows_its_original(bordeaux, as_user):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.PUBLISHED, author="t1", title="Ancien")
        old = Attachment.objects.create(
            publication=post.publication,
            file="bordeaux/blog/2025/0/ancienne.jpg",
            original_name="Ancienne.jpg",
            size=1000,
            content_type="image/jpeg",
            sha256="0" * 64,
        )

    page = as_user(bordeaux, "par1").get(f"/blogs/articles/{post.pk}/").content.decode()

    assert (
        f'<img class="photo" src="/pieces-jointes/{old.pk}/" alt="Ancienne.jpg" loading="lazy">'
    ) in page
