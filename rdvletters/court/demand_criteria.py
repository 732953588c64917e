"""The criteria of the référé check that the demand itself answers: urgency, the renewal
window, a complete dossier.

The other criteria (``criteria``) count what the journal shows of the attempts; these
read the profile and the files it names. Urgency is presumed for a renewal close to its
expiry, not for a first application, and none is recognised under an unexecuted
obligation to leave France (CE, 9 juin 2022, n° 453391); a renewal asked before its
window opens (R. 431-5) may make the requête premature, after it a late fee may be
asked (L. 436-5); and the demand must be complete, with the pieces the préfecture asks
for (and, since 1 January 2026, for a first multi-year card or a resident card, the
language certificate and the civic exam).
"""

from __future__ import annotations

from pathlib import Path

from ..casepaths import inside
from ..i18n import _, ngettext
from ..localdates import day
from ..profile import Profile
from ..renewal import Renewal
from .criteria import Criterion

RENEWAL_URGENT_DAYS = 120  # a renewal this close to expiry (or past it) is urgent in practice


def proven_facts(profile: Profile, root: Path) -> list:
    """The urgency facts whose file is really in the case folder."""
    return [
        u for u in profile.demande.urgence
        if u.justificatif and (t := inside(root, u.justificatif)) is not None and t.is_file()
    ]  # fmt: skip


def _noted(profile: Profile, root: Path) -> str:
    """« 2 faits notés, dont 1 avec son justificatif »."""
    noted, proven = len(profile.demande.urgence), len(proven_facts(profile, root))
    if not noted:
        return _("aucun fait noté")
    if not proven:
        return ngettext(
            "{n} fait noté, sans son justificatif",
            "{n} faits notés, dont aucun avec son justificatif",
            noted,
        ).format(n=noted)
    return ngettext(
        "{n} fait noté, avec son justificatif",
        "{n} faits notés, dont {k} avec son justificatif",
        noted,
    ).format(n=noted, k=proven)


def _renewal_urgency(renew: Renewal, noted: str, proven: bool, todo: str) -> Criterion:
    """A renewal close to expiry (or past it) is urgent in principle; earlier, facts count."""
    if renew.expired:
        when = _("titre expiré le {date}").format(date=day(renew.expiry))
    else:
        when = ngettext(
            "titre expirant le {date} ({n} jour)",
            "titre expirant le {date} ({n} jours)",
            renew.days_until_expiry,
        ).format(date=day(renew.expiry), n=renew.days_until_expiry)
    if renew.expired or renew.days_until_expiry <= RENEWAL_URGENT_DAYS:
        return Criterion(
            "urgence",
            _("Urgence"),
            True,
            _(
                "renouvellement, {when} : l'urgence est en principe reconnue (CE, 9 juin 2022, "
                "n° 453391) ; le juge regarde aussi l'effet concret sur votre situation ({noted})"
            ).format(when=when, noted=noted),
        )
    return Criterion(
        "urgence",
        _("Urgence"),
        proven,
        _("renouvellement, {when} : l'échéance est encore lointaine ; {noted}").format(
            when=when, noted=noted
        ),
        todo,
    )


def urgency(profile: Profile, root: Path, renew: Renewal | None) -> Criterion:
    if profile.demande.oqtf:
        return Criterion(
            "urgence",
            _("Urgence"),
            False,
            _(
                "obligation de quitter le territoire déclarée : pas d'urgence reconnue "
                "(CE, 9 juin 2022, n° 453391)"
            ),
            _("Voyez un avocat avant toute démarche au tribunal."),
        )
    noted = _noted(profile, root)
    proven = bool(proven_facts(profile, root))
    todo = (
        _(
            "Joignez le justificatif de chaque fait d'urgence et dites ce qu'il change pour "
            "vous (profil : demande.urgence)."
        )
        if profile.demande.urgence
        else _(
            "Notez les faits d'urgence (travail, santé, enfants…), ce qu'ils changent pour vous, "
            "et joignez leurs justificatifs (profil : demande.urgence)."
        )
    )
    if renew is not None:
        return _renewal_urgency(renew, noted, proven, todo)
    return Criterion(
        "urgence",
        _("Urgence"),
        proven,
        _("première demande : {noted} (le juge demande des circonstances particulières)").format(
            noted=noted
        ),
        todo,
    )


def window(renew: Renewal) -> Criterion:
    """A renewal asked too early may be refused; asked too late, it costs and weakens."""
    name = _("Délai de renouvellement (article R. 431-5 du CESEDA)")
    span = _("du {start} au {end}").format(start=day(renew.start), end=day(renew.end))
    if renew.not_open_yet:
        return Criterion(
            "delai",
            name,
            False,
            _("il ne s'ouvre que le {date} ({span})").format(date=day(renew.start), span=span),
            _("Attendez l'ouverture du délai : le juge pourrait estimer la requête prématurée."),
        )
    if renew.window_missed:
        return Criterion(
            "delai",
            name,
            False,
            _(
                "première démarche après le délai ({span}) : taxe de retard possible "
                "(article L. 436-5)"
            ).format(span=span),
            _("Voyez une permanence juridique."),
        )
    if renew.first_in_window:
        span = _("{span}, première démarche dans ce délai le {date}").format(
            span=span, date=day(renew.first_in_window)
        )
    return Criterion("delai", name, True, span)


def complete(profile: Profile) -> Criterion:
    demande = profile.demande
    listed = len(demande.pieces_dossier)
    parts = [
        ngettext(
            "{n} pièce listée dans le profil", "{n} pièces listées dans le profil", listed
        ).format(n=listed)
        if listed
        else _("aucune liste de pièces dans le profil")
    ]
    parts.append(
        _("dossier déclaré complet") if demande.dossier_complet else _("dossier déclaré incomplet")
    )
    todo = _(
        "Réunissez les pièces demandées par la préfecture et listez-les (demande.pieces_dossier), "
        "puis répondez à demande.dossier_complet."
    )
    if demande.langue_civisme == "non":
        parts.append(_("certificat de langue et examen civique manquants"))
        todo = _(
            "Une première carte pluriannuelle ou une carte de résident demande, depuis le 1er "
            "janvier 2026, le certificat de langue et l'examen civique : voyez une permanence."
        )
    return Criterion(
        "dossier",
        _("Dossier de demande complet"),
        demande.complete,
        _(" ; ").join(parts),
        todo,
    )
