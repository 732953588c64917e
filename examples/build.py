"""Rebuild the two fictitious example cases through the library.

Run from the repository root:  python examples/build.py
Every entry is written by ``Case.record`` / ``Case.record_sent``, so the hash
chain and the proof hashes are genuine; each entry is stamped as recorded five
minutes after the step it describes. Screenshots are drawn by headless
Chromium from a small HTML page (address bar, clock, the message shown), so the
examples carry real images. All people, addresses and numbers are invented.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from rdvletters import journal  # noqa: E402
from rdvletters.case import Case  # noqa: E402
from rdvletters.frdates import PARIS  # noqa: E402

PAGE = """<!doctype html><meta charset="utf-8"><style>
body{{margin:0;font:15px Arial,sans-serif;background:#f2f2f2}}
.bar{{display:flex;justify-content:space-between;background:#dfe3e8;padding:8px 12px;
font-size:13px;color:#333}}.url{{background:#fff;border-radius:12px;padding:3px 12px;flex:1;
margin-right:16px}}.page{{margin:28px;background:#fff;padding:28px;border-top:6px solid #000091}}
h1{{font-size:19px;margin:0 0 18px}}.msg{{border-left:5px solid {color};padding:12px;
background:#fafafa}}</style>
<div class="bar"><span class="url">{url}</span><span>{clock}</span></div>
<div class="page"><h1>{title}</h1><div class="msg">{message}</div></div>"""


def screenshot(folder: Path, name: str, url: str, when: datetime, title: str, msg: str) -> Path:
    """A 720 x 420 PNG of the page as the person saw it, clock included."""
    html = folder / f"{name}.html"
    color = "#ce0500" if "rreur" in msg else "#000091"
    clock = f"{when:%d/%m/%Y %H:%M}"
    html.write_text(
        PAGE.format(url=url, clock=clock, title=title, message=msg, color=color), "utf-8"
    )
    target = folder / f"{name}.png"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={folder / 'profile'}",
            "--window-size=720,420",
            f"--screenshot={target}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
    )
    return target


def pdf(folder: Path, name: str, lines: list[str]) -> Path:
    """A one-page PDF made by LibreOffice from plain text (a fictitious document)."""
    text = folder / f"{name}.txt"
    text.write_text("\n".join(lines) + "\n", "utf-8")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(folder / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(text),
        ],
        check=True,
        capture_output=True,
    )
    return folder / f"{name}.pdf"


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=PARIS)


def stamped(when: datetime):
    """Entries are stamped as recorded five minutes after the step."""
    return mock.patch.object(journal, "now_paris", lambda: when + timedelta(minutes=5))


def fresh(name: str) -> tuple[Case, Path]:
    folder = ROOT / name
    profile = (folder / "profil.yaml").read_bytes()
    shutil.rmtree(folder)
    folder.mkdir()
    (folder / "profil.yaml").write_bytes(profile)
    return Case(folder), Path(tempfile.mkdtemp())


NO_SLOT = "Aucune plage horaire libre pour le moment. Veuillez recommencer ultérieurement."
BOOKING = "https://rdv.example.gouv.fr/seine-saint-denis/titre-sejour"


def aminata() -> None:
    """Route rdv: admission exceptionnelle au séjour « salarié », filed in person (R. 431-3)."""
    case, tmp = fresh("aminata")
    web = [
        ("2026-09-14 09:05", True), ("2026-09-16 21:40", True), ("2026-09-18 07:55", False),
        ("2026-09-22 12:30", True), ("2026-09-25 18:05", True), ("2026-09-29 10:15", True),
        ("2026-10-01 22:50", False), ("2026-10-06 09:00", True), ("2026-10-08 13:45", True),
        ("2026-10-13 08:10", True), ("2026-10-20 07:50", True), ("2026-10-22 19:10", True),
        ("2026-10-27 11:30", True), ("2026-10-29 20:20", False), ("2026-11-03 08:20", True),
        ("2026-11-05 23:05", True), ("2026-11-10 09:40", True), ("2026-11-12 17:25", True),
        ("2026-11-17 08:05", True), ("2026-11-19 21:15", True), ("2026-11-24 09:10", True),
        ("2026-11-25 18:45", True),
    ]  # fmt: skip
    steps: list[tuple[str, str, dict]] = [(w, "web", {"proof": p}) for w, p in web]
    steps += [
        ("2026-09-18 08:10", "email", {"m": "Demande de rendez-vous envoyée au service des étrangers"}),
        ("2026-09-25 18:20", "email", {"m": "Relance n° 1 envoyée au service des étrangers"}),
        ("2026-09-26 08:00", "reply", {"m": "Réponse automatique : votre message a bien été reçu"}),
        ("2026-10-09 09:30", "email", {"m": "Relance n° 2 envoyée au service des étrangers"}),
        ("2026-10-15 08:30", "counter", {
            "m": "L'agent d'accueil a refusé de donner un rendez-vous et a renvoyé vers le site",
            "witness": "Fatou KONÉ"}),
        ("2026-10-30 10:00", "email", {"m": "Relance n° 3 envoyée au service des étrangers"}),
        ("2026-11-06 14:00", "phone", {"m": "Standard de la préfecture : aucun rendez-vous par téléphone"}),
        ("2026-11-13 10:00", "email", {"m": "Relance n° 4 envoyée au service des étrangers"}),
    ]  # fmt: skip
    steps.sort(key=lambda s: at(s[0]))
    for i, (when_text, channel, extra) in enumerate(steps):
        when = at(when_text)
        proofs = []
        if channel == "web" and extra["proof"]:
            proofs.append(
                screenshot(tmp, f"capture_{i:02d}", BOOKING, when, "Prendre rendez-vous", NO_SLOT)
            )
        with stamped(when):
            case.record(
                channel, when, extra.get("m", NO_SLOT), proofs, witness=extra.get("witness")
            )
    promise = pdf(
        tmp,
        "promesse_embauche",
        [
            "Résidence Les Tilleuls — EHPAD (fictif)",
            "Promesse d'embauche",
            "Madame Aminata DIALLO est engagée comme aide-soignante à compter du 4 janvier 2027,",
            "sous réserve de la délivrance d'un titre de séjour l'autorisant à travailler.",
        ],
    )
    shutil.copy(promise, case.pieces / "promesse_embauche.pdf")
    shutil.rmtree(tmp)


CCC = "centre de contact citoyens"
ANEF_URL = (
    "https://administration-etrangers-en-france.example.gouv.fr/particuliers/#/espace-personnel"
)
ANEF_ERROR = (
    "Une erreur technique est survenue. Votre demande ne peut pas être transmise (code ERR-500)."
)


def kofi() -> None:
    """Route anef: renewal of a « passeport talent » card, first attempt inside the window."""
    case, tmp = fresh("kofi")
    steps = [
        ("2026-10-19 09:20", "anef", {"ref": "ERR-500"}),
        ("2026-10-21 20:45", "anef", {"ref": "ERR-500"}),
        ("2026-10-22 10:05", "ccc", {"ref": "2610-48213", "m": f"Formulaire de contact du {CCC} : signalement de l'erreur ERR-500"}),
        ("2026-10-27 08:40", "anef", {"ref": "ERR-500"}),
        ("2026-10-29 16:10", "reply", {"ref": "2610-48213", "m": "Votre signalement a été transmis au service compétent"}),
        ("2026-10-30 09:15", "email", {"m": "Signalement au service des étrangers de l'impossibilité de déposer"}),
        ("2026-11-03 21:30", "anef", {"ref": "ERR-500"}),
        ("2026-11-05 07:55", "anef", {"ref": "ERR-500"}),
        ("2026-11-06 14:20", "ccc", {"ref": "2611-50977", "m": "Appel au centre de contact citoyens : le téléconseiller confirme l'anomalie"}),
        ("2026-11-10 10:30", "pan", {"m": "Point d'accueil numérique de la préfecture : l'agent constate l'erreur et ne peut pas transmettre la demande", "pdf": True}),
        ("2026-11-12 19:05", "anef", {"ref": "ERR-500"}),
        ("2026-11-13 09:00", "email", {"m": "Relance n° 1 au service des étrangers"}),
        ("2026-11-17 08:15", "anef", {"ref": "ERR-500"}),
        ("2026-11-20 11:45", "reply", {"ref": "2611-50977", "m": "Le dossier est bloqué ; rapprochez-vous de votre préfecture"}),
        ("2026-11-24 22:10", "anef", {"ref": "ERR-500"}),
        ("2026-11-26 07:35", "anef", {"ref": "ERR-500"}),
    ]  # fmt: skip
    for i, (when_text, channel, extra) in enumerate(steps):
        when = at(when_text)
        proofs = []
        message = extra.get("m", ANEF_ERROR)
        if channel == "anef":
            proofs.append(
                screenshot(
                    tmp,
                    f"capture_erreur_{i:02d}",
                    ANEF_URL,
                    when,
                    "Demande de titre de séjour",
                    message,
                )
            )
        elif channel in ("ccc", "reply"):
            proofs.append(
                screenshot(
                    tmp, f"message_{i:02d}", "https://messagerie.example.org/ccc", when,
                    f"Centre de contact citoyens – demande n° {extra['ref']}", message,
                )
            )  # fmt: skip
        elif extra.get("pdf"):
            proofs.append(
                pdf(tmp, f"ticket_{i:02d}", ["Point d'accueil numérique — ticket de passage (fictif)",
                                          f"Le {when:%d/%m/%Y} à {when:%H:%M}"])
            )  # fmt: skip
        with stamped(when):
            case.record(channel, when, message, proofs, reference=extra.get("ref"))
    letter = pdf(
        tmp,
        "attestation_employeur",
        [
            "Société Lumen Optique (fictive)",
            "Attestation de l'employeur : M. Kofi MENSAH, ingénieur, CDI depuis le 2 mai 2023.",
            "La poursuite du contrat suppose un titre de séjour ou une attestation de",
            "prolongation de l'instruction en cours de validité au 15 février 2027.",
        ],
    )
    shutil.copy(letter, case.pieces / "attestation_employeur.pdf")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    aminata()
    kofi()
    print("examples rebuilt: aminata (rdv), kofi (anef)")
