"""The banner burnt into a capture: the address, the date and time in Paris, « capture
réalisée par rdvletters », also written into the PNG's own metadata."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

from ... import __version__
from ...frdates import PARIS, heure, jour_complet

FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/Library/Fonts/Arial.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
)
BANNER_FONT_SIZE = 18
BANNER_PADDING = 10
BANNER_BG = (255, 243, 205)
BANNER_FG = (0, 0, 0)


def banner_lines(url: str, taken: datetime) -> list[str]:
    local = taken.astimezone(PARIS)
    return [
        f"Adresse de la page : {url}",
        f"Capture du {jour_complet(local.date())} à {heure(local)} min {local:%S} s "
        "(heure de Paris)",
        f"capture réalisée par rdvletters {__version__}",
    ]


def _font(size: int):
    from PIL import ImageFont

    for path in FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _wrap(text: str, font: Any, width: int) -> list[str]:
    """Cut a line (a long address) so that each piece fits the image's width."""
    out, current = [], ""
    for char in text:
        if font.getlength(current + char) > width and current:
            out.append(current)
            current = ""
        current += char
    return [*out, current]


def render_banner(lines: list[str], width: int):
    """The banner alone, as an image: also what the tests compare pixels against."""
    from PIL import Image, ImageDraw

    font = _font(BANNER_FONT_SIZE)
    wrapped = [piece for line in lines for piece in _wrap(line, font, width - 2 * BANNER_PADDING)]
    line_height = BANNER_FONT_SIZE + 6
    height = 2 * BANNER_PADDING + line_height * len(wrapped)
    image = Image.new("RGB", (width, height), BANNER_BG)
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(wrapped):
        draw.text(
            (BANNER_PADDING, BANNER_PADDING + i * line_height), text, font=font, fill=BANNER_FG
        )
    draw.line([(0, height - 1), (width, height - 1)], fill=(120, 120, 120), width=1)
    return image


def add_banner(png: bytes, lines: list[str], taken: datetime, url: str) -> bytes:
    """The page screenshot under its banner, with the date also in the PNG's metadata."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    with Image.open(io.BytesIO(png)) as shot:
        page = shot.convert("RGB")
    banner = render_banner(lines, page.width)
    result = Image.new("RGB", (page.width, banner.height + page.height), (255, 255, 255))
    result.paste(banner, (0, 0))
    result.paste(page, (0, banner.height))
    info = PngInfo()
    info.add_text("Creation Time", taken.isoformat(timespec="seconds"))
    info.add_itxt("Source", url)
    info.add_text("Software", f"rdvletters {__version__}")
    out = io.BytesIO()
    result.save(out, format="PNG", pnginfo=info, optimize=True)
    return out.getvalue()
