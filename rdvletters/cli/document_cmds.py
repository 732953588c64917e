"""Commands that prepare documents: email, letter, referral."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from ..case import Case
from ..errors import InputError
from ..frdates import now_paris
from ..i18n import N_, _
from .app import cli, command_name, warn
from .translated import option

if TYPE_CHECKING:  # the pipeline needs Jinja and YAML: imported when a document is made
    from ..documents.pipeline import Prepared


def _generated(case: Case, kind: str, fmt: str, outline: bool = False) -> Prepared:
    from ..documents.pipeline import prepare

    if fmt == "eml":
        from ..delivery.eml import render_eml

        prepared = prepare(case, kind, fmt, render=render_eml)
    else:
        prepared = prepare(case, kind, fmt, outline=outline)
    warn(prepared.warnings)
    if fmt == "text" and kind == "courriel":
        click.echo(prepared.path.read_text(encoding="utf-8"))
    click.echo(
        _("Document préparé : {path} (entrée n° {n}).").format(
            path=prepared.path, n=prepared.entry.n
        )
    )
    return prepared


def _after(case: Case, prepared: Prepared) -> None:
    tracking = ' --tracking "1A …"' if prepared.entry.data["document"] == "lettre" else ""
    click.echo(
        _("Une fois envoyé, notez-le : {command}").format(
            command=f"{command_name()} -C {case.root} sent {prepared.entry.n}{tracking}"
        )
    )


LETTER_FORMATS = click.Choice(["docx", "text", "pdf"])
OUTLINE_HELP = N_("Encadrer le bloc d'adresse, pour vérifier la position avec vos enveloppes.")
FORMAT_HELP = N_("docx : à modifier ; pdf : prêt à imprimer ; text : texte brut.")


@cli.command(
    short_help=N_("Préparer (ou envoyer) le courriel de la semaine."),
    help=N_("Préparer (ou envoyer) le courriel de la semaine au service des étrangers."),
)
@option(
    "--format",
    "fmt",
    type=click.Choice(["text", "eml"]),
    default="text",
    show_default=True,
    help=N_("text : à copier ; eml : brouillon avec pièces jointes."),
)
@option(
    "--send",
    "send_now",
    is_flag=True,
    help=N_("Envoyer par votre serveur SMTP (réglages dans smtp.yaml)."),
)
@option("--yes", "-y", is_flag=True, help=N_("Avec --send : ne pas demander confirmation."))
@option("--mailto", is_flag=True, help=N_("Afficher un lien mailto: (sans pièces jointes)."))
@click.pass_obj
def email(case: Case, fmt: str, send_now: bool, yes: bool, mailto: bool) -> None:
    if mailto:
        from ..delivery.eml import mailto_link
        from ..documents.pipeline import build_document

        document = build_document(case, "courriel", now_paris()).document
        try:
            click.echo(mailto_link(document))
        except InputError as error:  # the web page says it without the option's name
            raise InputError(_("--mailto : {error}").format(error=error), hint=error.hint) from None
    elif send_now:
        _send_email(case, yes)
    else:
        _after(case, _generated(case, "courriel", fmt))


def _send_email(case: Case, yes: bool) -> None:
    from ..delivery.sending import (
        config_warnings,
        journal_head,
        load_config,
        outgoing,
        record_delivery,
        send,
        stored_password,
    )

    config = load_config(case)
    warn(config_warnings(config))
    prepared = _generated(case, "courriel", "eml")
    now = now_paris()
    built = outgoing(prepared.document, config, now, anchor=journal_head(case))
    message = built.message
    copy = f"{built.sender} ({built.copy_header})" if built.copy_header else "-"
    click.echo("\n" + _("De : {sender}").format(sender=message["From"]))
    click.echo(_("À : {recipient}").format(recipient=message["To"]))
    click.echo(_("Copie à : {copy}").format(copy=copy))
    click.echo(_("Objet : {subject}").format(subject=message["Subject"]))
    click.echo(f"\n{message.get_body().get_content()}")  # the e-mail itself: French
    for part in message.iter_attachments():
        click.echo(_("Pièce jointe : {name}").format(name=part.get_filename()))
    if not yes and not click.confirm(_("Envoyer ce courriel maintenant ?"), default=False):
        click.echo(_("Rien n'a été envoyé ; le brouillon reste dans documents/."))
        return
    password = stored_password(config)
    if password is None and config.utilisateur:
        password = click.prompt(
            _("Mot de passe de {user}").format(user=config.utilisateur), hide_input=True
        )
    delivery = send(built, config, password)
    click.echo(
        _("Envoyé : {reply} ; Message-ID {message_id}.").format(
            reply=delivery.reply, message_id=delivery.message_id
        )
    )
    if delivery.note:
        click.echo(
            _("Note : {note} ; le message avait été accepté, il est bien parti.").format(
                note=delivery.note
            )
        )
    entry = record_delivery(case, prepared.entry, delivery, now)
    click.echo(
        _("Noté au journal (entrée n° {n}) ; copie exacte : {path}.").format(
            n=entry.n, path=entry.data["fichier"]
        )
    )


@cli.command(
    short_help=N_("Préparer la lettre recommandée au préfet."),
    help=N_("Préparer la lettre recommandée avec accusé de réception au préfet."),
)
@option("--format", "fmt", type=LETTER_FORMATS, default="docx", show_default=True, help=FORMAT_HELP)
@option("--window-outline", is_flag=True, help=OUTLINE_HELP)
@click.pass_obj
def letter(case: Case, fmt: str, window_outline: bool) -> None:
    _after(case, _generated(case, "lettre", fmt, window_outline))


@cli.command(
    short_help=N_("Préparer la saisine du Défenseur des droits."),
    help=N_("Préparer la saisine du délégué du Défenseur des droits."),
)
@option("--format", "fmt", type=LETTER_FORMATS, default="docx", show_default=True, help=FORMAT_HELP)
@option("--window-outline", is_flag=True, help=OUTLINE_HELP)
@click.pass_obj
def referral(case: Case, fmt: str, window_outline: bool) -> None:
    from ..facts import Facts

    if not Facts.from_journal(case.journal.read()).letters_sent:
        warn(
            [
                _(
                    "la lettre recommandée au préfet n'est pas encore partie : le Défenseur des "
                    "droits demande de montrer les démarches faites auprès de l'administration ; "
                    "envoyez d'abord la lettre (rdvletters letter)."
                )
            ]
        )
    _after(case, _generated(case, "saisine", fmt, window_outline))


@cli.command(
    short_help=N_("Juge des référés : est-ce le moment ? Le projet de requête."),
    help=N_("Le référé « mesures utiles » : est-ce le moment (--check), et le projet de requête."),
)
@option("--check", "check_only", is_flag=True, help=N_("Dire seulement si c'est le moment."))
@option("--format", "fmt", type=LETTER_FORMATS, default="docx", show_default=True, help=FORMAT_HELP)
@option("--json", "as_json", is_flag=True, help=N_("Avec --check : les critères en JSON."))
@click.pass_obj
def recours(case: Case, check_only: bool, fmt: str, as_json: bool) -> None:
    from ..court import readiness
    from ..facts import Facts

    if as_json and not check_only:
        raise InputError(_("--json ne vaut qu'avec --check (rdvletters recours --check --json)."))
    profile = case.load().profile
    facts = Facts.from_journal(case.journal.read())
    result = readiness.check(profile, facts, now_paris().date(), case.root)
    if check_only:
        if as_json:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            click.echo(readiness.render(result), nl=False)
        return
    from ..court.requete import prepare_requete

    requete, notes = prepare_requete(case, fmt)
    warn(requete.warnings)
    click.echo(
        _("Projet de requête préparé : {path} (entrée n° {n}).").format(
            path=requete.path, n=requete.entry.n
        )
    )
    click.echo(
        _("À lire avant le dépôt (ne pas déposer) : {path} (entrée n° {n}).").format(
            path=notes.path, n=notes.entry.n
        )
    )
    click.echo(
        _(
            "C'est un PROJET : relisez-le avec une permanence juridique ou un avocat, et lisez "
            "d'abord le fichier « à lire avant le dépôt » (ce qui manque, ce qui est à compléter)."
        )
    )
    court = requete.context.get("tribunal")
    if court is None:
        warn([_("département introuvable : complétez le tribunal (prefecture.departement).")])
    elif court.variants:
        warn(
            [
                _(
                    "les sources ne donnent pas la même adresse pour le {court} : la requête "
                    "laisse la rue à compléter ; recopiez-la depuis le site du tribunal avant un "
                    "envoi postal."
                ).format(court=court.name)
            ]
        )
    elif not court.address:
        warn(
            [
                _(
                    "l'adresse du {court} n'est pas vérifiée : la requête laisse une ligne à "
                    "compléter ; recopiez-la depuis le site du tribunal avant un envoi postal."
                ).format(court=court.name)
            ]
        )
    elif court.to_confirm:
        warn(
            [
                _("confirmez l'adresse du {court} sur le site du tribunal (cedex).").format(
                    court=court.name
                )
            ]
        )
    if result.unmet:
        warn(
            [
                _("repère non réuni : {name} ({figure})").format(name=c.name, figure=c.figure)
                for c in result.unmet
            ]
        )
    warn(result.warnings)
    click.echo(
        _(
            "Pour déposer : Télérecours citoyens (citoyens.telerecours.fr, procédure de référé, "
            "une pièce par fichier : rdvletters bundle les prépare), ou par lettre recommandée "
            "avec « Référé » sur l'enveloppe (requête signée + une copie, pièces + bordereau + "
            "une copie)."
        )
    )
