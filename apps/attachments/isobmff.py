"""MP4 videos and M4A sounds (ISO base media files) without their metadata, sizes unchanged.

A phone writes into its videos where they were shot (``©xyz`` in ``moov/udta``, Apple's
``com.apple.quicktime.location.ISO6709`` key in ``moov/meta``, the same again per track), the
make and model of the camera, sometimes its owner's name; a school's video of a class outing
must not tell where the pupils were (DESIGN.md §6).

Every box that may hold such data becomes a ``free`` box of the same size whose payload is
zeros: no size and no position changes, so the chunk offsets (``stco``/``co64``) still point
at the same media bytes whether ``moov`` comes before or after ``mdat``, and the file still
plays (readers skip ``free`` boxes, and metadata is never needed to decode). Neutralised:

- ``udta``, ``meta`` and ``meco`` boxes wherever the walk meets them (file, movie, tracks,
  movie fragments);
- ``uuid`` boxes (XMP, vendors' EXIF such as Canon's or Sony's), except the few that
  fragmented playback reads;
- at the top of the file, any box but the ones that make the movie (``ftyp``, ``moov``,
  ``mdat``, fragments and their indexes): vendors put trailers there;
- the payload of ``free``/``skip``/``wide`` boxes, where editors leave old metadata behind.

The file is never read whole: box headers are read by seeking, the copy goes by chunks, and
the neutralised ranges are then patched in the copy. A box tree that does not hold together
(a size running past its parent, a box smaller than its header, containers nested absurdly
deep, too many boxes) raises ``DamagedMedia``: such a file is refused rather than half
cleaned.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

CHUNK = 64 * 1024
# A real movie nests moov/trak/mdia/minf/stbl (5); fragments moof/traf (2).
MAX_DEPTH = 8
# Only containers' children are counted; even a long fragmented movie has a few thousand.
MAX_BOXES = 100_000

# Boxes made only of boxes, walked to find the metadata inside. ``meta`` is not here: it is
# neutralised whole, wherever it is.
CONTAINERS = frozenset(
    {
        b"moov",
        b"trak",
        b"mdia",
        b"minf",
        b"stbl",
        b"edts",
        b"dinf",
        b"mvex",
        b"moof",
        b"traf",
        b"mfra",
        b"tref",
    }
)
METADATA = frozenset({b"udta", b"meta", b"meco"})
# Filler whose type stays (as ``free``) but whose payload may be a previous metadata's leftovers.
FILLER = frozenset({b"free", b"skip", b"wide"})
# What a player needs at the top of the file; anything else there is neutralised.
TOP_LEVEL = frozenset(
    {b"ftyp", b"moov", b"mdat", b"moof", b"mfra", b"styp", b"sidx", b"ssix", b"pdin", b"prft"}
)
# The uuid boxes of PIFF (Smooth Streaming) that playback of a fragmented file reads.
PLAYBACK_UUIDS = frozenset(
    bytes.fromhex(value)
    for value in (
        "a2394f525a9b4f14a2446c427c648df4",  # sample encryption
        "8974dbce7be74c5184f97148f9882554",  # track encryption
        "d08a4f1810f34a82b6c832d8aba183d3",  # protection system (pssh)
        "6d1d9b0542d544e680e2141daff757b2",  # fragment time (tfxd)
        "d4807ef2ca3946958e5426cb9e46a79f",  # next fragments (tfrf)
    )
)
XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")


class DamagedMedia(Exception):
    """The box tree does not hold together (a technical reason, for the logs)."""


@dataclass(frozen=True)
class Box:
    type: bytes
    start: int
    end: int
    size_bytes: int  # 8, or 16 with a 64-bit largesize: the part of the header that stays
    usertype: bytes | None = None  # a uuid box's 16-byte extended type

    @property
    def payload_start(self) -> int:
        return self.start + self.size_bytes + (16 if self.usertype is not None else 0)


def _read(file: IO[bytes], count: int) -> bytes:
    data = file.read(count)
    if len(data) != count:
        raise DamagedMedia(f"the file ends inside a box header (wanted {count} bytes)")
    return data


def boxes(file: IO[bytes], start: int, end: int) -> Iterator[Box]:
    """The boxes one after another from ``start`` to ``end`` (the parent's payload)."""
    offset = start
    while offset < end:
        if end - offset < 8:
            # QuickTime may close a list of boxes with a 32-bit zero; anything else is garbage.
            file.seek(offset)
            if _read(file, end - offset).strip(b"\x00"):
                raise DamagedMedia(f"{end - offset} stray bytes at {offset}")
            return
        file.seek(offset)
        head = _read(file, 8)
        size, kind = int.from_bytes(head[:4], "big"), head[4:8]
        size_bytes = 8
        if size == 1:
            if end - offset < 16:
                raise DamagedMedia(f"a 64-bit size runs past its parent at {offset}")
            size, size_bytes = int.from_bytes(_read(file, 8), "big"), 16
        elif size == 0:
            size = end - offset  # up to the end of the file (of the parent, nested)
        usertype = None
        if kind == b"uuid":
            if end - offset < size_bytes + 16:
                raise DamagedMedia(f"a uuid box's type runs past its parent at {offset}")
            usertype = _read(file, 16)
        box = Box(kind, offset, offset + size, size_bytes, usertype)
        if size < box.payload_start - offset:
            raise DamagedMedia(f"a {kind!r} box at {offset} is smaller than its header")
        if box.end > end:
            raise DamagedMedia(
                f"a {kind!r} box at {offset} runs past its parent ({box.end} > {end})"
            )
        yield box
        offset = box.end


def _neutralised(box: Box, parent: bytes | None) -> bool:
    if box.type in METADATA or box.type in FILLER:
        return True
    if box.type == b"uuid":
        return box.usertype not in PLAYBACK_UUIDS
    return parent is None and box.type not in TOP_LEVEL


def metadata_boxes(file: IO[bytes], length: int) -> list[Box]:
    """The boxes of ``file`` (``length`` bytes) to neutralise, in file order."""
    found: list[Box] = []
    walked = 0

    def walk(start: int, end: int, parent: bytes | None, depth: int) -> None:
        nonlocal walked
        for box in boxes(file, start, end):
            walked += 1
            if walked > MAX_BOXES:
                raise DamagedMedia(f"more than {MAX_BOXES} boxes")
            if _neutralised(box, parent):
                found.append(box)
            elif box.type in CONTAINERS:
                if depth >= MAX_DEPTH:
                    raise DamagedMedia(f"containers nested deeper than {MAX_DEPTH}")
                walk(box.payload_start, box.end, box.type, depth + 1)

    walk(0, length, None, 0)
    return found


def _zero(file: IO[bytes], start: int, end: int) -> None:
    file.seek(start)
    zeros = bytes(min(CHUNK, end - start))
    while start < end:
        step = min(CHUNK, end - start)
        file.write(zeros[:step])
        start += step


def scrub(source: IO[bytes], target: IO[bytes]) -> list[Box]:
    """Copy ``source`` into ``target`` (seekable, empty) with its metadata boxes neutralised;
    returns them. ``DamagedMedia`` (before anything is written) if the tree is malformed."""
    length = source.seek(0, 2)
    found = metadata_boxes(source, length)
    source.seek(0)
    shutil.copyfileobj(source, target, CHUNK)
    for box in found:
        target.seek(box.start + 4)
        target.write(b"free")
        # The size (and a 64-bit largesize) stays; a uuid's extended type goes with the rest.
        _zero(target, box.start + box.size_bytes, box.end)
    target.seek(0)
    source.seek(0)
    return found
