"""MP4 videos and M4A sounds (ISO base media files) without their metadata, sizes unchanged.

A phone writes into its videos where they were shot (``©xyz`` in ``moov/udta``, Apple's
``com.apple.quicktime.location.ISO6709`` key in ``moov/meta``, the same again per track), the
make and model of the camera, sometimes its owner's name; a school's video of a class outing
must not tell anyone who downloads it where the pupils were, or whose phone filmed them.

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
- the payload of ``free``/``skip``/``wide`` boxes, where editors leave old metadata behind;
- the samples of timed metadata tracks (an action camera's GPS track, Google's camera motion
  track), zeroed where the track's tables put them in ``mdat``: the track stays, empty.

The file is never read whole: box headers and sample tables are read by seeking, the copy
goes by chunks, and the neutralised ranges are then patched in the copy. A box tree that does
not hold together (a size running past its parent, a box smaller than its header, containers
nested absurdly deep, too many boxes, metadata samples outside ``mdat`` or overlapping, sample
tables absurdly long) raises ``DamagedMedia``: such a file is refused rather than half cleaned.
The work is bounded whatever the file says: at most ``MAX_BOXES`` box headers read,
``MAX_DEPTH`` levels, ``MAX_TABLE_ENTRIES`` table entries, and no more bytes zeroed than
``mdat`` holds. Not covered yet: the samples of metadata tracks in fragmented files (located
by ``moof``/``trun``).
"""

from __future__ import annotations

import bisect
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

CHUNK = 64 * 1024
# A real movie nests moov/trak/mdia/minf/stbl (5); fragments moof/traf (2).
MAX_DEPTH = 8
# Only containers' children are counted; even a long fragmented movie has a few thousand.
MAX_BOXES = 100_000
# The sample tables of the timed metadata tracks, all together (their entries are read in
# Python, twice): a GPS track has one sample a second, Apple's a few; an hour is 10,000.
MAX_TABLE_ENTRIES = 200_000

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
# Tracks whose samples are metadata, not picture or sound: timed metadata ("meta": GoPro's
# GPMF with its GPS, Apple's mebx) and Google's camera motion ("camm", GPS too).
TIMED_METADATA = frozenset({b"meta", b"camm"})
SAMPLE_TABLES = {
    b"stsc": b"stsc",
    b"stsz": b"sizes",
    b"stz2": b"sizes",
    b"stco": b"offsets",
    b"co64": b"offsets",
}


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


@dataclass
class Track:
    """What a track's sample tables need to find its samples in the file."""

    handler: bytes = b""
    tables: dict[bytes, Box] = field(default_factory=dict)  # stsc, stsz/stz2, stco/co64


@dataclass
class Plan:
    """What to change in a file: boxes to neutralise, timed metadata tracks to silence."""

    boxes: list[Box] = field(default_factory=list)
    tracks: list[Track] = field(default_factory=list)
    media: list[tuple[int, int]] = field(default_factory=list)  # the mdat payloads


def _handler(file: IO[bytes], box: Box) -> bytes:
    # hdlr: version and flags, pre_defined, then the handler type.
    if box.end - box.payload_start < 12:
        raise DamagedMedia(f"a hdlr box at {box.start} is too short")
    file.seek(box.payload_start + 8)
    return _read(file, 4)


def plan(file: IO[bytes], length: int) -> Plan:
    """What to change in ``file`` (``length`` bytes); ``DamagedMedia`` if it is malformed."""
    found = Plan()
    walked = 0

    def walk(start: int, end: int, parent: bytes | None, depth: int, track: Track | None) -> None:
        nonlocal walked
        for box in boxes(file, start, end):
            walked += 1
            if walked > MAX_BOXES:
                raise DamagedMedia(f"more than {MAX_BOXES} boxes")
            if _neutralised(box, parent):
                found.boxes.append(box)
            elif box.type in CONTAINERS:
                if depth >= MAX_DEPTH:
                    raise DamagedMedia(f"containers nested deeper than {MAX_DEPTH}")
                inner = Track() if box.type == b"trak" else track
                walk(box.payload_start, box.end, box.type, depth + 1, inner)
                if box.type == b"trak" and inner is not None:
                    if inner.handler in TIMED_METADATA:
                        found.tracks.append(inner)
            elif box.type == b"mdat" and parent is None:
                found.media.append((box.payload_start, box.end))
            elif track is not None and parent == b"mdia" and box.type == b"hdlr":
                track.handler = _handler(file, box)
            elif track is not None and parent == b"stbl" and box.type in SAMPLE_TABLES:
                track.tables[SAMPLE_TABLES[box.type]] = box

    walk(0, length, None, 0, None)
    entries = sum(_entries(file, track) for track in found.tracks)
    if entries > MAX_TABLE_ENTRIES:
        raise DamagedMedia(f"{entries} entries in metadata sample tables")
    # mdat boxes are at the top, met in the file's order: sorted, apart.
    starts = [start for start, _ in found.media]
    media_bytes = sum(end - start for start, end in found.media)
    zeroed = 0
    for track in found.tracks:
        for start, end in _chunks(file, track):  # all inside an mdat, or nothing is changed
            index = bisect.bisect_right(starts, start) - 1
            if index < 0 or end > found.media[index][1]:
                raise DamagedMedia(f"a metadata chunk at {start}-{end} is outside mdat")
            # Chunks that overlap would have the same bytes zeroed again and again.
            zeroed += end - start
            if zeroed > media_bytes:
                raise DamagedMedia("metadata chunks overlap: they hold more than mdat")
    return found


