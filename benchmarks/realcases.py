"""Realistic cases for the benchmarks: journals with real-looking proofs, built through
the library as a person's ``record`` commands would build them.

``build(folder, entries, proofs)`` makes a case of ``entries`` steps of which ``proofs``
carry one proof file each, in the mix a person's phone and mailbox give:

- phone screenshots, PNG of about 200 KB (1080 × 2340, a booking page's bars and lines of
  text, a photo-like banner); half named without a date and with no date inside (shared
  through a messaging app), the others with a ``Creation Time`` text chunk;
- photos of a counter or a letter, JPEG of about 1.2 MB with an EXIF ``DateTimeOriginal``;
- one-page PDFs (a page of text drawn with reportlab, as a saved web page would be);
- ``.eml`` messages with ``Date``, ``From``, ``To`` and ``Subject`` headers.

Every file differs from the others (its number is drawn into it), so no two proofs share
a fingerprint. Run alone, it builds one case:  python benchmarks/realcases.py DIR 1000 300
"""

from __future__ import annotations

import io
import random
import sys
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

KINDS = ("png", "png_dated", "jpeg", "pdf", "eml")  # proofs cycle through these
WEIGHTS = (4, 3, 1, 1, 1)  # of ten proofs: 4 undated PNG, 3 dated PNG, 1 JPEG, 1 PDF, 1 .eml


def _screenshot(n: int, rng: random.Random):
    """A phone screenshot: flat bars, lines of 'text', a noisy banner (about 200 KB)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1080, 2340), (250, 250, 252))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1080, 90), fill=(0, 0, 145))
    draw.rectangle((0, 90, 1080, 260), fill=(235, 236, 240))
    banner = Image.frombytes("RGB", (1080, 70), rng.randbytes(1080 * 70 * 3))
    banner = banner.resize((540, 35)).resize((1080, 70))
    image.paste(banner, (0, 300))
    y = 480
    while y < 2200:
        x = 60
        while x < 1000:
            width = rng.randint(30, 160)
            draw.rectangle((x, y, min(x + width, 1020), y + 22), fill=(40, 40, 48))
            x += width + rng.randint(14, 22)
        y += rng.choice((48, 48, 48, 96))
    draw.text((60, 2260), f"Aucun créneau disponible — essai {n}", fill=(160, 0, 0))
    return image


def _png(n: int, rng: random.Random, when: datetime | None) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    if when is not None:
        info.add_text("Creation Time", when.strftime("%Y:%m:%d %H:%M:%S"))
    out = io.BytesIO()
    _screenshot(n, rng).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _jpeg(n: int, rng: random.Random, when: datetime) -> bytes:
    """A photo (2592 × 1944) with its EXIF date: about 1.2 MB."""
    from PIL import Image, ImageDraw

    grain = Image.frombytes("L", (648, 486), rng.randbytes(648 * 486)).resize((2592, 1944))
    image = Image.merge("RGB", (grain, grain.rotate(90, expand=False), grain.transpose(0)))
    ImageDraw.Draw(image).text((100, 100), f"Guichet, essai {n}", fill=(255, 255, 255))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = when.strftime("%Y:%m:%d %H:%M:%S")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=62, exif=exif)
    return out.getvalue()


def _pdf(n: int, when: datetime) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setFont("Helvetica", 11)
    lines = [
        "Prendre un rendez-vous - Les services de l'État",
        f"Consulté le {when:%d/%m/%Y à %H:%M}",
        "",
        "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous.",
        "Veuillez recommencer ultérieurement.",
        f"Référence de la page : {n:06d}",
    ]
    for i, line in enumerate(lines * 4):
        page.drawString(60, 780 - 16 * i, line)
    page.showPage()
    page.save()
    return out.getvalue()


def _eml(n: int, when: datetime) -> bytes:
    message = EmailMessage()
    message["From"] = "aminata.diallo@example.org"
    message["To"] = "pref-etrangers@example.gouv.fr"
    message["Subject"] = f"Demande de rendez-vous (relance {n})"
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<relance-{n}@example.org>"
    message.set_content(
        "Madame, Monsieur,\n\nJe n'arrive toujours pas à obtenir de rendez-vous.\n" * 6
    )
    return bytes(message)


def proof_file(scratch: Path, n: int, kind: str, when: datetime, rng: random.Random) -> Path:
    """One proof of ``kind`` for the step at ``when``, written in ``scratch``."""
    if kind == "png":
        path, data = scratch / f"capture {n}.png", _png(n, rng, None)
    elif kind == "png_dated":
        path, data = scratch / f"Screenshot_{when:%Y%m%d-%H%M%S}.png", _png(n, rng, when)
    elif kind == "jpeg":
        path, data = scratch / f"IMG_{n:04d}.jpg", _jpeg(n, rng, when)
    elif kind == "pdf":
        path, data = scratch / f"page_{n}.pdf", _pdf(n, when)
    else:
        path, data = scratch / f"relance_{n}.eml", _eml(n, when)
    path.write_bytes(data)
    return path


def build(folder: Path, entries: int, proofs: int, seed: int = 20) -> None:
    """A case of ``entries`` steps, ``proofs`` of them with a proof file, through the library."""
    from rdvletters.case import Case
    from rdvletters.frdates import PARIS

    rng = random.Random(seed)
    case = Case(folder)
    case.init(example="rdv")
    (folder / "journal.jsonl").unlink()
    for piece in (folder / "pieces").iterdir():
        piece.unlink()
    scratch = folder.parent / f"{folder.name}-incoming"
    scratch.mkdir(exist_ok=True)
    kinds = [k for k, w in zip(KINDS, WEIGHTS, strict=True) for _ in range(w)]
    start = datetime(2026, 11, 29, 9, 0, tzinfo=PARIS) - timedelta(hours=9 * entries)
    every = entries / proofs
    given = 0
    for i in range(entries):
        when = start + timedelta(hours=9 * i, minutes=rng.randint(0, 50))
        files = []
        if given < proofs and i >= given * every:
            kind = kinds[given % len(kinds)]
            files = [proof_file(scratch, i, kind, when, rng)]
            given += 1
            channel = {"eml": "email", "jpeg": "counter"}.get(kind, "web")
        else:
            channel = ("web", "phone", "web", "ccc")[i % 4]
        case.record(channel, when, f"Aucun créneau disponible (essai {i})", files)
        for path in files:
            path.unlink()
    scratch.rmdir()


if __name__ == "__main__":
    build(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
