"""A dated capture of the booking page, on the person's command.

One page load in Chromium (Debian's ``chromium``, driven by Playwright with
``executable_path``), then at most the few listed steps (accept cookies, tick
the consent box, press the button), up to the page that says there is no slot.
Saves a full-page PNG with a banner burnt in (address, date and time in Paris,
« capture réalisée par rdvletters »), the page text, and the SHA-256 of the
HTML, and journals a ``web`` attempt with them as proof.

It never books, never submits anything beyond the listed steps and never
retries: one load per command, and a refusal above ``MAX_PER_HOUR`` loads of
the same site in an hour (kept in ``captures.json``). Its user agent is
Chromium's own followed by ``rdvletters/<version>``. With ``interactive`` the
window is visible: the person goes through a captcha or a login, then the
same dated capture is taken of the page shown.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, RootModel

from ... import __version__
from ...case import Case, ascii_slug
from ...casepaths import STATE, read_bounded, sha256_file
from ...errors import CaptureError, InputError, ToolMissingError
from ...frdates import PARIS, heure, jour_complet, now_paris
from ...fsutil import private_dir, replace_file, write_unique
from ...i18n import _
from ...journal import Entry
from ...validation import StrictModel, validate_located
from ...yamlload import Located

MAX_PER_HOUR = 4
MAX_STEPS = 8
STATE_FILE = "captures.json"
CHROMIUM_ENV = "RDVLETTERS_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# No background traffic of the browser's own: only the page asked for is loaded.
FLAGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 900}
NO_SLOT = re.compile(
    r"plus de plages? horaires? libres?|aucune? (?:plages? horaires?|cr[ée]neaux?|rendez-vous)"
    r"|pas de (?:plages? horaires?|cr[ée]neaux?|rendez-vous) disponibles?"
    r"|plus de (?:cr[ée]neaux?|rendez-vous) disponibles?|no (?:available )?slots?",
    re.IGNORECASE,
)
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


# --- steps ----------------------------------------------------------------------
class StepModel(StrictModel):
    cliquer: str | None = None
    cocher: str | None = None


class StepsModel(RootModel[Annotated[list[StepModel], Field(min_length=1, max_length=MAX_STEPS)]]):
    pass


@dataclass(frozen=True)
class Step:
    action: Literal["cliquer", "cocher"]
    target: str

    def said(self) -> str:
        """The step as the steps file writes it; kept in the journal (``etapes``): French."""
        return f"{self.action} « {self.target} »"


def load_steps(path: Path) -> list[Step]:
    """A short YAML list: ``- cliquer: Accepter`` / ``- cocher: J'accepte…``."""
    if not path.is_file():
        raise InputError(_("--steps {path} : fichier introuvable.").format(path=path))
    located = _load_list(path)
    model = validate_located(StepsModel, located, path)  # type: ignore[arg-type]
    steps = []
    for number, item in enumerate(model.root, start=1):
        given = [(k, v) for k, v in (("cliquer", item.cliquer), ("cocher", item.cocher)) if v]
        if len(given) != 1:
            raise InputError(
                _(
                    "{path}, étape {number} : une seule action par étape, « cliquer: texte » "
                    "ou « cocher: texte »."
                ).format(path=path, number=number)
            )
        steps.append(Step(given[0][0], given[0][1].strip()))  # type: ignore[arg-type]
    return steps


def _load_list(path: Path) -> Located:
    """A steps file is a list at the top (``load_yaml`` wants a mapping)."""
    from ...yamlload import load_document

    located = load_document(path)
    if not isinstance(located.data, list):
        raise InputError(
            _("{path} : une liste d'étapes est attendue (lignes « - cliquer: … »).").format(
                path=path
            )
        )
    return located


# --- browser --------------------------------------------------------------------
def find_chromium(explicit: str | None = None) -> str:
    """Chromium's path, or a message saying how to install it (exit 7)."""
    candidates = [explicit, os.environ.get(CHROMIUM_ENV)]
    for candidate in candidates:
        if candidate:
            if Path(candidate).is_file() and os.access(candidate, os.X_OK):
                return candidate
            raise ToolMissingError(
                _("Chromium introuvable à l'emplacement donné : {path}.").format(path=candidate),
                hint=_(
                    "Indiquez le chemin du programme chromium (--chromium ou {variable})."
                ).format(variable=CHROMIUM_ENV),
            )
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ToolMissingError(
        _("Chromium n'est pas installé : il faut ce navigateur pour capturer la page."),
        hint=_(
            "Sous Debian ou Ubuntu : sudo apt-get install chromium ; ailleurs, installez "
            "Chromium ou Chrome et indiquez son chemin avec --chromium ou {variable}."
        ).format(variable=CHROMIUM_ENV),
    )


