"""Commands for dated proofs: timestamp, capture; and the dates ``record`` reads in proofs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import click

from ..case import Case
from ..errors import InputError
from ..frdates import now_paris
from ..i18n import N_, _
from .app import cli, interactive, warn
from .translated import FloatRange, PathType, argument, option


# --- record: dates read in the proof files ---------------------------------------
def record_inputs(
    channel: str,
    at: str | None,
    message: str,
    proofs: list[Path],
    parse: Callable[[str | None], datetime],
) -> tuple[datetime, str]:
    """The step's date and message, using what the proof files say about themselves; the
    only decision left here is asking the person about a capture's own date."""
    from ..evidence.proofs.proofdates import far_from, read_proofs

    now = now_paris()
    reading = read_proofs(channel, at, message, proofs, now)
    warn(reading.warnings)
    for notice in reading.notices:
        click.echo(notice)
    when = reading.when
    if when is None and reading.offer is not None:
        offer = reading.offer
        when = now.replace(second=0, microsecond=0)
        if interactive() and click.confirm(
            _("{file} date du {when}. Noter la démarche à cette date ?").format(
                file=offer.file, when=offer.said()
            ),
            default=True,
        ):
            when = offer.when.astimezone(now.tzinfo)
        elif far_from(when, offer):
            warn(
                [
                    _("{file} date du {when} ; pour noter cette date : --at capture").format(
                        file=offer.file, when=offer.said()
                    )
                ]
            )
    if when is None:
        when = parse(at)
    warn(reading.check(when))
    return when, reading.message


# --- timestamp ----------------------------------------------------------------------
@cli.command(
    short_help=N_("Faire horodater le journal (RFC 3161)."),
    help=N_("Faire horodater le journal par des autorités indépendantes (RFC 3161)."),
)
@option(
    "--tsa",
    "tsa_url",
    metavar="URL",
    help=N_(
        "Demander à cette autorité seulement (par défaut : celles de horodatage.yaml, "
        "sinon DFN, Lex Persona, IdenTrust et SSL.com)."
    ),
)
@option(
    "--tsa-cert",
    type=PathType(dir_okay=False, path_type=Path),
    help=N_("Avec --tsa : certificat (PEM) de l'autorité, à qui faire confiance."),
)
@option(
    "--timeout",
    type=FloatRange(1, 120),
    metavar=N_("SECONDES"),
    help=N_("Délai d'attente par autorité, en secondes."),
)
@click.pass_obj
def timestamp(
    case: Case, tsa_url: str | None, tsa_cert: Path | None, timeout: float | None
) -> None:
    from ..evidence.proofs import timestamp as ts
    from ..evidence.proofs.tsa_settings import authority, remember_root

    if tsa_cert and not tsa_url:
        raise InputError(_("--tsa-cert ne vaut qu'avec --tsa URL (l'autorité qu'il désigne)."))
    if tsa_cert and not tsa_cert.is_file():
        raise InputError(_("--tsa-cert {path} : fichier introuvable.").format(path=tsa_cert))
    authorities = None
    if tsa_url:
        if not tsa_url.startswith(("http://", "https://")):
            raise InputError(
                _("--tsa « {url} » : une adresse http:// ou https:// est attendue.").format(
                    url=tsa_url
                )
            )
        authorities = (authority(tsa_url, None, tsa_cert),)
    case.load()
    outcome = ts.request(case, authorities, timeout)
    if tsa_cert and outcome.trusted:  # verify will trust it later too
        remember_root(case, tsa_cert)
    warn([*outcome.unvouched, *outcome.failures])
    for entry in outcome.trusted:
        data = entry.data
        when = datetime.fromisoformat(data["heure_tsa"]).astimezone(now_paris().tzinfo)
        click.echo(
            _(
                "Entrée n° {n} : journal (entrées 1 à {last}) horodaté par {authority} le "
                "{date} à {time} ; jeton {path}."
            ).format(
                n=entry.n,
                last=data["entree"],
                authority=data["autorite"],
                date=f"{when:%d/%m/%Y}",
                time=f"{when:%H:%M:%S}",
                path=data["fichier"],
            )
        )


# --- capture ------------------------------------------------------------------------
@cli.command(
    short_help=N_("Capturer, datée, la page de rendez-vous."),
    help=N_("Capturer, datée, la page de rendez-vous (un seul chargement, sans réserver)."),
)
@argument("url", required=False, metavar="[URL]")
@option(
    "--steps",
    "steps_file",
    type=PathType(dir_okay=False, path_type=Path),
    help=N_("Étapes à faire sur la page (YAML : - cliquer: texte / - cocher: texte)."),
)
@option(
    "--interactive",
    is_flag=True,
    help=N_("Fenêtre visible : vous passez le captcha, puis Entrée pour capturer."),
)
@option(
    "--message",
    "-m",
    metavar=N_("TEXTE"),
    help=N_("Le message affiché, s'il n'est pas reconnu."),
)
@option("--chromium", metavar=N_("CHEMIN"), help=N_("Chemin du navigateur Chromium."))
@click.pass_obj
def capture(
    case: Case,
    url: str | None,
    steps_file: Path | None,
    interactive: bool,
    message: str | None,
    chromium: str | None,
) -> None:
    from ..evidence.proofs import capture as cap
    from ..evidence.proofs.capture_rate import check_rate, note_load

    profile = case.load().profile
    url = url or profile.prefecture.site_rdv
    if not url:
        raise InputError(
            _(
                "aucune adresse : donnez-la (rdvletters capture https://…) ou remplissez "
                "prefecture.site_rdv dans le profil."
            )
        )
    steps = cap.load_steps(steps_file) if steps_file else []
    cap.find_chromium(chromium)
    case.journal.check_appendable()
    check_rate(case, url)
    note_load(case, url)

    def wait(page) -> None:
        click.echo(
            _(
                "Dans la fenêtre de Chromium, allez jusqu'à la page qui dit qu'il n'y a pas de "
                "rendez-vous (sans rien réserver), puis revenez ici."
            )
        )
        click.prompt(
            _("Appuyez sur Entrée pour capturer la page affichée"),
            default="",
            show_default=False,
        )

    shot = cap.take(url, steps, interactive=interactive, wait=wait, chromium=chromium)
    found = cap.no_slot_message(shot.text)
    text = message or found
    if not text:
        click.echo(
            _("Page capturée : {url} ({title}).").format(url=shot.final_url, title=shot.title)
        )
        text = click.prompt(_("Quel message la page affiche-t-elle ?"))
    entry = cap.record(case, shot, text)
    click.echo(
        _("Entrée n° {n} : site de rendez-vous, {when}, « {message} ».").format(
            n=entry.n, when=f"{entry.when:%d/%m/%Y %H:%M}", message=entry.data["description"]
        )
    )
    click.echo(
        _("Capture : {path} ; HTML SHA-256 {sha256}.").format(
            path=entry.data["pieces"][0]["fichier"], sha256=shot.html_sha256
        )
    )
