"""Every page as it is drawn in a real browser (Debian's Chromium, Playwright), at a
phone's width and a laptop's, in French and English: nothing scrolls sideways, the
chart's words stay readable, the keyboard focus shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from rdvletters.case import Case

from .test_web_browser import CHROMIUM, browser, served  # noqa: F401 - fixtures

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Chromium is needed (apt-get install chromium)"
)

PAGES = [
    "/",
    "/c/aminata/status",
    "/c/kofi/status",
    "/c/aminata/record",
    "/c/kofi/record",
    "/c/aminata/documents",
    "/c/kofi/documents",
    *(
        f"/c/aminata/profile/{section}"
        for section in ("situation", "demandeur", "demande", "prefecture", "defenseur")
    ),
    "/c/nouveau/profile/demandeur?checked=1",
    "/c/nouveau/profile/verifier",
    "/c/nouveau/status",  # an error inside a case
    "/c/personne/status",  # no such page
]

# Every box that would scroll sideways: the page itself, a table's frame, a text area.
WIDE = """() => [...document.querySelectorAll('html, .scroll, textarea, .card, figure')]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.tagName}.${e.className} ${e.scrollWidth}>${e.clientWidth}`)"""

# The chart's words as drawn: their font size times the drawing's scale.
CHART_TEXT_PX = """() => {
  const svg = document.querySelector('.chart svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
}"""


@pytest.fixture
def cases(tmp_path):
    """A volunteer's folder: the two bundled examples and a case just opened."""
    Case(tmp_path / "aminata").init(example="rdv")
    Case(tmp_path / "kofi").init(example="anef")
    Case(tmp_path / "nouveau").init()
    return tmp_path


@pytest.mark.parametrize("width", [360, 1280])
def test_no_page_scrolls_sideways_and_the_chart_reads(browser, served, cases, width):  # noqa: F811
    url, base = served(cases, many=True)
    for lang in ("fr", "en"):
        context = browser.new_context(locale=lang, viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(url)
        page.wait_for_url(f"{base}/")  # the token page's meta refresh, before going on
        page.goto(f"{base}/langue/{lang}?next=/")
        for path in PAGES:
            page.goto(base + path)
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            wide = page.evaluate(WIDE)
            assert not wide, (lang, width, path, wide)
        for path in ("/c/aminata/status", "/c/kofi/status"):
            page.goto(base + path)
            sizes = page.evaluate(CHART_TEXT_PX)
            assert sizes and min(sizes) >= 12, (lang, width, path, sizes)
        context.close()


def _contrast(one: str, two: str) -> float:
    """WCAG contrast ratio of two ``rgb(r, g, b)`` colours."""

    def luminance(css: str) -> float:
        channels = [int(v) / 255 for v in css[css.index("(") + 1 : -1].split(",")[:3]]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_keyboard_focus_shows_on_the_page_and_in_the_header(browser, served, cases):  # noqa: F811
    """The focus ring contrasts 3:1 at least with what is around it (WCAG 1.4.11)."""
    url, base = served(cases, many=True)
    context = browser.new_context(locale="fr", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(url)
    page.wait_for_url(f"{base}/")  # the token page's meta refresh, before going on
    page.goto(base + "/c/aminata/status")
    seen = {"header": None, "main": None}
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
              const e = document.activeElement, s = getComputedStyle(e);
              // the skip link shows over the blue header, at its top
              const inHeader = e.closest('header') || e.classList.contains('skip');
              let p = inHeader ? document.querySelector('.top') : e.parentElement;
              let bg = 'rgb(255, 255, 255)';
              while (p) {  // the first ancestor with a colour: what the ring is drawn on
                const c = getComputedStyle(p).backgroundColor;
                if (c !== 'rgba(0, 0, 0, 0)') { bg = c; break; }
                p = p.parentElement;
              }
              return {where: inHeader ? 'header' : 'main', style: s.outlineStyle,
                      width: parseFloat(s.outlineWidth), colour: s.outlineColor, bg};
            }"""
        )
        if seen[focused["where"]] is None:
            seen[focused["where"]] = focused
        if all(seen.values()):
            break
    for where, focus in seen.items():
        assert focus is not None, where
        assert focus["style"] == "solid" and focus["width"] >= 2, (where, focus)
        assert _contrast(focus["colour"], focus["bg"]) >= 3, (where, focus)
    context.close()