def _sync_playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ToolMissingError(
            _("le module Playwright n'est pas installé."),
            hint=_("Réinstallez rdvletters (pip install rdvletters) : il l'installe."),
        ) from None
    return sync_playwright


@dataclass
class Capture:
    """What was captured, before anything is written."""

    requested_url: str
    final_url: str
    title: str
    taken_at: datetime
    png: bytes
    text: str
    html: bytes
    user_agent: str
    mode: str
    steps: list[str] = field(default_factory=list)

    @property
    def html_sha256(self) -> str:
        return hashlib.sha256(self.html).hexdigest()


def _launch_args() -> list[str]:
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    return FLAGS + (["--no-sandbox"] if root else [])  # Chromium refuses its sandbox as root


def _do_step(page: Any, step: Step, number: int, timeout_ms: int) -> None:
    from playwright.sync_api import Error as PlaywrightError

    if step.target.startswith("css="):
        candidates = [page.locator(step.target[4:])]
    elif step.action == "cocher":
        candidates = [page.get_by_label(step.target), page.get_by_text(step.target)]
    else:
        candidates = [
            page.get_by_role("button", name=step.target),
            page.get_by_role("link", name=step.target),
            page.get_by_text(step.target),
        ]
    for locator in candidates:
        try:
            if locator.count() == 0:
                continue
            target = locator.first
            if step.action == "cocher" and target.evaluate("e => e.type === 'checkbox'"):
                target.check(timeout=timeout_ms)
            else:
                target.click(timeout=timeout_ms)
            page.wait_for_load_state("load", timeout=timeout_ms)
            return
        except PlaywrightError:
            continue
    raise CaptureError(
        _("étape {number} ({step}) : rien de tel sur la page {url}.").format(
            number=number, step=step.said(), url=page.url
        ),
        hint=_(
            "La page a peut-être changé ; corrigez le fichier --steps ou utilisez "
            "--interactive. Rien n'a été enregistré."
        ),
    )


def take(
    url: str,
    steps: list[Step] = (),  # type: ignore[assignment]
    *,
    interactive: bool = False,
    wait: Callable[[Any], None] | None = None,
    chromium: str | None = None,
    headless: bool | None = None,
    timeout_ms: int = 30_000,
) -> Capture:
    """Load ``url`` once, do the listed steps (or let the person act), capture the page."""
    executable = find_chromium(chromium)
    sync_playwright = _sync_playwright()
    from playwright.sync_api import Error as PlaywrightError

    headless = (not interactive) if headless is None else headless
    done: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=executable, headless=headless, args=_launch_args()
            )
            try:
                agent = _honest_agent(browser)
                context = browser.new_context(
                    user_agent=agent,
                    locale="fr-FR",
                    timezone_id="Europe/Paris",
                    viewport=VIEWPORT,
                )
                page = context.new_page()
                page.goto(url, wait_until="load", timeout=timeout_ms)
                for number, step in enumerate(steps, start=1):
                    _do_step(page, step, number, timeout_ms)
                    done.append(step.said())
                if interactive and wait is not None:
                    wait(page)
                    page.wait_for_load_state("load", timeout=timeout_ms)
                taken = now_paris()
                shot = page.screenshot(full_page=True, type="png")
                text = page.inner_text("body")
                html = page.content().encode("utf-8")
                final, title = page.url, page.title()
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise CaptureError(_said(exc, url), hint=_("Rien n'a été enregistré.")) from None
    lines = banner_lines(final, taken)
    png = add_banner(shot, lines, taken, final)
    mode = "interactive" if interactive else "automatique"
    return Capture(url, final, title, taken, png, text, html, agent, mode, done)


def _honest_agent(browser: Any) -> str:
    """Chromium's own user agent, with rdvletters' name added: nothing hidden."""
    probe = browser.new_page()
    try:
        agent = probe.evaluate("navigator.userAgent")
    finally:
        probe.close()
    return f"{agent} rdvletters/{__version__}"


def _said(exc: BaseException, url: str) -> str:
    """Playwright's failure in the interface language (its own words are English)."""
    text = str(exc)
    if "Executable doesn't exist" in text or "spawn" in text:
        return _("Chromium n'a pas pu être lancé.")
    if "Missing X server" in text or "DISPLAY" in text:
        return _("aucun écran pour ouvrir la fenêtre de Chromium (--interactive).")
    net = re.search(r"net::(ERR_[A-Z_]+)", text)
    if net:
        return _("la page {url} n'a pas pu être chargée ({code}).").format(
            url=url, code=net.group(1)
        )
    if "Timeout" in text:
        return _("la page {url} n'a pas répondu à temps.").format(url=url)
    return _("la capture de {url} a échoué ({detail}).").format(
        url=url, detail=text.splitlines()[0][:120]
    )


