"""MP4 videos and M4A sounds lose their metadata (GPS position, camera) without changing size.

The files are made here, box by box, the way a phone writes them: the position in
``moov/udta/©xyz``, again under Apple's key in ``moov/meta`` and per track, and in an XMP
``uuid`` box; ``stco`` points into ``mdat`` whether ``moov`` comes before or after it.
"""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django_tenants.utils import schema_context

from apps.attachments import isobmff, kinds
from apps.attachments.models import Attachment
from apps.attachments.services import AttachmentError, attachments_change, check_file
from apps.homework.models import HomeworkEntry
from tests.attachments import files
from tests.attachments.test_pages import ENTRY, new_entry_url, text
from tests.attachments.test_services import stored_files
from tests.homework.conftest import entry

ISO6709 = b"+44.8378-000.5792/"
APPLE_LOCATION = b"com.apple.quicktime.location.ISO6709"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description '
    b'exif:GPSLatitude="44,50.268N" exif:GPSLongitude="0,34.752W" '
    b'tiff:Model="iPhone de la maitresse"/></x:xmpmeta>'
)
PERSONAL = (ISO6709, b"44,50.268N", APPLE_LOCATION, b"iPhone de la maitresse", b"Apple")
SAMPLES = (b"\x00\x00\x00\x10" + b"IMAGE-CLE-" * 30, b"\x00\x00\x00\x20" + b"IMAGE-P-" * 25)
# Boxes made of boxes, for the test's own reading of the result (independent of isobmff).
CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"dinf", b"edts"}


# --- writing boxes -----------------------------------------------------------------------------


def box(kind: bytes, *children: bytes, large: bool = False) -> bytes:
    payload = b"".join(children)
    if large:
        return (1).to_bytes(4, "big") + kind + (16 + len(payload)).to_bytes(8, "big") + payload
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def full(kind: bytes, *children: bytes, version: int = 0, flags: int = 0) -> bytes:
    return box(kind, bytes([version]) + flags.to_bytes(3, "big"), *children)


def u32(*values: int) -> bytes:
    return b"".join(value.to_bytes(4, "big") for value in values)


def ftyp(brand: bytes = b"isom") -> bytes:
    return box(b"ftyp", brand, u32(0x200), brand, b"iso2avc1mp41")


def quicktime_text(kind: bytes, value: bytes) -> bytes:
    """A QuickTime user data text (``©xyz``, ``©mak``): length, language, the text."""
    return box(kind, len(value).to_bytes(2, "big"), b"\x15\xc7", value)


def apple_meta() -> bytes:
    """``moov/meta`` as an iPhone writes it: keys, then the values in ``ilst``."""
    keys = full(
        b"keys", u32(2), box(b"mdta", APPLE_LOCATION), box(b"mdta", b"com.apple.quicktime.make")
    )
    data = [box(b"data", u32(1, 0), ISO6709), box(b"data", u32(1, 0), b"Apple")]
    ilst = box(b"ilst", box(u32(1), data[0]), box(u32(2), data[1]))
    return box(b"meta", full(b"hdlr", u32(0), b"mdta", bytes(12), b"\x00"), keys, ilst)


def user_data() -> bytes:
    return box(
        b"udta",
        quicktime_text(b"\xa9xyz", ISO6709),
        quicktime_text(b"\xa9mak", b"Apple"),
        quicktime_text(b"\xa9mod", b"iPhone de la maitresse"),
    )


def moov(chunk_offsets: list[int], *, audio: bool = False) -> bytes:
    handler = b"soun" if audio else b"vide"
    media_header = full(b"smhd", bytes(4)) if audio else full(b"vmhd", bytes(8), flags=1)
    stbl = box(
        b"stbl",
        full(b"stsd", u32(0)),
        full(b"stts", u32(1, len(SAMPLES), 512)),
        full(b"stsc", u32(1, 1, 1, 1)),
        full(b"stsz", u32(0, len(SAMPLES), *(len(sample) for sample in SAMPLES))),
        full(b"stco", u32(len(chunk_offsets), *chunk_offsets)),
    )
    trak = box(
        b"trak",
        full(b"tkhd", bytes(80), flags=3),
        box(b"edts", full(b"elst", u32(1, 1024, 0, 0x10000))),
        box(
            b"mdia",
            full(b"mdhd", u32(0, 0, 12800, 1024), b"\x15\xc7\x00\x00"),
            full(b"hdlr", u32(0), handler, bytes(12), b"Core Media\x00"),
            box(
                b"minf",
                media_header,
                box(b"dinf", full(b"dref", u32(1), full(b"url ", flags=1))),
                stbl,
            ),
        ),
        box(b"udta", quicktime_text(b"\xa9xyz", ISO6709)),
        box(
            b"meta",
            full(b"hdlr", u32(0), b"mdta", bytes(12), b"\x00"),
            box(b"keys", APPLE_LOCATION),
        ),
    )
    return box(b"moov", full(b"mvhd", bytes(96)), trak, user_data(), apple_meta())


