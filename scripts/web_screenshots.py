"""Screenshots of every page of ``rdvletters web``, to look at them as a person would.

Run:  python scripts/web_screenshots.py OUTPUT_DIR [--lang fr en] [--width 1280 360]
Serves a copy of the bundled example (plus an empty case, in volunteer mode) with
the real server on 127.0.0.1, drives Debian's Chromium with Playwright, and writes
one full-page PNG per page, language and width.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from rdvletters.case import Case
from rdvletters.web.cases import Registry
from rdvletters.web.server import start

PAGES = [
    ("cases", "/"),
    ("status", "/c/aminata/status"),
    ("status-anef", "/c/kofi/status"),  # a renewal: the permit's deadline and its window
    ("record", "/c/aminata/record"),
    ("documents", "/c/aminata/documents"),
    ("profile", "/c/aminata/profile/demandeur"),
    ("profile-errors", "/c/nouveau/profile/demandeur?checked=1"),
    ("profile-check", "/c/nouveau/profile/verifier"),
    ("profile-answers", "/c/aminata/profile/verifier"),
    ("cases-search", "/?q=diallo&route=rdv"),
    ("correct", "/c/aminata/entry/3/correct"),
    ("manage", "/c/aminata/dossier"),
    ("erase", "/c/aminata/erase"),
    ("record-error", None),
    ("documents-email", None),
    ("sent-error", None),
]


BAND = 1100  # a tall page is cut into bands of this height, easier to look at


def shoot(page, stem: Path, width: int) -> None:
    """The full page in one PNG, and in bands ``stem-1.png``… when it is tall."""
    page.screenshot(path=f"{stem}.png", full_page=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    if height > BAND * 1.3:
        for i, top in enumerate(range(0, height, BAND), start=1):
            clip = {"x": 0, "y": top, "width": width, "height": min(BAND, height - top)}
            page.screenshot(path=f"{stem}-{i}.png", full_page=True, clip=clip)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--lang", nargs="+", default=["fr", "en"])
    parser.add_argument("--width", nargs="+", type=int, default=[1280, 360])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        Case(root / "aminata").init(example="rdv")
        Case(root / "kofi").init(example="anef")
        Case(root / "nouveau").init()
        running = start(Registry(root, many=True))
        thread = threading.Thread(target=running.serve, daemon=True)
        thread.start()
        base = running.url.split("/?")[0]
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
                for lang in args.lang:
                    for width in args.width:
                        context = browser.new_context(
                            viewport={"width": width, "height": 800}, locale=lang
                        )
                        page = context.new_page()
                        page.goto(running.url)
                        page.wait_for_url(base + "/")
                        page.goto(f"{base}/langue/{lang}?next=/")
                        for name, path in PAGES:
                            if name == "documents-email":  # after preparing the e-mail
                                page.goto(f"{base}/c/aminata/documents")
                                page.click("form:has(input[value=text]) button")
                            elif name == "sent-error":  # a tracking number mistyped
                                page.goto(f"{base}/c/aminata/documents")
                                page.click("form:has(input[value=pdf]) button >> nth=0")
                                page.locator("details").first.evaluate("d => d.open = true")
                                page.locator('input[name="tracking"]').first.fill("1A 12")
                                page.locator('form[action$="/sent"] button').first.click()
                            elif path is None:  # a refused record: a text file as proof
                                page.goto(f"{base}/c/aminata/record")
                                page.set_input_files(
                                    "#f-proofs",
                                    files=[
                                        {
                                            "name": "notes.txt",
                                            "mimeType": "image/png",
                                            "buffer": b"not an image",
                                        }
                                    ],
                                )
                                page.click(
                                    "text="
                                    + (
                                        "Noter au journal"
                                        if lang == "fr"
                                        else "Record in the journal"
                                    )
                                )
                            else:
                                page.goto(base + path)
                            shoot(page, args.output / f"{name}-{lang}-{width}", width)
                        context.close()
                browser.close()
        finally:
            running.close()


if __name__ == "__main__":
    main()
