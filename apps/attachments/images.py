"""Photos bounded before anything decodes them: the limits, and the header reading they need.

A small file can hold a huge picture (a PNG of one colour, 20,000 × 20,000 pixels, is a few
hundred kilobytes and 1.2 GB once decoded), or make a decoder work for minutes (a JPEG of
millions of empty segments, a PNG of millions of empty chunks, a progressive JPEG of thousands
of scans). Pillow refuses only above twice its own ``MAX_IMAGE_PIXELS`` and bounds none of
the rest, so every photo goes through here first, and nothing is stored if it is refused:

- its structure is walked (``walk``: chunks, segments or blocks, their number bounded), which
  gives its size and its number of frames without decoding a pixel;
- then Pillow opens it (lazily: the header only), with its decompression bomb warning turned
  into a refusal, and the size and frames Pillow found are checked again (``check``) before
  the pixels are ever loaded.

The limits, in one place. A phone's photo is 12 to 24 Mpx, 48 to 50 Mpx in its full
resolution mode (8,160 × 6,120): all fit, and one decoded takes at most 200 MB (4 bytes a
pixel).
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageFile

from apps.attachments import kinds
from apps.french.formatting import NNBSP

MAX_PIXELS = 50_000_000
# A phone's panorama fits (WebP cannot be wider than 16,383 anyway).
MAX_SIDE = 16_384
# An animation's frames are decoded one after another, each as big as the canvas, and a WebP's
# are encoded again: all its frames together cost no more than the largest photo (a phone's
# animated GIF is 100 frames of 480 × 270 pixels: 13 Mpx).
MAX_FRAMES = 1_000
MAX_ANIMATION_PIXELS = MAX_PIXELS  # frames × pixels: 200 frames of 500 × 500
# PNG chunks, JPEG segments, GIF blocks: a real photo has tens (a PNG's picture data comes in
# 8 kB chunks: a few thousand). Pillow reads each in Python, keeping JPEG's in memory.
MAX_PARTS = 50_000
# A progressive JPEG's picture comes in about ten scans; each more is another pass over the
# whole picture, so a few kilobytes of empty scans make the decoder work for minutes.
MAX_SCANS = 100

PILLOW_FORMATS = {kinds.JPEG: "JPEG", kinds.PNG: "PNG", kinds.WEBP: "WEBP", kinds.GIF: "GIF"}
_BLOCK = 64 * 1024


class ImageRefused(Exception):
    """``str(error)`` is the French sentence to show: too big, or structured absurdly."""


class Unreadable(Exception):
    """The structure does not hold together (a technical reason, for the logs)."""


def _number(value: int) -> str:
    return f"{value:,}".replace(",", NNBSP)


def _too_large(name: str, detail: str) -> ImageRefused:
    return ImageRefused(
        f"Image trop grande : « {name} » {detail} ; {_number(MAX_PIXELS // 1_000_000)} millions "
        f"de pixels au maximum, {_number(MAX_SIDE)} pixels de côté au plus."
    )


def check(name: str, width: int, height: int, frames: int = 1) -> None:
    """``ImageRefused`` unless a picture of ``width`` × ``height`` pixels in ``frames`` frames
    is within the limits."""
    size = f"{_number(width)} × {_number(height)} pixels"
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise _too_large(name, f"mesure {size}")
    if frames > MAX_FRAMES:
        raise ImageRefused(
            f"Image trop grande : « {name} » est une animation de {_number(frames)} images ; "
            f"{_number(MAX_FRAMES)} images au maximum."
        )
    if frames > 1 and frames * width * height > MAX_ANIMATION_PIXELS:
        raise ImageRefused(
            f"Image trop grande : « {name} » est une animation de {_number(frames)} images de "
            f"{size} ; {_number(MAX_ANIMATION_PIXELS // 1_000_000)} millions de pixels au "
            "maximum pour toutes ses images."
        )


def _too_many_parts(name: str) -> ImageRefused:
    return ImageRefused(
        f"« {name} » est une image construite de façon anormale (trop de blocs) : "
        "enregistrez-la de nouveau depuis un logiciel de photos."
    )


# --- walking the structure without decoding ----------------------------------------------------


@dataclass
class Shape:
    """What the structure says: the picture's size (None if not found) and its frames."""

    size: tuple[int, int] | None = None
    frames: int = 1