def xmp_uuid() -> bytes:
    return box(b"uuid", isobmff.XMP_UUID, XMP)


@dataclass
class Movie:
    data: bytes
    sample_offsets: list[int]


def movie(*, moov_first: bool = True, mdat: str = "small", audio: bool = False) -> Movie:
    """A playable layout: ftyp, then moov and mdat in either order, and an XMP uuid box.
    ``mdat`` is ``small`` (32-bit size), ``large`` (64-bit largesize) or ``to_end`` (size 0,
    last in the file)."""
    payload = b"".join(SAMPLES)
    if mdat == "large":
        mdat_box, mdat_header = box(b"mdat", payload, large=True), 16
    elif mdat == "to_end":
        mdat_box, mdat_header = u32(0) + b"mdat" + payload, 8
    else:
        mdat_box, mdat_header = box(b"mdat", payload), 8
    head = ftyp(b"M4A " if audio else b"isom")
    moov_size = len(moov([0] * len(SAMPLES), audio=audio))
    if moov_first:
        before_mdat = len(head) + moov_size + len(xmp_uuid())
    else:
        before_mdat = len(head)
    first = before_mdat + mdat_header
    offsets = [first, first + len(SAMPLES[0])]
    movie_box = moov(offsets, audio=audio)
    if moov_first:
        data = head + movie_box + xmp_uuid() + mdat_box
    else:
        data = head + mdat_box + movie_box + xmp_uuid()
    assert all(data[o : o + len(s)] == s for o, s in zip(offsets, SAMPLES, strict=True))
    return Movie(data, offsets)


# --- reading the result, independently of isobmff ---------------------------------------------


def tree(data: bytes, start: int = 0, end: int | None = None, path: str = "") -> dict[str, bytes]:
    """Every box's path (``moov/trak/mdia/...``, ``#n`` for repeats) to its payload; fails
    on anything that does not parse."""
    end = len(data) if end is None else end
    found: dict[str, bytes] = {}
    offset = start
    while offset < end:
        size, kind = int.from_bytes(data[offset : offset + 4], "big"), data[offset + 4 : offset + 8]
        header = 8
        if size == 1:
            size, header = int.from_bytes(data[offset + 8 : offset + 16], "big"), 16
        elif size == 0:
            size = end - offset
        assert header <= size and offset + size <= end, (path, kind, offset)
        name = path + kind.decode("latin-1")
        while name in found:
            name += "#"
        found[name] = data[offset + header : offset + size]
        if kind in CONTAINERS:
            found.update(tree(data, offset + header, offset + size, name + "/"))
        offset += size
    return found


def chunk_offsets(data: bytes) -> list[int]:
    stco = tree(data)["moov/trak/mdia/minf/stbl/stco"]
    count = int.from_bytes(stco[4:8], "big")
    return [int.from_bytes(stco[8 + 4 * i : 12 + 4 * i], "big") for i in range(count)]


def scrubbed(data: bytes) -> bytes:
    out = io.BytesIO()
    isobmff.scrub(io.BytesIO(data), out)
    return out.getvalue()


