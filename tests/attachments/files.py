"""Small real files of each kind, made here (no fixture files to keep in the repository)."""

from __future__ import annotations

import io
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(400)
HTML = b"<!doctype html><script>alert(document.cookie)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
EXE = b"MZ\x90\x00" + bytes(200)

GPS_IFD = 0x8825
CAMERA_MAKE = 0x010F


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[CAMERA_MAKE] = "Téléphone de la maîtresse"
    exif[GPS_IFD] = {1: "N", 2: (44.0, 50.0, 0.0), 3: "W", 4: (0.0, 34.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 120, 200)).save(out, "PNG")
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def docx(*, macros: bool = False) -> bytes:
    out = io.BytesIO()
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", f'<Types><Override ContentType="{main}"/></Types>')
        archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 10)
    return out.getvalue()


def mp4(brand: bytes = b"isom", compatible: bytes = b"mp41") -> bytes:
    ftyp = b"ftyp" + brand + b"\x00\x00\x02\x00" + brand + compatible
    return (len(ftyp) + 4).to_bytes(4, "big") + ftyp + b"\x00\x00\x00\x08free" + bytes(100)


def webm() -> bytes:
    return b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm\x42\x87\x81\x04" + bytes(100)


def ogg() -> bytes:
    return b"OggS\x00\x02" + bytes(22) + b"\x01\x13OpusHead\x01\x02" + bytes(100)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- images too big, or built to make a decoder work (never decoded by the tests) ------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data).to_bytes(4, "big")
    return len(data).to_bytes(4, "big") + kind + data + crc


def png_of_one_colour(width: int, height: int) -> bytes:
    """A real PNG, black and white (1 bit a pixel), all black: a few hundred kilobytes for
    hundreds of millions of pixels. Written row by row, never held whole."""
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    packer = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)  # filter type 0, then the row's bits
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def png_with_chunks(count: int) -> bytes:
    """A small PNG with ``count`` empty private chunks before its picture."""
    small = png()
    return small[:33] + _png_chunk(b"prVt", b"") * count + small[33:]  # after IHDR


def apng(width: int, height: int, *, frames: int = 2, declared: int | None = None) -> bytes:
    """An animated PNG of ``frames`` frames, announcing ``declared`` of them."""
    pictures = [Image.new("RGB", (width, height), (i * 40 % 256, 80, 160)) for i in range(frames)]
    out = io.BytesIO()
    pictures[0].save(out, "PNG", save_all=True, append_images=pictures[1:], duration=100)
    data = out.getvalue()
    if declared is not None:
        at = data.index(b"acTL") - 4
        control = declared.to_bytes(4, "big") + data[at + 12 : at + 16]
        data = data[:at] + _png_chunk(b"acTL", control) + data[at + 20 :]
    return data


def gif(width: int, height: int, frames: int, *, frame: tuple[int, int] | None = None) -> bytes:
    """A GIF whose screen is ``width`` × ``height`` with ``frames`` frames of one pixel's
    picture data (``frame`` gives their declared size: the screen's by default)."""
    frame_width, frame_height = frame or (width, height)
    screen = width.to_bytes(2, "little") + height.to_bytes(2, "little") + b"\x80\x00\x00"
    one_frame = (
        b"!\xf9\x04\x00\x0a\x00\x00\x00"  # graphic control: 0.1 s
        + b",\x00\x00\x00\x00"
        + frame_width.to_bytes(2, "little")
        + frame_height.to_bytes(2, "little")
        + b"\x00\x02\x02\x44\x01\x00"  # LZW: clear, colour 0, end
    )
    return b"GIF89a" + screen + b"\x00\x00\x00\xff\xff\xff" + one_frame * frames + b";"


def animated_gif(frames: int = 3) -> bytes:
    pictures = [Image.new("RGB", (16, 16), (i * 50 % 256, 0, 255)) for i in range(frames)]
    out = io.BytesIO()
    pictures[0].save(out, "GIF", save_all=True, append_images=pictures[1:], duration=100)
    return out.getvalue()


def jpeg_with_segments(count: int) -> bytes:
    """A small JPEG with ``count`` empty APP0 segments after its start."""
    small = jpeg_with_gps()
    return small[:2] + b"\xff\xe0\x00\x02" * count + small[2:]


def jpeg_with_scans(count: int) -> bytes:
    """A small JPEG whose one scan comes ``count`` times, the way a progressive JPEG's passes
    follow one another (not decodable: for the structure only)."""
    small = jpeg_with_gps()
    scan = small[small.index(b"\xff\xda") : small.rindex(b"\xff\xd9")]
    return small[: small.index(b"\xff\xda")] + scan * count + b"\xff\xd9"


def webp_header(width: int, height: int) -> bytes:
    """The start of an extended WebP announcing a ``width`` × ``height`` canvas."""
    canvas = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    chunk = b"VP8X" + (10).to_bytes(4, "little") + bytes(4) + canvas
    return b"RIFF" + (4 + len(chunk)).to_bytes(4, "little") + b"WEBP" + chunk