# --- where a track's samples are ------------------------------------------------------------


def _table(file: IO[bytes], box: Box, skip: int, width: int, count: int) -> Iterator[int]:
    """``count`` big-endian integers of ``width`` bytes, ``skip`` bytes into ``box``'s payload,
    read a block at a time (the file is shared: every block seeks)."""
    position = box.payload_start + skip
    if position + count * width > box.end:
        raise DamagedMedia(f"a {box.type!r} table at {box.start} runs past its box")
    per_block = max(1, CHUNK // width)
    while count:
        step = min(per_block, count)
        file.seek(position)
        block = _read(file, step * width)
        for at in range(0, len(block), width):
            yield int.from_bytes(block[at : at + width], "big")
        position += step * width
        count -= step


def _count(file: IO[bytes], box: Box, at: int) -> int:
    if box.payload_start + at + 4 > box.end:
        raise DamagedMedia(f"a {box.type!r} box at {box.start} is too short")
    file.seek(box.payload_start + at)
    return int.from_bytes(_read(file, 4), "big")


class _Sizes:
    """The sizes of a track's samples, in order (``stsz``, or the compact ``stz2``)."""

    def __init__(self, file: IO[bytes], box: Box) -> None:
        self.constant = 0
        if box.type == b"stsz":
            self.constant = _count(file, box, 4)
            self.left = _count(file, box, 8)
            if not self.constant:
                self.sizes = _table(file, box, 12, 4, self.left)
        else:  # stz2: reserved, field size in bits (4, 8 or 16), then the packed table
            bits = _count(file, box, 4) & 0xFF
            self.left = _count(file, box, 8)
            if bits not in (4, 8, 16):
                raise DamagedMedia(f"a stz2 box at {box.start} has {bits}-bit fields")
            if bits == 4:
                self.sizes = (
                    nibble
                    for byte in _table(file, box, 12, 1, (self.left + 1) // 2)
                    for nibble in (byte >> 4, byte & 0xF)
                )
            else:
                self.sizes = _table(file, box, 12, bits // 8, self.left)

    def take(self, count: int) -> int:
        """The bytes of the next ``count`` samples."""
        if count > self.left:
            raise DamagedMedia("a chunk holds more samples than its track")
        self.left -= count
        if self.constant:
            return self.constant * count
        return sum(next(self.sizes) for _ in range(count))


def _entries(file: IO[bytes], track: Track) -> int:
    """How many entries ``_chunks`` reads from ``track``'s tables."""
    _check_tables(track)
    sizes = track.tables[b"sizes"]
    samples = _count(file, sizes, 8)
    if sizes.type == b"stsz" and _count(file, sizes, 4):
        samples = 0  # one size for all: no table
    stsc, offsets = track.tables[b"stsc"], track.tables[b"offsets"]
    return _count(file, offsets, 4) + 3 * _count(file, stsc, 4) + samples


def _check_tables(track: Track) -> None:
    if set(track.tables) != {b"stsc", b"sizes", b"offsets"}:
        raise DamagedMedia("a metadata track lacks its sample tables")


def _chunks(file: IO[bytes], track: Track) -> Iterator[tuple[int, int]]:
    """Where each chunk of ``track``'s samples lies in the file: (start, end)."""
    _check_tables(track)
    stsc, offsets_box = track.tables[b"stsc"], track.tables[b"offsets"]
    width = 8 if offsets_box.type == b"co64" else 4
    offsets = _table(file, offsets_box, 8, width, _count(file, offsets_box, 4))
    runs = _table(file, stsc, 8, 4, 3 * _count(file, stsc, 4))  # first chunk, samples, index
    sizes = _Sizes(file, track.tables[b"sizes"])
    run = next(runs, None)
    if run != 1 and run is not None:
        raise DamagedMedia("a stsc table does not start at chunk 1")
    per_chunk, following = 0, run
    for number, offset in enumerate(offsets, start=1):
        if run is None:
            raise DamagedMedia("a track has chunks but no stsc entry")
        while following is not None and following <= number:
            per_chunk = next(runs)
            next(runs)  # the sample description does not matter here
            previous, following = following, next(runs, None)
            if following is not None and following <= previous:
                raise DamagedMedia("a stsc table goes backwards")
        yield offset, offset + sizes.take(per_chunk)


# --- writing the copy -----------------------------------------------------------------------


def _zero(file: IO[bytes], start: int, end: int) -> None:
    file.seek(start)
    zeros = bytes(min(CHUNK, end - start))
    while start < end:
        step = min(CHUNK, end - start)
        file.write(zeros[:step])
        start += step


def scrub(source: IO[bytes], target: IO[bytes]) -> Plan:
    """Copy ``source`` into ``target`` (seekable, empty) with its metadata neutralised; returns
    what was changed. ``DamagedMedia`` (before anything is written) if it is malformed."""
    length = source.seek(0, 2)
    changes = plan(source, length)
    source.seek(0)
    shutil.copyfileobj(source, target, CHUNK)
    for box in changes.boxes:
        target.seek(box.start + 4)
        target.write(b"free")
        # The size (and a 64-bit largesize) stays; a uuid's extended type goes with the rest.
        _zero(target, box.start + box.size_bytes, box.end)
    for track in changes.tracks:
        for start, end in _chunks(source, track):
            _zero(target, start, end)
    target.seek(0)
    source.seek(0)
    return changes