# --- the scrubber -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moov_first", "mdat"),
    [(True, "small"), (False, "small"), (True, "large"), (False, "large"), (True, "to_end")],
)
def test_the_position_and_camera_go_and_the_movie_stays_as_it_was(moov_first, mdat):
    original = movie(moov_first=moov_first, mdat=mdat)
    assert all(secret in original.data for secret in PERSONAL)

    clean = scrubbed(original.data)

    assert len(clean) == len(original.data)
    for secret in PERSONAL:
        assert secret not in clean, secret
    boxes = tree(clean)
    # The metadata boxes are now empty free boxes of the same size, where they were.
    assert "moov/udta" not in boxes and "moov/meta" not in boxes
    assert "moov/trak/udta" not in boxes and "moov/trak/meta" not in boxes and "uuid" not in boxes
    assert [k for k in boxes if "free" in k] == [
        "moov/trak/free",
        "moov/trak/free#",
        "moov/free",
        "moov/free#",
        "free",
    ]
    assert all(boxes[k].strip(b"\x00") == b"" for k in boxes if "free" in k)
    # What plays is untouched: the tables, the headers and the media bytes where stco says.
    before = tree(original.data)
    for name, payload in before.items():
        if name.rsplit("/", 1)[-1].encode() not in CONTAINERS | {b"udta", b"meta", b"uuid"}:
            assert boxes[name] == payload, name
    assert chunk_offsets(clean) == original.sample_offsets
    for offset, sample in zip(chunk_offsets(clean), SAMPLES, strict=True):
        assert clean[offset : offset + len(sample)] == sample
    assert boxes["mdat"] == before["mdat"]
    # Nothing left to do a second time.
    assert scrubbed(clean) == clean


def test_only_what_a_player_needs_keeps_its_content():
    piff = bytes.fromhex("a2394f525a9b4f14a2446c427c648df4")
    canon = bytes.fromhex("85c0b687820f11e08111f4ce462b6a48")
    original = movie().data
    extra = (
        box(b"free", b"old \xa9xyz " + ISO6709)
        + box(b"sefd", b"Samsung trailer " + ISO6709)
        + box(b"moof", box(b"traf", box(b"uuid", piff, b"keys"), box(b"udta", ISO6709)))
        + box(b"uuid", canon, b"CMT4 " + ISO6709)
    )
    clean = scrubbed(original + extra)

    assert ISO6709 not in clean and len(clean) == len(original + extra)
    assert piff + b"keys" in clean  # fragmented playback reads it
    assert b"sefd" not in clean and canon not in clean
    top = [name for name in tree(clean) if "/" not in name]
    assert top == ["ftyp", "moov", "free", "mdat", "free#", "free##", "moof", "free###"]


@pytest.mark.parametrize(
    ("tail", "why"),
    [
        (u32(4000) + b"mdat" + b"court", "runs past"),
        (u32(4) + b"free", "smaller than its header"),
        (u32(1) + b"mdat" + (10**9).to_bytes(8, "big"), "runs past"),
        (u32(24) + b"uuid" + b"abc", "uuid"),
        (b"\x00\x00\x01", "stray"),
        (box(b"moov", box(b"trak", u32(100) + b"mdia")), "runs past"),
    ],
)
def test_a_broken_box_tree_is_damaged(tail, why):
    data = movie().data + tail
    with pytest.raises(isobmff.DamagedMedia, match=why):
        isobmff.scrub(io.BytesIO(data), io.BytesIO())


def test_containers_nested_absurdly_deep_are_damaged():
    nested = box(b"free")
    for _ in range(isobmff.MAX_DEPTH + 2):
        nested = box(b"trak", nested)
    data = ftyp() + box(b"moov", nested)
    with pytest.raises(isobmff.DamagedMedia, match="nested deeper"):
        isobmff.scrub(io.BytesIO(data), io.BytesIO())


GPS_SAMPLES = (b"DEVC GPS5 " + ISO6709, b"DEVC GPS5 +44.8379-000.5791/", b"DEVC GPSU 261005")


def gps_trak(offsets: list[int], *, compact: bool) -> bytes:
    """An action camera's GPS track (handler ``meta``, GoPro's ``gpmd`` samples): chunk 1
    holds two samples, chunk 2 one; 8-bit ``stz2`` and ``co64`` when ``compact``."""
    lengths = [len(sample) for sample in GPS_SAMPLES]
    if compact:
        sizes = full(b"stz2", bytes(3), b"\x08", u32(len(lengths)), bytes(lengths))
        chunks = full(b"co64", u32(len(offsets)), *(o.to_bytes(8, "big") for o in offsets))
    else:
        sizes = full(b"stsz", u32(0, len(lengths), *lengths))
        chunks = full(b"stco", u32(len(offsets), *offsets))
    stbl = box(
        b"stbl",
        full(b"stsd", u32(1), box(b"gpmd", bytes(8))),
        full(b"stts", u32(1, len(lengths), 1000)),
        full(b"stsc", u32(2, 1, 2, 1, 2, 1, 1)),
        sizes,
        chunks,
    )
    return box(
        b"trak",
        full(b"tkhd", bytes(80), flags=3),
        box(
            b"mdia",
            full(b"mdhd", u32(0, 0, 1000, 3000), b"\x15\xc7\x00\x00"),
            full(b"hdlr", u32(0), b"meta", bytes(12), b"GoPro MET\x00"),
            box(b"minf", full(b"nmhd"), stbl),
        ),
    )


