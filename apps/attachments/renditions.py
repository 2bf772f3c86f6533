"""Smaller copies of a photo for pages: the widths, the format, the keys, in one place.

A page that shows a 12 Mpx phone photo at 390 pixels would otherwise make a family's phone
download 4 to 8 MB for it. So every still photo is also written at the widths of
``RENDITION_WIDTHS`` that are smaller than it (aspect ratio kept), and a page offers them in
a ``srcset`` (``templatetags.attachments.photo``) next to the original, which stays what a
download gives.

They are made from the picture the upload check has already opened through
``images.opened`` (bounded before any pixel is decoded), turned by its EXIF orientation and
about to be written again without metadata (``services._without_metadata``): no second
decoding, and no file is ever decoded that was not checked first. Synchronously, in the
upload's request: the picture is decoded anyway for the metadata scrub, and resizing and
encoding the copies cost about as much again (a 12 Mpx photo: under a second for all the
widths on one core, bounded by ``images.MAX_PIXELS`` like the scrub), so a page never has
to wait for a task or fall back to the original for a photo just sent.

Not made for animations (GIF, animated WebP or PNG): a still first frame would freeze what
the original shows moving, and an animation is small anyway (``images.MAX_ANIMATION_PIXELS``);
a GIF is not even decoded on upload. Pages show their original.
"""

from __future__ import annotations

import io
import posixpath
from dataclasses import dataclass

from PIL import Image

# 480: a phone's column at 1x, 1024: the same at 2x-3x or a tablet, 1600: a desktop's
# column at 2x. Above the largest, a browser takes the original.
RENDITION_WIDTHS = (480, 1024, 1600)
# WebP rather than JPEG: a third smaller at the same look, it keeps the transparency of a
# PNG drawing (JPEG would need it flattened on some colour), and every browser a family or a
# school uses reads it (Safari since 2020). Lossy even for a PNG: a rendition is for looking.
RENDITION_FORMAT = "WEBP"
RENDITION_CONTENT_TYPE = "image/webp"
RENDITION_EXTENSION = "webp"
_QUALITY = 82
# The encoder's effort: 2 took half the time of its default (4) for the same size on a
# 12 Mpx photo's 1600 px copy (0.2 s against 0.4 s), and this runs in the upload's request.
_METHOD = 2
# ``/pieces-jointes/<id>/?largeur=480``: the download's parameter asking for a width.
WIDTH_PARAMETER = "largeur"


@dataclass(frozen=True)
class Encoded:
    width: int
    height: int
    data: bytes


def rendition_widths(width: int) -> list[int]:
    """The widths a photo ``width`` pixels wide gets: only smaller ones."""
    return [w for w in RENDITION_WIDTHS if w < width]


def encode(picture: Image.Image, *, icc_profile: bytes | None = None) -> list[Encoded]:
    """The renditions of ``picture`` (already decoded, oriented, within the bounds), largest
    first; each is written with no metadata but the colour profile, which is not personal
    and without which a phone's wide-gamut photo would look washed out."""
    width, height = picture.size
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info
    )
    if picture.mode == "CMYK":
        icc_profile = None  # a CMYK profile would describe colours the RGB copy no longer has
    source = picture.convert("RGBA" if has_alpha else "RGB")
    made = []
    for target in sorted(rendition_widths(width), reverse=True):
        size = (target, max(1, round(height * target / width)))
        # Each from the previous, larger one (a 12 Mpx photo is read once); reducing_gap lets
        # Pillow shrink by whole factors first, then filter: fast, and as good to the eye.
        source = source.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        out = io.BytesIO()
        options: dict[str, object] = {"quality": _QUALITY, "method": _METHOD}
        if icc_profile:
            options["icc_profile"] = icc_profile
        source.save(out, RENDITION_FORMAT, **options)
        made.append(Encoded(width=size[0], height=size[1], data=out.getvalue()))
    return made


def rendition_key(original_key: str, width: int) -> str:
    """Next to the original's object (same commune prefix, same random folder), so that a
    commune's renditions are listed, copied or purged with its files:
    ``…/<uuid>/sortie.jpg`` → ``…/<uuid>/sortie.480.webp``."""
    folder, name = posixpath.split(original_key)
    stem = posixpath.splitext(name)[0]
    return posixpath.join(folder, f"{stem}.{width}.{RENDITION_EXTENSION}")
