"""Commands for dated proofs: timestamp, capture; and the dates ``record`` reads in proofs."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import click

from ..case import Case
from ..errors import InputError
from ..frdates import now_paris
from .app import cli, warn


# --- record: dates read in the proof files ---------------------------------------
def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def record_inputs(
    channel: str,
    at: str | None,
    message: str,
    proofs: list[Path],
    parse: Callable[[str | None], datetime],
) -> tuple[datetime, str]:
    """The step's date and message, using what the proof files say about themselves; the
    only decision left here is asking the person about a capture's own date."""
    from ..evidence.proofdates import far_from, read_proofs

    now = now_paris()
    reading = read_proofs(channel, at, message, proofs, now)
    warn(reading.warnings)
    for notice in reading.notices:
        click.echo(notice)
    when = reading.when
    if when is None and reading.offer is not None:
        offer = reading.offer
        when = now.replace(second=0, microsecond=0)
        if _interactive() and click.confirm(
            f"{offer.file} date du {offer.said()}. Noter la démarche à cette date ?", default=True
        ):
            when = offer.when.astimezone(now.tzinfo)
        elif far_from(when, offer):
            warn([f"{offer.file} date du {offer.said()} ; pour noter cette date : --at capture"])
    if when is None:
        when = parse(at)
    warn(reading.check(when))
    return when, reading.message


# --- timestamp ----------------------------------------------------------------------
@cli.command()
@click.option(
    "--tsa",
    "tsa_url",
    metavar="URL",
    help="Demander à cette autorité seulement (par défaut : celles de horodatage.yaml, "
    "sinon FreeTSA, DigiCert et Sectigo).",
)
@click.option(
    "--tsa-cert",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Avec --tsa : certificat (PEM) de l'autorité, à qui faire confiance.",
)
@click.option(
    "--timeout", type=click.FloatRange(1, 120), help="Délai d'attente par autorité, en secondes."
)
@click.pass_obj
def timestamp(
    case: Case, tsa_url: str | None, tsa_cert: Path | None, timeout: float | None
) -> None:
    """Faire horodater le journal par des autorités indépendantes (RFC 3161)."""
    from ..evidence import timestamp as ts

    if tsa_cert and not tsa_url:
        raise InputError("--tsa-cert ne vaut qu'avec --tsa URL (l'autorité qu'il désigne).")
    if tsa_cert and not tsa_cert.is_file():
        raise InputError(f"--tsa-cert {tsa_cert} : fichier introuvable.")
    authorities = None
    if tsa_url:
        if not tsa_url.startswith(("http://", "https://")):
            raise InputError(f"--tsa « {tsa_url} » : une adresse http:// ou https:// est attendue.")
        from urllib.parse import urlsplit

        authorities = (ts.Authority(tsa_url, urlsplit(tsa_url).hostname or tsa_url, tsa_cert),)
    case.load()
    outcome = ts.request(case, authorities, timeout)
    warn(outcome.failures + outcome.warnings)
    for entry in outcome.entries:
        data = entry.data
        when = datetime.fromisoformat(data["heure_tsa"]).astimezone(now_paris().tzinfo)
        click.echo(
            f"Entrée n° {entry.n} : journal (entrées 1 à {data['entree']}) horodaté par "
            f"{data['autorite']} le {when:%d/%m/%Y à %H:%M:%S} ; jeton {data['fichier']}."
        )


# --- capture ------------------------------------------------------------------------
@cli.command()
@click.argument("url", required=False)
@click.option(
    "--steps",
    "steps_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Étapes à faire sur la page (YAML : - cliquer: texte / - cocher: texte).",
)
@click.option(
    "--interactive",
    is_flag=True,
    help="Fenêtre visible : vous passez le captcha, puis Entrée pour capturer.",
)
@click.option("--message", "-m", help="Le message affiché, s'il n'est pas reconnu.")
@click.option("--chromium", metavar="CHEMIN", help="Chemin du navigateur Chromium.")
@click.pass_obj
def capture(
    case: Case,
    url: str | None,
    steps_file: Path | None,
    interactive: bool,
    message: str | None,
    chromium: str | None,
) -> None:
    """Capturer, datée, la page de rendez-vous (un seul chargement, sans réserver)."""
    from ..evidence import capture as cap
    from ..evidence.timestamp import after_step

    profile = case.load().profile
    url = url or profile.prefecture.site_rdv
    if not url:
        raise InputError(
            "aucune adresse : donnez-la (rdvletters capture https://…) ou remplissez "
            "prefecture.site_rdv dans le profil."
        )
    steps = cap.load_steps(steps_file) if steps_file else []
    cap.find_chromium(chromium)
    case.journal.check_appendable()
    cap.check_rate(case, url)
    cap.note_load(case, url)

    def wait(page) -> None:
        click.echo(
            "Dans la fenêtre de Chromium, allez jusqu'à la page qui dit qu'il n'y a pas de "
            "rendez-vous (sans rien réserver), puis revenez ici."
        )
        click.prompt(
            "Appuyez sur Entrée pour capturer la page affichée", default="", show_default=False
        )

    shot = cap.take(url, steps, interactive=interactive, wait=wait, chromium=chromium)
    found = cap.no_slot_message(shot.text)
    text = message or found
    if not text:
        click.echo(f"Page capturée : {shot.final_url} ({shot.title}).")
        text = click.prompt("Quel message la page affiche-t-elle ?")
    entry = cap.record(case, shot, text)
    click.echo(
        f"Entrée n° {entry.n} : site de rendez-vous, {entry.when:%d/%m/%Y %H:%M}, "
        f"« {entry.data['description']} »."
    )
    click.echo(f"Capture : {entry.data['pieces'][0]['fichier']} ; HTML SHA-256 {shot.html_sha256}.")
    note = after_step(case)
    if note:
        click.echo(note)
