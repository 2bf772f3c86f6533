"""The kinds of file a notebook accepts, recognised by their content, never by their name.

Accepted: PDF; PNG, JPEG, WebP and GIF images; MP3, M4A (AAC in MP4) and Ogg (Vorbis, Opus,
FLAC) sounds; MP4 and WebM videos; ODT and DOCX text documents (a teacher's worksheet is
often one: ODT is the public sector's open format, DOCX what families' computers make).
Refused, among others: SVG and HTML (they run scripts in a browser), spreadsheets and
presentations, archives, executables, documents with macros, QuickTime ``.mov`` (convert it
to MP4) and anything not recognised.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

HEAD_BYTES = 4096


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]  # the first one names the stored object
    family: str  # document, image, audio, video
    label: str

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def icon(self) -> str:
        return FAMILY_ICONS[self.family]


FAMILY_ICONS = {"document": "📄", "image": "🖼️", "audio": "🎧", "video": "🎬"}

PDF = FileKind("application/pdf", ("pdf",), "document", "PDF")
PNG = FileKind("image/png", ("png",), "image", "image PNG")
JPEG = FileKind("image/jpeg", ("jpg", "jpeg"), "image", "image JPEG")
WEBP = FileKind("image/webp", ("webp",), "image", "image WebP")
GIF = FileKind("image/gif", ("gif",), "image", "image GIF")
MP3 = FileKind("audio/mpeg", ("mp3",), "audio", "son MP3")
M4A = FileKind("audio/mp4", ("m4a",), "audio", "son M4A")
OGG = FileKind("audio/ogg", ("ogg", "oga", "opus"), "audio", "son OGG")
MP4 = FileKind("video/mp4", ("mp4", "m4v"), "video", "vidéo MP4")
WEBM = FileKind("video/webm", ("webm",), "video", "vidéo WebM")
ODT = FileKind("application/vnd.oasis.opendocument.text", ("odt",), "document", "document ODT")
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
    "document",
    "document DOCX",
)

KINDS = {
    kind.content_type: kind
    for kind in (PDF, PNG, JPEG, WEBP, GIF, MP3, M4A, OGG, MP4, WEBM, ODT, DOCX)
}
ACCEPTED_TEXT = (
    "PDF, images PNG, JPEG, WebP ou GIF, sons MP3, M4A ou OGG, vidéos MP4 ou WebM, "
    "documents ODT ou DOCX"
)
# For the file picker only (a hint: the content decides).
ACCEPT_ATTRIBUTE = ",".join(
    [f".{ext}" for kind in KINDS.values() for ext in kind.extensions] + list(KINDS)
)

_MP4_AUDIO_BRANDS = {b"M4A ", b"M4B "}
_MP4_VIDEO_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"M4V ",
    b"MSNV",
    b"dash",
}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# Larger than any real [Content_Types].xml; a bound so that a crafted archive cannot make us
# inflate gigabytes.
_ZIP_MEMBER_LIMIT = 1024 * 1024
# What zipfile may read of an archive in all. It reads the central directory whole and makes
# an object of each entry: a few megabytes of entries would be hundreds of thousands of
# objects. A document's directory is about 100 bytes an entry (a worksheet with a hundred
# pictures: 10 kB); the members read above are small.
_ZIP_READ_LIMIT = 4 * 1024 * 1024


class _CappedReader:
    """``file`` for zipfile, which may read at most ``limit`` bytes of it in all."""

    def __init__(self, file: IO[bytes], limit: int) -> None:
        self.file, self.left = file, limit

    def read(self, size: int = -1, /) -> bytes:
        if size < 0:  # zipfile reads the end of the archive this way, to the end of the file
            here = self.file.tell()
            size = self.file.seek(0, 2) - here
            self.file.seek(here)
        if size > self.left:
            raise OSError("zipfile would read more of the archive than allowed")
        data = self.file.read(size)
        self.left -= len(data)
        return data

    def seek(self, offset: int, whence: int = 0, /) -> int:
        return self.file.seek(offset, whence)

    def tell(self) -> int:
        return self.file.tell()

    def seekable(self) -> bool:
        return True


def _is_mp3(head: bytes) -> bool:
    if head.startswith(b"ID3"):
        return True
    if len(head) < 3 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer, bitrate = (head[1] >> 3) & 3, (head[1] >> 1) & 3, head[2] >> 4
    return version != 1 and layer == 1 and bitrate not in (0, 15)  # MPEG audio layer III


def _mp4_kind(head: bytes) -> FileKind | None:
    if head[4:8] != b"ftyp":
        return None
    box_end = min(int.from_bytes(head[0:4], "big"), len(head))
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, box_end - 3, 4)}
    if head[8:12] in _MP4_AUDIO_BRANDS:
        return M4A
    if brands & _MP4_VIDEO_BRANDS:
        return MP4
    return None


def _zip_kind(file: IO[bytes]) -> FileKind | None:
    try:
        with zipfile.ZipFile(_CappedReader(file, _ZIP_READ_LIMIT)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    if member.read(len(_ODT_MIMETYPE) + 1).strip() != _ODT_MIMETYPE:
                        return None
                # OpenDocument macros live in Basic/ (and Scripts/).
                if any(n.startswith(("Basic/", "Scripts/")) for n in names):
                    return None
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                with archive.open("[Content_Types].xml") as member:
                    types = member.read(_ZIP_MEMBER_LIMIT)
                if _DOCX_MAIN not in types or any(n.endswith("vbaProject.bin") for n in names):
                    return None
                return DOCX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    return None


def sniff(file: IO[bytes]) -> FileKind | None:
    """The kind of ``file`` (a seekable binary file), from its content; None if not accepted."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[0:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"OggS"):
        first_page = head[:512]
        if any(codec in first_page for codec in (b"OpusHead", b"\x01vorbis", b"\x7fFLAC")):
            return OGG
        return None
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: WebM only, not any Matroska
        header = head[:64]
        return WEBM if b"\x42\x82" in header and b"webm" in header else None
    if (kind := _mp4_kind(head)) is not None:
        return kind
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(file)
        file.seek(0)
        return kind
    if _is_mp3(head):
        return MP3
    return None
