"""A PNG's date read from its chunks without decoding its pixels, and the same date that
Pillow's ``getexif()`` (which decodes them) finds."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageFile
from PIL.PngImagePlugin import PngInfo

from rdvletters.evidence.proofs.proofdates import image_date


def _pillow_date(path: Path):
    """The reference: the dates as read through Pillow's getexif(), which loads the pixels."""
    from rdvletters.evidence.proofs import proofdates

    with Image.open(path) as image:
        exif = image.getexif()
        info = dict(image.info)
    sub = exif.get_ifd(0x8769) if exif else {}
    for tag, offset_tag, source in ((36867, 36881, sub), (306, 36880, exif)):
        value = source.get(tag) if source else None
        if isinstance(value, str) and (when := proofdates._exif_time(value, sub.get(offset_tag))):
            return when, "exif"
    for key in ("Creation Time", "CreationTime", "date:create", "Date"):
        value = info.get(key)
        if isinstance(value, str) and (when := proofdates._text_date(value)):
            return when, "png"
    xmp = info.get("XML:com.adobe.xmp") or info.get("xmp")
    if isinstance(xmp, (str, bytes)):
        text = xmp.decode() if isinstance(xmp, bytes) else xmp
        if "CreateDate" in text:
            start = text.index("CreateDate") + len("CreateDate") + 2
            return proofdates._text_date(text[start : start + 30]), "xmp"
    return None


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(
    pnginfo: PngInfo | None = None, exif: Image.Exif | None = None, after: bytes = b""
) -> bytes:
    """A noisy 300 × 200 PNG, with ``after`` (whole chunks) put between its pixels and IEND."""
    out = io.BytesIO()
    image = Image.frombytes("RGB", (300, 200), bytes(range(256)) * 703 + bytes(232))
    kwargs = {"pnginfo": pnginfo} if pnginfo else {}
    if exif is not None:
        kwargs["exif"] = exif.tobytes()
    image.save(out, "PNG", **kwargs)
    data = out.getvalue()
    return data[:-12] + after + data[-12:]


def _exif(stamp: str) -> Image.Exif:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = stamp
    return exif


def _info(*items: tuple[str, str, str]) -> PngInfo:
    info = PngInfo()
    for kind, key, value in items:
        if kind == "tEXt":
            info.add_text(key, value)
        elif kind == "zTXt":
            info.add_text(key, value, zip=True)
        else:
            info.add_itxt(key, value, zip=kind == "iTXt-zip")
    return info


XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description xmp:CreateDate='
    '"2026-11-20T09:15:02+01:00"/></x:xmpmeta>'
)
CASES = {
    "nothing": _png(),
    "tEXt Creation Time": _png(_info(("tEXt", "Creation Time", "2026:11:20 09:15:02"))),
    "zTXt date:create": _png(_info(("zTXt", "date:create", "2026-11-20T08:15:02+00:00"))),
    "iTXt Date": _png(_info(("iTXt", "Date", "2026-11-20T09:15:02"))),
    "iTXt compressed": _png(_info(("iTXt-zip", "CreationTime", "Fri, 20 Nov 2026 09:15:02 +0100"))),
    "XMP packet": _png(_info(("iTXt", "XML:com.adobe.xmp", XMP))),
    "eXIf before the pixels": _png(exif=_exif("2026:11:20 09:15:02")),
    "eXIf after the pixels": _png(
        after=_chunk(b"eXIf", _exif("2026:11:20 09:15:02").tobytes()[6:])
    ),
    "text after the pixels": _png(after=_chunk(b"tEXt", b"Creation Time\x002026-11-20 09:15")),
    "eXIf before, text after (Pillow reads no further)": _png(
        exif=_exif("not a date"), after=_chunk(b"tEXt", b"Creation Time\x002026-11-20 09:15")
    ),
    "EXIF wins over text": _png(
        _info(("tEXt", "Creation Time", "2026-01-01 10:00")), exif=_exif("2026:11:20 09:15:02")
    ),
    "bad text date": _png(_info(("tEXt", "Creation Time", "yesterday"))),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_chunks_give_the_date_pillow_gives(tmp_path, name):
    path = tmp_path / "capture.png"
    path.write_bytes(CASES[name])
    assert image_date(path) == _pillow_date(path)
    undated = ("nothing", "bad text date", "eXIf before, text after (Pillow reads no further)")
    assert (image_date(path) is None) == (name in undated)


def test_the_pixels_are_never_decoded(tmp_path, monkeypatch):
    path = tmp_path / "capture.png"
    path.write_bytes(CASES["eXIf after the pixels"])

    def refuse(self):
        raise AssertionError("pixels decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    found = image_date(path)
    assert found is not None and found[1] == "exif"
    assert found[0].isoformat() == "2026-11-20T09:15:02+01:00"


def test_a_png_cut_short_or_damaged_gives_no_date(tmp_path):
    whole = CASES["text after the pixels"]
    path = tmp_path / "capture.png"
    path.write_bytes(whole[: len(whole) // 2])
    assert image_date(path) is None
    damaged = bytearray(_png(_info(("tEXt", "Creation Time", "2026:11:20 09:15:02"))))
    damaged[damaged.index(b"Creation") + 2] ^= 1  # the chunk no longer matches its CRC
    path.write_bytes(bytes(damaged))
    assert image_date(path) is None


def test_a_jpeg_named_png_is_still_read_by_pillow(tmp_path):
    path = tmp_path / "photo.png"
    Image.new("RGB", (10, 10)).save(path, "JPEG", exif=_exif("2026:11:20 09:15:02"))
    found = image_date(path)
    assert found is not None and found[1] == "exif"


def test_a_png_without_exif_is_read_without_loading_pillow(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "capture.png"
    path.write_bytes(CASES["tEXt Creation Time"])
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from rdvletters.evidence.proofs.proofdates import image_date\n"
        f"found = image_date(Path({str(path)!r}))\n"
        "print(found[1], 'PIL' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["png", "False"]