@pytest.mark.parametrize("compact", [False, True])
def test_the_samples_of_a_gps_track_are_zeroed_and_the_picture_stays(compact):
    # mdat: picture, GPS, GPS, picture, GPS; moov after it.
    video, gps = SAMPLES, GPS_SAMPLES
    start = len(ftyp()) + 8
    layout = [video[0], gps[0], gps[1], video[1], gps[2]]
    at = [start + sum(len(part) for part in layout[:i]) for i in range(len(layout))]
    movie_box = moov([at[0], at[3]])
    movie_box = box(b"moov", movie_box[8:], gps_trak([at[1], at[4]], compact=compact))
    original = ftyp() + box(b"mdat", *layout) + movie_box

    clean = scrubbed(original)

    assert len(clean) == len(original)
    assert b"GPS5" not in clean and b"GPSU" not in clean and ISO6709 not in clean
    assert clean[at[0] : at[0] + len(video[0])] == video[0]
    assert clean[at[3] : at[3] + len(video[1])] == video[1]
    assert clean[at[1] : at[3]] == bytes(len(gps[0] + gps[1]))
    assert clean[at[4] : at[4] + len(gps[2])] == bytes(len(gps[2]))
    assert tree(clean)["moov/trak#/mdia/hdlr"] == tree(original)["moov/trak#/mdia/hdlr"]


def test_a_gps_track_pointing_outside_mdat_is_damaged():
    original = movie().data
    moov_at = original.index(b"moov") - 4
    movie_box = box(
        b"moov", moov(movie().sample_offsets)[8:], gps_trak([moov_at, moov_at + 8], compact=False)
    )
    data = ftyp() + movie_box + xmp_uuid() + box(b"mdat", *SAMPLES)
    with pytest.raises(isobmff.DamagedMedia, match="outside mdat"):
        isobmff.scrub(io.BytesIO(data), io.BytesIO())


# --- checking uploads --------------------------------------------------------------------------


def test_a_sound_loses_its_metadata_too():
    original = movie(audio=True, moov_first=False).data
    checked = check_file(files.upload("chorale.m4a", original))

    assert checked.kind is kinds.M4A and checked.name == "chorale.m4a"
    clean = checked.content.read()
    assert ISO6709 not in clean and APPLE_LOCATION not in clean
    assert (checked.size, checked.sha256) == (len(original), hashlib.sha256(clean).hexdigest())
    for offset, sample in zip(chunk_offsets(clean), SAMPLES, strict=True):
        assert clean[offset : offset + len(sample)] == sample


def test_a_video_and_its_position_are_stored_without_the_position(bordeaux, media):
    original = movie(moov_first=False).data
    math = entry(bordeaux)
    with schema_context("bordeaux"):
        [attachment] = attachments_change(
            user=bordeaux["t1"],
            publication=math.publication,
            add=[files.upload("sortie.mp4", original)],
        )
        attachment.refresh_from_db()
    stored = (media / attachment.file.name).read_bytes()
    assert all(secret not in stored for secret in PERSONAL)
    assert len(stored) == len(original) and tree(stored)["mdat"] == tree(original)["mdat"]
    assert (attachment.content_type, attachment.size, attachment.sha256) == (
        "video/mp4",
        len(stored),
        hashlib.sha256(stored).hexdigest(),
    )


