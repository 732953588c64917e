"""Image pieces embedded with their own compressed data: the page, rendered by poppler,
shows the proof's pixels (within the page's scale) under « Pièce n° N » and its band."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat
from pypdf import PdfReader

from rdvletters.court.dossier.piece_pdf import piece_to_pdf, series_to_pdf
from rdvletters.errors import InputError

from .test_piece_pdf import LABEL, assert_headed, needs_poppler, page_png

COLOURS = [(200, 30, 30), (30, 160, 60), (20, 60, 200), (240, 200, 20), (120, 20, 140), (0, 0, 0)]


def screenshot(size: tuple[int, int], seed: int) -> Image.Image:
    """A screenshot-like picture: flat blocks of colour and dark 'text' bars on white."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    w, h = size
    for row in range(4):
        for col in range(3):
            colour = COLOURS[(row * 3 + col + seed) % len(COLOURS)]
            box = (
                col * w // 3 + 6,
                row * h // 8 + 6,
                (col + 1) * w // 3 - 6,
                (row + 1) * h // 8 - 6,
            )
            draw.rectangle(box, fill=colour)
    for y in range(h // 2 + 10, h - 20, 24):
        x = 10
        while x < w - 40:
            width = rng.randint(20, 80)
            draw.rectangle((x, y, min(x + width, w - 10), y + 10), fill=(40, 40, 48))
            x += width + 12
    return image


def shown(pdf: bytes, tmp_path: Path, page_number: int = 1, caption: bool = False) -> Image.Image:
    """The part of the rendered page inside the image's frame, at 150 dpi (about a pixel of
    the page for a pixel of the image: these are shown at 0.5 to 0.6 point per pixel)."""
    page = page_png(pdf, tmp_path, page=page_number, dpi=150)
    rule = 57 if caption else 44  # the band's rule, in points from the top
    band_free = page.crop((0, (rule + 6) * 150 // 72, page.width, page.height))
    box = ImageChops.invert(band_free.convert("L")).point(lambda v: 255 if v > 8 else 0).getbbox()
    assert box is not None, "nothing drawn under the band"
    return band_free.crop(box)  # the image, its thin frame line on the edge


def same_picture(rendered: Image.Image, source: Image.Image, tolerance: float) -> None:
    """The rendered image matches the source scaled to it: mean difference per channel,
    inside the frame line."""
    expected = source.convert("RGB").resize(rendered.size, Image.Resampling.BOX)
    inside = (5, 5, rendered.width - 5, rendered.height - 5)
    difference = ImageStat.Stat(
        ImageChops.difference(rendered.crop(inside), expected.crop(inside))
    ).mean
    assert max(difference) < tolerance, difference


@needs_poppler
@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_the_rendered_page_shows_the_proofs_pixels_under_the_band(tmp_path, kind):
    source = tmp_path / f"capture.{kind.lower()}"
    picture = screenshot((540, 1170), seed=3)
    picture.save(source, kind, **({"quality": 90} if kind == "JPEG" else {}))
    pdf = piece_to_pdf(source, 12, LABEL)
    texts = assert_headed(pdf, 12)
    assert len(texts) == 1 and "Pièce n° 12" in texts[0] and LABEL in texts[0]
    [page] = PdfReader(io.BytesIO(pdf)).pages
    [xobject] = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
    if kind == "JPEG":
        assert xobject._data == source.read_bytes()  # the file's own bytes
    else:
        assert "/DCTDecode" not in str(xobject["/Filter"])
        assert xobject["/DecodeParms"]["/Predictor"] == 15  # the PNG's own pixel data
    rendered = shown(pdf, tmp_path)
    # shown at the page's scale: about as large as the usable height allows
    assert rendered.height > 500
    same_picture(rendered, picture, tolerance=6 if kind == "PNG" else 9)


@needs_poppler
def test_a_tall_png_capture_keeps_its_pixels_over_two_pages(tmp_path):
    source = tmp_path / "long.png"
    picture = screenshot((540, 3000), seed=5)
    picture.save(source)
    pdf = piece_to_pdf(source, 3, LABEL)
    texts = assert_headed(pdf, 3)
    assert len(texts) == 2 and "image en 2 parties : partie 2/2" in texts[1]
    half = picture.height // 2
    for page, rows in ((1, (0, half)), (2, (half, 3000))):
        slice_ = picture.crop((0, rows[0], picture.width, rows[1]))
        same_picture(shown(pdf, tmp_path, page, caption=True), slice_, tolerance=12)


@needs_poppler
def test_a_series_mixes_embedded_and_drawn_images_in_order(tmp_path):
    first = tmp_path / "a.png"
    screenshot((400, 700), seed=1).save(first)
    second = tmp_path / "b.png"  # with transparency: drawn by reportlab, alpha as a soft mask
    screenshot((400, 700), seed=2).convert("RGBA").save(second)
    third = tmp_path / "c.jpg"
    screenshot((400, 700), seed=4).save(third, quality=92)
    pdf = series_to_pdf(
        [(first, "Capture 1"), (second, "Capture 2"), (third, "Capture 3")], 9, LABEL
    )
    texts = assert_headed(pdf, 9)
    assert [f"Capture {n}" in t for n, t in enumerate(texts, start=1)] == [True] * 3


def test_a_png_with_a_changed_byte_goes_the_usual_way(tmp_path):
    source = tmp_path / "capture.png"
    screenshot((300, 500), seed=1).save(source)
    data = bytearray(source.read_bytes())
    data[data.index(b"IDAT") + 40] ^= 0xFF  # the pixel data no longer matches its CRC
    source.write_bytes(bytes(data))
    try:
        pdf = piece_to_pdf(source, 2, LABEL)
    except InputError as error:
        assert "ne peut pas être lue" in str(error)
    else:  # Pillow read it anyway: then drawn by reportlab, not copied as is
        [page] = PdfReader(io.BytesIO(pdf)).pages
        [xobject] = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
        assert "/DecodeParms" not in xobject


def test_a_cut_jpeg_is_refused_as_before(tmp_path):
    source = tmp_path / "photo.jpg"
    screenshot((300, 500), seed=1).save(source, quality=90)
    source.write_bytes(source.read_bytes()[:3000])
    with pytest.raises(InputError, match="ne peut pas être lue"):
        piece_to_pdf(source, 2, LABEL)