class _Reader:
    """Reads forward through a file a block at a time; skipping costs nothing."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.buffer = b""
        self.at = 0  # in buffer
        self.offset = 0  # of buffer[0] in the file

    def take(self, count: int) -> bytes:
        """``count`` bytes, or fewer at the end of the file."""
        if self.at + count > len(self.buffer):
            self.file.seek(self.offset + self.at)
            self.offset += self.at
            self.buffer = self.file.read(max(count, _BLOCK))
            self.at = 0
        data = self.buffer[self.at : self.at + count]
        self.at += len(data)
        return data

    def skip(self, count: int) -> None:
        if self.at + count <= len(self.buffer):
            self.at += count
        else:
            self.offset += self.at + count
            self.buffer, self.at = b"", 0

    def find(self, pattern: re.Pattern[bytes]) -> bool:
        """Move to the start of the next match of ``pattern`` (at most 2 bytes long)."""
        while True:
            if (match := pattern.search(self.buffer, self.at)) is not None:
                self.at = match.start()
                return True
            kept = self.buffer[max(self.at, len(self.buffer) - 1) :]  # a match may straddle
            self.file.seek(self.offset + len(self.buffer))
            block = self.file.read(_BLOCK)
            if not block:
                return False
            self.offset += len(self.buffer) - len(kept)
            self.buffer, self.at = kept + block, 0


def _png(reader: _Reader, name: str) -> Shape:
    shape = Shape()
    reader.skip(8)
    declared, controls, parts = 0, 0, 0
    while len(head := reader.take(8)) == 8:
        parts += 1
        if parts > MAX_PARTS:
            raise _too_many_parts(name)
        length, kind = int.from_bytes(head[:4], "big"), head[4:]
        if kind == b"IHDR" and parts == 1 and len(header := reader.take(8)) == 8:
            shape.size = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")
            length -= 8
        elif kind == b"acTL" and len(count := reader.take(4)) == 4:
            declared = int.from_bytes(count, "big")
            length -= 4
        elif kind == b"fcTL":
            controls += 1
        elif kind == b"IEND":
            break
        reader.skip(max(length, 0) + 4)  # the data, then the CRC
    # Decoders go by the frame controls or by the count announced: the larger counts.
    shape.frames = max(1, declared, controls)
    return shape


def _gif(reader: _Reader, name: str) -> Shape:
    screen = reader.take(13)
    shape = Shape(
        size=(int.from_bytes(screen[6:8], "little"), int.from_bytes(screen[8:10], "little"))
    )
    if len(screen) == 13 and screen[10] & 0x80:
        reader.skip(3 << ((screen[10] & 7) + 1))  # the global colour table
    frames, parts = 0, 0

    def skip_sub_blocks() -> None:
        nonlocal parts
        while length := reader.take(1):
            if not length[0]:
                return
            parts += 1
            if parts > MAX_PARTS * 20:  # a sub-block is at most 255 bytes: 250 MB
                raise _too_many_parts(name)
            reader.skip(length[0])

    while introducer := reader.take(1):
        parts += 1
        if parts > MAX_PARTS * 20:
            raise _too_many_parts(name)
        if introducer == b",":  # a frame: its place and size, its colours, its picture
            frames += 1
            if frames > MAX_FRAMES:
                break
            descriptor = reader.take(9)
            if len(descriptor) < 9:
                break
            left, top, width, height = (
                int.from_bytes(descriptor[i : i + 2], "little") for i in range(0, 8, 2)
            )
            check(name, left + width, top + height)  # a frame may be larger than the screen
            if descriptor[8] & 0x80:
                reader.skip(3 << ((descriptor[8] & 7) + 1))
            reader.skip(1)  # the LZW code size
            skip_sub_blocks()
        elif introducer == b"!":
            reader.skip(1)  # the extension's label
            skip_sub_blocks()
        else:  # the trailer, or garbage after the last frame (browsers stop there too)
            break
    shape.frames = max(frames, 1)
    return shape


# A marker: 0xFF, then anything but 0 (an escaped 0xFF byte), a restart or another 0xFF (fill).
_MARKER = re.compile(rb"\xff[\x01-\xcf\xd8-\xfe]")
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})  # TEM, RSTn, SOI: no length
_FRAME_HEADERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # SOFn


def _jpeg(reader: _Reader, name: str) -> Shape:
    shape = Shape()
    reader.skip(2)  # SOI
    parts, scans = 0, 0
    while reader.find(_MARKER):
        parts += 1
        if parts > MAX_PARTS:
            raise _too_many_parts(name)
        marker = reader.take(2)[1]
        if marker == 0xD9:  # EOI
            break
        if marker in _STANDALONE:
            continue
        head = reader.take(2)
        if len(head) < 2:
            break
        length = int.from_bytes(head, "big")
        if marker in _FRAME_HEADERS and shape.size is None and len(frame := reader.take(5)) == 5:
            shape.size = int.from_bytes(frame[3:5], "big"), int.from_bytes(frame[1:3], "big")
            length -= 5
        elif marker == 0xDA:  # SOS: the scan's header, then its picture data up to a marker
            scans += 1
            if scans > MAX_SCANS:
                raise ImageRefused(
                    f"« {name} » est une image construite de façon anormale ({_number(scans)} "
                    f"passes, {_number(MAX_SCANS)} au plus) : enregistrez-la de nouveau depuis "
                    "un logiciel de photos."
                )
        reader.skip(max(length - 2, 0))
    return shape


def _webp(reader: _Reader) -> Shape:
    # The first chunk gives the canvas; the frames are counted by Pillow, whose decoder
    # allocates the whole canvas as it opens the file: that is why the size is read here.
    head = reader.take(30)
    chunk, size = head[12:16], None
    if chunk == b"VP8 " and len(head) == 30 and head[23:26] == b"\x9d\x01\x2a":
        size = (
            int.from_bytes(head[26:28], "little") & 0x3FFF,
            int.from_bytes(head[28:30], "little") & 0x3FFF,
        )
    elif chunk == b"VP8X" and len(head) == 30:
        size = int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
    elif chunk == b"VP8L" and len(head) >= 25 and head[20] == 0x2F:
        bits = int.from_bytes(head[21:25], "little")
        size = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return Shape(size=size)


def walk(file: IO[bytes], kind: kinds.FileKind, name: str) -> Shape:
    """The size and frames of the photo ``file`` (a ``kind`` image) from its structure, never
    decoding it; ``ImageRefused`` if they or its structure are beyond the limits."""
    file.seek(0)
    reader = _Reader(file)
    if kind is kinds.PNG:
        shape = _png(reader, name)
    elif kind is kinds.GIF:
        shape = _gif(reader, name)
    elif kind is kinds.JPEG:
        shape = _jpeg(reader, name)
    else:
        shape = _webp(reader)
    file.seek(0)
    if shape.size is None:  # every one of these formats says it before its picture data
        raise Unreadable(f"no {kind.label} header giving the size")
    check(name, *shape.size, frames=shape.frames)
    return shape


# --- opening with Pillow ------------------------------------------------------------------------


@contextlib.contextmanager
def opened(file: IO[bytes], kind: kinds.FileKind, name: str) -> Iterator[ImageFile.ImageFile]:
    """The photo ``file`` opened by Pillow, header only, once its structure (``walk``), its
    size and its frames are within the limits; ``ImageRefused`` otherwise, ``Unreadable`` if
    Pillow cannot read it. Nothing is decoded before the block asks for the pixels."""
    shape = walk(file, kind, name)
    # Pillow only warns of a decompression bomb (above its MAX_IMAGE_PIXELS, and refuses above
    # twice that): here the warning is a refusal, in the block too. The filter is the
    # process's (``catch_warnings`` is not thread-safe): the guarantee is ``check``, whose
    # MAX_PIXELS is below Pillow's limit, and this the second line.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(file, formats=[PILLOW_FORMATS[kind]])
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise _too_large(name, "dépasse les limites") from error
        except (Image.UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
            raise Unreadable(str(error)) from error
        with image:
            # GIF's n_frames reads the whole file in Python: the walk counted them, bounded.
            frames = shape.frames if kind is kinds.GIF else int(getattr(image, "n_frames", 1))
            check(name, *image.size, frames=frames)
            try:
                yield image
            except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
                raise _too_large(name, "dépasse les limites") from error
