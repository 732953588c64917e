"""A dated capture of the booking page, on the person's command.

One page load in Chromium (Debian's ``chromium``, driven by Playwright with
``executable_path``), then at most the few listed steps (accept cookies, tick
the consent box, press the button), up to the page that says there is no slot.
Saves a full-page PNG with a banner burnt in (address, date and time in Paris,
« capture réalisée par rdvletters », :mod:`.capture_banner`), the page text, the
HTML as the browser holds it and an archive of every exchange (HAR, and the same
as WARC records, :mod:`.capture_archive`), and
journals a ``web`` attempt with them as proof, with the conditions of the
capture (:mod:`.capture_watch`: fresh profile, proxy, path with HTTP statuses,
DNS answer and address contacted, TLS certificate, server clock, browser), which
the dossier prints as the piece's second page (:mod:`.provenance`).

It never books, never submits anything beyond the listed steps and never
retries: one load per command, and a refusal above a few loads of the same site
in an hour (:mod:`.capture_rate`). Its user agent is Chromium's own followed by
``rdvletters/<version>``. With ``interactive`` the window is visible: the person
goes through a captcha or a login, then the same dated capture is taken of the
page shown; the sheet says which pages they reached by hand.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from ... import __version__
from ...case import Case
from ...errors import CaptureError, InputError, ToolMissingError
from ...frdates import now_paris
from ...fsutil import WorkDir, deferred_interrupts, private_dir, sha256_file, write_unique
from ...i18n import _
from ...journal import Entry
from ...proofnames import ascii_slug
from ...records import EMPTY, at_least, at_most
from ...validation import StrictModel, validate_located
from ...yamlload import Located
from .capture_banner import add_banner, banner_lines
from .capture_rate import site_of
from .capture_watch import Watch, dns_answer, iso, proxy_setting

MAX_STEPS = 8
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


# --- steps ----------------------------------------------------------------------
class StepModel(StrictModel):
    cliquer: str | None = None
    cocher: str | None = None


StepsModel = Annotated[list[StepModel], at_most(MAX_STEPS), at_least(1, EMPTY)]


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
    steps = []
    for number, item in enumerate(validate_located(StepsModel, located, path), start=1):
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
    har: bytes = b""  # every exchange of the load, bodies included (HAR 1.2)
    warc: bytes = b""  # the same exchanges as WARC records (capture_archive)
    conditions: dict[str, Any] = field(default_factory=dict)  # capture_watch + the browser

    @property
    def html_sha256(self) -> str:
        return hashlib.sha256(self.html).hexdigest()

    def hashes(self) -> dict[str, str]:
        """SHA-256 of what is kept: the PNG, the HTML, the text, the archive."""
        digest = {"png": self.png, "html": self.html, "texte": self.text.encode("utf-8")}
        if self.har:
            digest["har"] = self.har
        if self.warc:
            digest["warc"] = self.warc
        return {name: hashlib.sha256(data).hexdigest() for name, data in digest.items()}


def _launch_args(no_proxy: bool = True) -> list[str]:
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    extra = ["--no-sandbox"] if root else []  # Chromium refuses its sandbox as root
    return FLAGS + extra + (["--no-proxy-server"] if no_proxy else [])


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
    """Load ``url`` once, do the listed steps (or let the person act), capture the page,
    and note how it was reached."""
    executable = find_chromium(chromium)
    sync_playwright = _sync_playwright()
    from playwright.sync_api import Error as PlaywrightError

    headless = (not interactive) if headless is None else headless
    proxy, proxy_said = proxy_setting()
    started = now_paris()
    dns = dns_answer(url)
    with WorkDir("rdvletters-capture-") as tmp:
        har_path = tmp / "page.har"
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=executable,
                    headless=headless,
                    args=_launch_args(proxy is None),
                    proxy=proxy,  # type: ignore[arg-type]
                )
                try:
                    shot = _session(browser, url, steps, interactive, wait, timeout_ms, har_path)
                finally:
                    browser.close()
        except PlaywrightError as exc:
            raise CaptureError(_said(exc, url), hint=_("Rien n'a été enregistré.")) from None
        shot.har = har_path.read_bytes() if har_path.is_file() else b""
    if shot.har:
        from .capture_archive import warc_from_har

        shot.warc = warc_from_har(shot.har, iso(started))
    shot.png = add_banner(shot.png, banner_lines(shot.final_url, shot.taken_at), shot.taken_at,
                          shot.final_url)  # fmt: skip
    shot.conditions.update(
        fin=iso(now_paris()),
        debut_commande=iso(started),
        dns=dns,
        mandataire=proxy_said,
        empreintes=shot.hashes(),
    )
    return shot


def _session(
    browser: Any,
    url: str,
    steps: list[Step],
    interactive: bool,
    wait: Callable[[Any], None] | None,
    timeout_ms: int,
    har_path: Path,
) -> Capture:
    """One fresh context (no cache, no cookie), one load, the steps, the capture."""
    agent = _honest_agent(browser)
    context = browser.new_context(
        user_agent=agent,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport=VIEWPORT,
        record_har_path=str(har_path),
        record_har_content="embed",
    )
    try:
        cookies = len(context.cookies())
        page = context.new_page()
        watch = Watch(page, context)
        opened = now_paris()
        page.goto(url, wait_until="load", timeout=timeout_ms)
        done = []
        for number, step in enumerate(steps, start=1):
            _do_step(page, step, number, timeout_ms)
            done.append(step.said())
        by_hand: dict[str, str] = {}
        if interactive and wait is not None:
            watch.by_hand = True
            by_hand["debut"] = iso(now_paris())
            wait(page)
            page.wait_for_load_state("load", timeout=timeout_ms)
            by_hand["fin"] = iso(now_paris())
        taken = now_paris()
        png = page.screenshot(full_page=True, type="png")
        text = page.inner_text("body")
        html = page.content().encode("utf-8")
        final, title = page.url, page.title()
        conditions = watch.conditions(opened, taken)
    finally:
        context.close()  # writes the HAR
    conditions.update(
        navigateur=f"Chromium {browser.version}",
        agent=agent,
        profil="neuf",
        cookies_avant=cookies,
        etapes=done,
        **({"a_la_main": by_hand} if by_hand else {}),
    )
    mode = "interactive" if interactive else "automatique"
    return Capture(url, final, title, taken, png, text, html, agent, mode, done,
                   conditions=conditions)  # fmt: skip


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


# --- the page's message ---------------------------------------------------------
def no_slot_message(text: str) -> str | None:
    """The sentence that says there is no slot, as the page wrote it, if recognised."""
    for line in text.splitlines():
        line = " ".join(line.split())
        if NO_SLOT.search(line):
            return line[:300]
    return None


# --- journal --------------------------------------------------------------------
ARCHIVE_LABEL = "archive HAR de la page"  # archives stay in the case, out of the dossier
WARC_LABEL = "archive WARC de la page"


def record(case: Case, capture: Capture, message: str) -> Entry:
    """Write the PNG, the page text, the HTML and the archive into pieces/, and journal the
    attempt with the conditions of the capture. Ctrl-C or a full disk leaves either all of
    it or nothing."""
    case.journal.check_appendable()
    taken = capture.taken_at
    stem = f"{taken:%Y-%m-%d_%H%M}_web_capture_{ascii_slug(site_of(capture.final_url), 30)}"
    folder = private_dir(case.pieces)
    created: list[Path] = []

    def piece(path: Path, original: str, **extra: Any) -> dict[str, Any]:
        return {
            "fichier": path.relative_to(case.root).as_posix(),
            "original": original,
            "sha256": sha256_file(path),
            **extra,
        }

    try:
        png = write_unique(folder, stem, ".png", capture.png, created)
        text = write_unique(folder, stem + "_texte", ".txt", capture.text.encode(), created)
        html = write_unique(folder, stem + "_page", ".html", capture.html, created)
        stamp = taken.isoformat(timespec="seconds")
        pieces = [
            piece(png, "capture rdvletters", date_propre=stamp, origine_date="capture",
                  conditions=capture.conditions),
            piece(text, "texte de la page"),
        ]  # fmt: skip
        if capture.har:
            har = write_unique(folder, stem + "_archive", ".har", capture.har, created)
            pieces.append(piece(har, ARCHIVE_LABEL))
        if capture.warc:
            warc = write_unique(folder, stem + "_archive", ".warc.gz", capture.warc, created)
            pieces.append(piece(warc, WARC_LABEL))
        with deferred_interrupts():
            return case.journal.append(
                {
                    "type": "tentative",
                    "canal": "web",
                    "date": stamp,
                    "description": message.strip(),
                    "pieces": pieces,
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
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise
