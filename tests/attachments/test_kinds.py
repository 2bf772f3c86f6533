"""Kinds come from the content: a name or a browser's claimed type changes nothing."""

from __future__ import annotations

import io

import pytest

from apps.attachments import kinds
from tests.attachments import files


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (files.PDF, kinds.PDF),
        (files.png(), kinds.PNG),
        (files.jpeg_with_gps(), kinds.JPEG),
        (b"GIF89a" + bytes(20), kinds.GIF),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(20), kinds.WEBP),
        (files.MP3, kinds.MP3),
        (b"\xff\xfb\x90\x64" + bytes(100), kinds.MP3),
        (files.mp4(b"M4A "), kinds.M4A),
        (files.mp4(b"isom"), kinds.MP4),
        (files.mp4(b"mp42"), kinds.MP4),
        (files.ogg(), kinds.OGG),
        (files.webm(), kinds.WEBM),
        (files.odt(), kinds.ODT),
        (files.docx(), kinds.DOCX),
    ],
)
def test_accepted_kinds_are_recognised_by_their_content(content, kind):
    assert kinds.sniff(io.BytesIO(content)) is kind


@pytest.mark.parametrize(
    "content",
    [
        files.HTML,
        files.SVG,
        files.EXE,
        b"plain text, named devoir.pdf",
        files.docx(macros=True),
        files.mp4(b"qt  ", compatible=b"qt  "),  # QuickTime (.mov)
        b"\x1a\x45\xdf\xa3\x9f\x42\x82\x88matroska" + bytes(40),  # Matroska, not WebM
        b"OggS\x00\x02" + bytes(22) + b"\x80theora" + bytes(40),  # Ogg video
        b"PK\x03\x04 not really a zip" + bytes(40),
        b"",
    ],
)
def test_other_content_is_refused(content):
    assert kinds.sniff(io.BytesIO(content)) is None


def test_sniffing_leaves_the_file_at_its_start():
    file = io.BytesIO(files.docx())
    kinds.sniff(file)
    assert file.tell() == 0