@pytest.mark.parametrize(
    ("name", "audio", "message"),
    [
        ("sortie.mp4", False, "« sortie.mp4 » est une vidéo illisible ou endommagée."),
        ("chorale.m4a", True, "« chorale.m4a » est un son illisible ou endommagé."),
    ],
)
def test_a_damaged_video_or_sound_is_refused_and_nothing_is_stored(
    bordeaux, media, name, audio, message
):
    broken = movie(audio=audio).data + u32(4000) + b"mdat" + b"coupe"
    math = entry(bordeaux)
    with schema_context("bordeaux"):
        with pytest.raises(AttachmentError) as refused:
            attachments_change(
                user=bordeaux["t1"],
                publication=math.publication,
                add=[files.upload("a.pdf", files.PDF), files.upload(name, broken)],
            )
        assert Attachment.objects.count() == 0
    assert str(refused.value) == message
    assert stored_files(media) == []


def test_the_homework_form_stores_the_video_without_its_position(bordeaux, as_user, media):
    original = movie().data
    response = as_user(bordeaux, "t1").post(
        new_entry_url(bordeaux),
        {**ENTRY, "attachments": [files.upload("Sortie au zoo.mp4", original, "video/mp4")]},
    )

    assert response.status_code == 302
    with schema_context("bordeaux"):
        attachment = Attachment.objects.get()
        assert attachment.publication == HomeworkEntry.objects.get().publication
    stored = (media / attachment.file.name).read_bytes()
    assert all(secret not in stored for secret in PERSONAL)
    assert chunk_offsets(stored) == movie().sample_offsets
    assert tree(stored)["mdat"] == tree(original)["mdat"]


def test_on_s3_the_stored_object_is_the_cleaned_copy(bordeaux, as_user, s3):
    original = movie(moov_first=False, mdat="large").data
    response = as_user(bordeaux, "t1").post(
        new_entry_url(bordeaux),
        {**ENTRY, "attachments": [files.upload("sortie.mp4", original, "video/mp4")]},
    )

    assert response.status_code == 302
    [key] = s3.keys()
    stored = s3.read(key)
    assert all(secret not in stored for secret in PERSONAL)
    assert len(stored) == len(original) and tree(stored)["mdat"] == tree(original)["mdat"]
    with schema_context("bordeaux"):
        assert Attachment.objects.get().sha256 == hashlib.sha256(stored).hexdigest()


def test_the_homework_form_refuses_a_damaged_video_with_one_french_sentence(
    bordeaux, as_user, media
):
    broken = movie().data[:-100]  # mdat runs past the end: the upload stopped short
    response = as_user(bordeaux, "t1").post(
        new_entry_url(bordeaux),
        {**ENTRY, "attachments": [files.upload("sortie.mp4", broken, "video/mp4")]},
    )

    assert response.status_code == 200
    page = text(response)
    assert page.count("« sortie.mp4 » est une vidéo illisible ou endommagée.") == 1
    with schema_context("bordeaux"):
        assert HomeworkEntry.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_a_big_video_is_cleaned_without_being_read_whole(settings):
    media_bytes = 30 * 1024 * 1024
    settings.ENT_ATTACHMENT_MAX_BYTES = 40 * 1024 * 1024
    head = ftyp() + moov([0, 0]) + xmp_uuid()
    first = len(head) + 8
    head = ftyp() + moov([first, first + len(SAMPLES[0])]) + xmp_uuid()
    upload = TemporaryUploadedFile("grande sortie.mp4", "video/mp4", 0, None)
    digest = hashlib.sha256()
    with upload:
        mdat_header = u32(8 + media_bytes) + b"mdat"
        block = bytes(range(256)) * 4096  # 1 Mo that is not zeros
        upload.write(head + mdat_header)
        for _ in range(media_bytes // len(block)):
            upload.write(block)
        upload.size = len(head) + 8 + media_bytes
        upload.seek(0)

        tracemalloc.start()
        try:
            checked = check_file(upload)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

        assert peak < 2 * 1024 * 1024, peak  # the file is 15 times that
        assert checked.size == upload.size
        clean = checked.content
        start = clean.read(len(head) + 8)
        assert all(secret not in start for secret in PERSONAL)
        assert (
            tree(start[: len(head)])["moov/trak/mdia/minf/stbl/stco"]
            == tree(head)["moov/trak/mdia/minf/stbl/stco"]
        )
        digest.update(start)
        for chunk in iter(lambda: clean.read(1024 * 1024), b""):
            assert chunk == block
            digest.update(chunk)
        assert checked.sha256 == digest.hexdigest()
        clean.close()