# --- banner ---------------------------------------------------------------------
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


# --- the page's message ---------------------------------------------------------
def no_slot_message(text: str) -> str | None:
    """The sentence that says there is no slot, as the page wrote it, if recognised."""
    for line in text.splitlines():
        line = " ".join(line.split())
        if NO_SLOT.search(line):
            return line[:300]
    return None


# --- rate limit -----------------------------------------------------------------
def _state_path(case: Case) -> Path:
    return case.root / STATE_FILE


def _loads(case: Case) -> list[dict[str, str]]:
    path = _state_path(case)
    try:
        data = json.loads(read_bounded(path, STATE)) if path.exists() else {}
    except (OSError, ValueError):
        data = {}
    loads = data.get("chargements", []) if isinstance(data, dict) else []
    return [x for x in loads if isinstance(x, dict) and "site" in x and "date" in x]


def site_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            _("adresse « {url} » : une adresse http:// ou https:// est attendue.").format(url=url)
        )
    return parts.hostname


def check_rate(case: Case, url: str, now: datetime | None = None) -> None:
    """Refuse a load when the same site was loaded MAX_PER_HOUR times in the last hour."""
    now = now or now_paris()
    site = site_of(url)
    recent = sorted(
        datetime.fromisoformat(x["date"])
        for x in _loads(case)
        if x["site"] == site and now - datetime.fromisoformat(x["date"]) < timedelta(hours=1)
    )
    if len(recent) >= MAX_PER_HOUR:
        again = (recent[0] + timedelta(hours=1)).astimezone(PARIS)
        raise InputError(
            _(
                "déjà {count} captures de {site} depuis une heure : rdvletters n'en fait pas "
                "plus de {max} par heure et par site."
            ).format(count=len(recent), site=site, max=MAX_PER_HOUR),
            hint=_(
                "Réessayez après {time}, à une autre heure de la journée : des essais espacés "
                "sont aussi de meilleures preuves."
            ).format(time=heure(again)),
        )


def note_load(case: Case, url: str, now: datetime | None = None) -> None:
    """Count one load before it happens (a failed load counts too)."""
    now = now or now_paris()
    keep = [x for x in _loads(case) if now - datetime.fromisoformat(x["date"]) < timedelta(days=1)]
    keep.append({"site": site_of(url), "date": now.isoformat(timespec="seconds")})
    path = _state_path(case)
    private_dir(path.parent)
    data = json.dumps({"chargements": keep}, ensure_ascii=False, indent=1).encode("utf-8")
    replace_file(path, data)  # a fresh temporary name: no link left in the way is followed


# --- journal --------------------------------------------------------------------
def record(case: Case, capture: Capture, message: str) -> Entry:
    """Write the PNG, the page text and the HTML into pieces/, and journal the attempt."""
    case.journal.check_appendable()
    taken = capture.taken_at
    stem = f"{taken:%Y-%m-%d_%H%M}_web_capture_{ascii_slug(site_of(capture.final_url), 30)}"
    folder = private_dir(case.pieces)
    png = write_unique(folder, stem, ".png", capture.png)
    text = write_unique(folder, stem + "_texte", ".txt", capture.text.encode("utf-8"))
    html = write_unique(folder, stem + "_page", ".html", capture.html)

    def piece(path: Path, original: str, **extra: str) -> dict[str, str]:
        return {
            "fichier": path.relative_to(case.root).as_posix(),
            "original": original,
            "sha256": sha256_file(path),
            **extra,
        }

    stamp = taken.isoformat(timespec="seconds")
    return case.journal.append(
        {
            "type": "tentative",
            "canal": "web",
            "date": stamp,
            "description": message.strip(),
            "pieces": [
                piece(png, "capture rdvletters", date_propre=stamp, origine_date="capture"),
                piece(text, "texte de la page"),
            ],
            "fichier": html.relative_to(case.root).as_posix(),
            "sha256": capture.html_sha256,
            "capture": {
                "url_demandee": capture.requested_url,
                "url": capture.final_url,
                "titre": capture.title,
                "mode": capture.mode,
                "etapes": capture.steps,
                "agent": capture.user_agent,
                "sha256_html": capture.html_sha256,
            },
        }
    )
