"""A PNG's metadata chunks (text and EXIF), read without decompressing its pixels.

Pillow's ``getexif()`` on a PNG decodes every pixel to reach the chunks that may follow
the image data; ``status`` reads the date of every screenshot that has none noted in the
journal, so a case with hundreds of phone screenshots spent seconds inflating them on
each run. This reader walks the chunks, seeks over the image data (``IDAT``, ``fdAT``)
and decodes the text chunks as Pillow does (``tEXt`` and ``zTXt`` as Latin-1, ``iTXt``
as UTF-8, the XMP packet under ``xmp`` as bytes, ``eXIf`` under ``exif``), so that the
dates found are the same. Like Pillow's ``getexif()``, it stops at the image data when an
``eXIf`` chunk came before it. A file cut short, or a metadata chunk whose checksum is
wrong, raises ``ValueError`` (Pillow refuses those too).
"""

from __future__ import annotations

import contextlib
import os
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PIXELS = {b"IDAT", b"fdAT"}
_TEXT = {b"tEXt", b"zTXt", b"iTXt", b"eXIf"}
_MAX_TEXT = 64 * 1024 * 1024  # Pillow's MAX_TEXT_MEMORY: beyond, it refuses the file
_MAX_CHUNK = 1024 * 1024  # a text chunk larger than this is not a date: skipped


@dataclass
class PngMetadata:
    """The ``info`` entries Pillow would give for the text chunks, and the EXIF bytes."""

    info: dict[str, Any] = field(default_factory=dict)

    @property
    def exif(self) -> bytes | None:
        """The EXIF block as Pillow's ``getexif()`` would load it (eXIf or ImageMagick's
        « Raw profile type exif » text); ``ValueError`` if that text is not hexadecimal."""
        data = self.info.get("exif")
        if data is None and "Raw profile type exif" in self.info:
            return bytes.fromhex("".join(self.info["Raw profile type exif"].split("\n")[3:]))
        return data if isinstance(data, bytes) else None


def _inflate(data: bytes) -> bytes | None:
    try:
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, _MAX_CHUNK)
    except zlib.error:
        return None
    return out


def _text(kind: bytes, body: bytes, info: dict[str, Any]) -> None:
    """One text chunk into ``info``, decoded as Pillow's ``PngStream`` decodes it."""
    if kind == b"eXIf":
        info["exif"] = b"Exif\x00\x00" + body
        return
    key, _, value = body.partition(b"\0")
    if kind == b"tEXt":
        if key:
            text = value if key == b"exif" else value.decode("latin-1", "replace")
            info[key.decode("latin-1")] = text
        return
    if kind == b"zTXt":
        if value[:1] not in (b"", b"\0"):
            return
        value = _inflate(value[1:]) or b""
        if key:
            info[key.decode("latin-1")] = value.decode("latin-1", "replace")
        return
    if len(value) < 2:  # iTXt: flag, method, language, translated key, text
        return
    flag, method, rest = value[0], value[1], value[2:]
    parts = rest.split(b"\0", 2)
    if len(parts) < 3:
        return
    text: bytes | None = parts[2]
    if flag != 0:
        text = _inflate(parts[2]) if method == 0 else None
        if text is None:
            return
    if key == b"XML:com.adobe.xmp":
        info["xmp"] = text
    with contextlib.suppress(UnicodeError):  # Pillow leaves such a chunk out
        info[key.decode("latin-1")] = text.decode("utf-8")


def png_metadata(source: Path | BinaryIO) -> PngMetadata | None:
    """The text and EXIF chunks of the PNG at ``source`` (a path or an open binary file);
    None if it is not a PNG, ``ValueError`` if it is one cut short or damaged."""
    if isinstance(source, Path):
        from ...casepaths import open_regular_fd

        with os.fdopen(open_regular_fd(source), "rb") as handle:  # a FIFO: refused, not waited on
            return _read(handle)
    return _read(source)


def _read(handle: BinaryIO) -> PngMetadata | None:
    meta = PngMetadata()
    used = 0
    if handle.read(8) != SIGNATURE:
        return None
    size = handle.seek(0, 2)
    position = handle.seek(8)
    seen_pixels = False
    while True:
        head = handle.read(8)
        if len(head) < 8:
            raise ValueError("PNG cut short")
        length, kind = struct.unpack(">I4s", head)
        end = position + 8 + length + 4
        if end > size:
            raise ValueError("PNG cut short")
        if kind in _PIXELS:
            if not seen_pixels and "exif" in meta.info:
                return meta  # Pillow's getexif() reads no further in that case
            seen_pixels = True
        elif kind == b"IEND":
            return meta
        elif kind in _TEXT and length <= _MAX_CHUNK:
            body = handle.read(length)
            (crc,) = struct.unpack(">I", handle.read(4))
            if zlib.crc32(kind + body) != crc:
                raise ValueError("PNG chunk damaged")
            _text(kind, body, meta.info)
            used += length
            if used > _MAX_TEXT:
                raise ValueError("PNG text too large")
        position = handle.seek(end)
