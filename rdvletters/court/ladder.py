"""The ladder of each route: the steps to climb before the judge, each done or not.

On the rdv route: the booking site with screenshots, the e-mails, the counter with a
witness; on the ANEF route: the ANEF errors with screenshots, the centre de contact
citoyens with its written answer, the point d'accueil numérique; then, on both, the
registered letter and its signed card, and the Défenseur des droits. Each rung says
its figure and the command that climbs it (``status`` shows them; the web app offers a
page for each).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..facts import Facts
from ..i18n import N_, _, ngettext
from ..localdates import day
from ..steps import Step


@dataclass
class Todo:
    """Something to do: said in words, and the command that does it (the CLI shows the
    command, the web app a button to the page that does it)."""

    text: str
    command: str = ""

    def __str__(self) -> str:
        return (
            _("{label} : {value}").format(label=self.text, value=self.command)
            if self.command
            else self.text
        )


@dataclass
class Rung:
    """One step of the ladder: done or not, and what to do to climb it."""

    name: str
    done: bool
    detail: str
    todo: Todo


def email_todo() -> Todo:
    return Todo(_("Envoyez le courriel de la semaine"), "rdvletters email")


def letter_todo() -> Todo:
    return Todo(
        _("Envoyez la lettre recommandée"),
        _("rdvletters letter, puis rdvletters sent N --tracking …"),
    )


def _email_rung(facts: Facts) -> Rung:
    sent = len(facts.emails)
    copies = sum(1 for s in facts.emails if s.has_header_copy)
    if not sent:
        detail = _("aucun, dont aucun avec copie .eml")
    elif not copies:
        detail = ngettext(
            "{n} envoyé, dont aucun avec copie .eml",
            "{n} envoyés, dont aucun avec copie .eml",
            sent,
        ).format(n=sent)
    else:
        detail = ngettext(
            "{n} envoyé, dont {k} avec copie .eml", "{n} envoyés, dont {k} avec copie .eml", sent
        ).format(n=sent, k=copies)
    return Rung(_("Courriels au service des étrangers"), bool(sent), detail, email_todo())


RECEIPT_COMMAND = N_("rdvletters record ar --at AAAA-MM-JJ --proof avis.jpg")


def _letter_rung(facts: Facts) -> Rung:
    letters = facts.letters_sent
    receipts = [r for r in (facts.receipt_of(x) for x in letters) if r is not None]
    if not letters:
        return Rung(
            _("Lettre recommandée et avis de réception"),
            False,
            _("pas encore envoyée"),
            letter_todo(),
        )
    posted = day(letters[-1].when.date())
    detail = (
        _("envoyée le {date}, avis de réception reçu")
        if receipts
        else _("envoyée le {date}, avis de réception non noté")
    ).format(date=posted)
    return Rung(
        _("Lettre recommandée et avis de réception"),
        bool(receipts),
        detail,
        Todo(
            _("Quand l'avis de réception revient, notez-le à la date signée sur l'avis"),
            _(RECEIPT_COMMAND),
        ),
    )


def _defenseur_rung(facts: Facts) -> Rung:
    referral = facts.referral
    return Rung(
        _("Défenseur des droits"),
        referral is not None,
        _("saisi le {date}").format(date=day(referral.when.date()))
        if referral
        else _("pas encore saisi"),
        Todo(_("Saisissez le Défenseur des droits"), "rdvletters referral"),
    )


def _tries(steps: list[Step]) -> str:
    """« 12 essais, dont 10 avec capture »."""
    n, k = len(steps), sum(s.has_proof for s in steps)
    return ngettext(
        "{n} essai, dont {k} avec capture", "{n} essais, dont {k} avec capture", n
    ).format(n=n, k=k)


def _anef_ladder(facts: Facts) -> list[Rung]:
    anef = facts.by_channel("anef")
    ccc = facts.by_channel("ccc")
    pan = facts.by_channel("pan")
    answered = sum(1 for s in ccc if any(r.has_proof for r in facts.answers_to(s)))
    return [
        Rung(
            _("Dépôt sur l'ANEF, avec captures de l'erreur"),
            any(s.has_proof for s in anef),
            _tries(anef),
            Todo(
                _("Essayez de déposer sur l'ANEF et notez l'erreur avec une capture"),
                _('rdvletters record anef -m "message affiché" --proof capture.png'),
            ),
        ),
        Rung(
            _("Centre de contact citoyens, réponse écrite gardée"),
            bool(answered),
            ngettext(
                "{n} contact, dont {k} avec sa réponse écrite",
                "{n} contacts, dont {k} avec leur réponse écrite",
                len(ccc),
            ).format(n=len(ccc), k=answered),
            Todo(
                _(
                    "Écrivez au centre de contact citoyens (formulaire ou téléphone), notez le "
                    "numéro de demande, puis sa réponse écrite sous ce numéro"
                ),
                "rdvletters record ccc --reference 123456",
            ),
        ),
        Rung(
            _("Point d'accueil numérique (passage ou demande)"),
            bool(pan),
            ngettext("{n} passage ou demande", "{n} passages ou demandes", len(pan)).format(
                n=len(pan)
            )
            if pan
            else _("aucun passage"),
            Todo(
                _("Allez au point d'accueil numérique de la préfecture et notez-le"),
                _("rdvletters record pan --proof justificatif.jpg"),
            ),
        ),
    ]


def _rdv_rungs(facts: Facts) -> tuple[Rung, Rung]:
    """The booking site (first) and the counter with a witness (after the e-mails)."""
    web = facts.by_channel("web")
    counters = facts.by_channel("counter")
    witnessed = sum(1 for s in counters if s.witness)
    site = Rung(
        _("Site de rendez-vous, avec captures"),
        any(s.has_proof for s in web),
        _tries(web),
        Todo(
            _("Essayez le site de rendez-vous et notez chaque essai avec sa capture"),
            _("rdvletters record web --proof capture.png"),
        ),
    )
    counter = Rung(
        _("Guichet avec un témoin"),
        bool(witnessed),
        ngettext(
            "{n} visite, dont {k} avec témoin", "{n} visites, dont {k} avec témoin", len(counters)
        ).format(n=len(counters), k=witnessed),
        Todo(
            _("Présentez-vous au guichet accompagné d'un témoin, puis notez-le"),
            _('rdvletters record counter --witness "Prénom NOM"'),
        ),
    )
    return site, counter


def ladder(facts: Facts, route: str) -> list[Rung]:
    """The rungs of the route, each with its figures and the command that climbs it."""
    if route == "anef":
        return [
            *_anef_ladder(facts),
            _email_rung(facts),
            _letter_rung(facts),
            _defenseur_rung(facts),
        ]
    site, counter = _rdv_rungs(facts)
    return [site, _email_rung(facts), counter, _letter_rung(facts), _defenseur_rung(facts)]


def this_week_todo(route: str, missing: int) -> Todo:
    if route == "anef":
        return Todo(
            ngettext(
                "Cette semaine : essayez encore {n} fois de déposer sur l'ANEF, à des heures "
                "différentes, avec une capture de l'erreur (date, heure, adresse), et relancez "
                "le centre de contact citoyens ; notez chaque démarche",
                "Cette semaine : essayez encore {n} fois de déposer sur l'ANEF, à des heures "
                "différentes, avec une capture de l'erreur (date, heure, adresse), et relancez "
                "le centre de contact citoyens ; notez chaque démarche",
                missing,
            ).format(n=missing),
            "rdvletters record anef …",
        )
    return Todo(
        ngettext(
            "Cette semaine : essayez encore {n} fois le site de rendez-vous, à des heures "
            "différentes, avec une capture d'écran (date, heure, adresse du site), puis notez-le",
            "Cette semaine : essayez encore {n} fois le site de rendez-vous, à des heures "
            "différentes, avec une capture d'écran (date, heure, adresse du site), puis notez-le",
            missing,
        ).format(n=missing),
        "rdvletters record web …",
    )
