"""Every dated milestone of a case, from the profile and the journal: the law's clock.

One list, computed here and nowhere else, for ``status`` (« ÉCHÉANCES »), the fiche de
synthèse, the web status page and anything that plans ahead (a calendar):

- the renewal window, its first and last day (CESEDA R. 431-5), and the expiry;
- six months after the expiry: a demand made later is a first application again, the
  entry conditions apply (R. 431-8; not for the résident de longue durée-UE);
- the delay the registered letter gave the préfet, counted from its receipt (the signed
  card, else fifteen days after posting), its dates computed by ``letter_clock``;
- seven weeks, then two months after that receipt: whether two months of silence on
  the letter make an implicit refusal that bars the référé « mesures utiles » is an open
  question (legal-2026.md), so prudence files before the second date;
- each urgency fact's own date, from the profile;
- the end of the legal basis when it has one: L. 435-4 « métiers en tension » is an
  experiment until 31 December 2026 (loi n° 2024-42, art. 27); whether it is extended is
  not known;
- four months after the demand is registered: the préfet's silence is then an implicit
  refusal (R. 432-2), whatever récépissé or attestation was given (CE, avis, 6 mai 2025,
  n° 499904), with two months to contest it.

Each is a ``milestone.Milestone`` (its words, said in the current language; its stable
key). This module decides which milestones a case has and what they say; with the list,
how it is shown (``nearest_first``) and which of its kinds waiting would let pass
(``dated_before``).
"""

from __future__ import annotations

import hashlib
from datetime import date

from ..facts import Facts
from ..i18n import N_
from ..profile import Profile
from ..renewal import Renewal, case_renewal, months_after
from ..steps import Step
from .letter_clock import LetterDates, letter_dates
from .milestone import Milestone

IMPLICIT_REFUSAL_MONTHS = 4  # R. 432-2, from the registration of the demand
APPEAL_MONTHS = 2  # to contest the implicit refusal (legal-2026.md, ruling 5)
RESUBMIT_MONTHS = 6  # R. 431-8
# legal basis -> (its last day, the law that says so): only what the reference pages source
SUNSETS: dict[str, tuple[date, str]] = {
    "metiers_en_tension": (date(2026, 12, 31), "loi n° 2024-42 du 26 janvier 2024, article 27"),
}


def _renewal(renew: Renewal, registered: bool, anef: bool = False) -> list[Milestone]:
    in_window = renew.first_in_window
    end_gone = (
        N_(
            "Le délai pour demander le renouvellement a pris fin ; vos démarches dans ce délai "
            "ont commencé le {first} : gardez-en les preuves."
        )
        if in_window
        else N_(
            "Le délai pour demander le renouvellement a pris fin sans démarche notée à temps : "
            "un droit de visa de régularisation peut être réclamé (article L. 436-5), sauf "
            "force majeure. Voyez une permanence juridique."
        )
    )
    out = [
        Milestone(
            "renouvellement_debut",
            "renouvellement-debut",
            renew.start,
            N_("Ouverture du délai de renouvellement (article R. 431-5 du CESEDA)"),
            N_("Le délai pour demander le renouvellement s'ouvre : essayez dès ce jour-là."),
            N_("Le délai pour demander le renouvellement s'est ouvert ce jour-là."),
        ),
        Milestone(
            "renouvellement_fin",
            "renouvellement-fin",
            renew.end,
            N_("Fin du délai de renouvellement (article R. 431-5 du CESEDA)"),
            N_(
                "Dernier jour pour demander le renouvellement dans le délai ; après, un droit "
                "de visa de régularisation peut être réclamé (article L. 436-5), et une demande "
                "déposée sur l'ANEF ne donne plus qu'une attestation de dépôt, qui ne prouve pas "
                "la régularité du séjour (l'attestation de prolongation de l'instruction de "
                "l'article R. 431-15-1 suppose une demande présentée dans le délai)."
            )
            if anef
            else N_(
                "Dernier jour pour demander le renouvellement dans le délai ; après, un droit "
                "de visa de régularisation peut être réclamé (article L. 436-5)."
            ),
            end_gone,
            (("first", in_window),) if in_window else (),
        ),
        Milestone(
            "expiration",
            "expiration",
            renew.expiry,
            N_("Expiration du titre de séjour"),
            _covered(anef) if registered else N_("Votre titre de séjour expire ce jour-là."),
            N_(
                "Votre titre de séjour a expiré ; votre demande est enregistrée : gardez avec "
                "lui le récépissé ou l'attestation de prolongation de l'instruction remis (une "
                "simple attestation de dépôt ne prouve pas la régularité du séjour)."
            )
            if registered
            else N_(
                "Votre titre de séjour a expiré : tant que votre demande n'est pas "
                "enregistrée, vous n'avez aucun document de séjour valable."
            ),
        ),
    ]
    if not registered:
        out.append(
            Milestone(
                "premiere_demande_de_nouveau",
                "r431-8",
                months_after(renew.expiry, RESUBMIT_MONTHS),
                N_("Six mois après l'expiration du titre (article R. 431-8 du CESEDA)"),
                N_(
                    "Une demande présentée après cette date n'est plus traitée comme un "
                    "renouvellement : les conditions d'une première demande, dont le visa "
                    "lorsqu'il est exigé, s'appliquent à nouveau (sauf pour le résident de "
                    "longue durée-UE)."
                ),
                N_(
                    "Six mois se sont écoulés depuis l'expiration de votre titre : une demande "
                    "présentée maintenant est traitée comme une première demande (article "
                    "R. 431-8 du CESEDA). Voyez une permanence juridique sans tarder."
                ),
            )
        )
    return out


def _letter(dates: LetterDates) -> list[Milestone]:
    n = dates.letter.n
    received = dates.received is not None
    seven = (
        N_("Sept semaines après la réception de votre lettre recommandée (avis du {received})")
        if received
        else N_(
            "Sept semaines après l'envoi de votre lettre recommandée (avis de réception non noté)"
        )
    )
    two = (
        N_("Deux mois après la réception de votre lettre recommandée (avis du {received})")
        if received
        else N_("Deux mois après l'envoi de votre lettre recommandée (avis de réception non noté)")
    )
    values = (
        ("posted", dates.posted),
        ("received", dates.received or dates.posted),
        ("delay", dates.delay),
        ("two_months", dates.two_months),
    )
    return [
        Milestone(
            "lettre_delai",
            f"lettre-{n}-delai",
            dates.end,
            N_("Fin du délai donné au préfet par la lettre recommandée")
            if received
            else N_(
                "Fin du délai donné au préfet par la lettre recommandée (date estimée : avis "
                "de réception non noté)"
            ),
            N_(
                "Fin du délai de {delay} jours donné au préfet par votre lettre recommandée du "
                "{posted}, compté de sa réception."
            )
            if received
            else N_(
                "Fin du délai de {delay} jours donné au préfet par votre lettre recommandée du "
                "{posted}, compté de sa réception : date estimée, l'avis de réception n'étant "
                "pas noté (réception supposée quinze jours après l'envoi). Notez-le à la date "
                "signée sur l'avis : rdvletters record ar."
            ),
            N_(
                "Le délai de {delay} jours donné au préfet par votre lettre recommandée du "
                "{posted} a pris fin ; sans convocation, le juge des référés peut être saisi."
            ),
            values,
        ),
        Milestone(
            "lettre_sept_semaines",
            f"lettre-{n}-sept-semaines",
            dates.prudence,
            seven,
            N_(
                "Le silence du préfet approchera alors deux mois. S'il durait deux mois, il "
                "pourrait être regardé comme un refus implicite de vous convoquer, qui ferait "
                "obstacle au référé ; la question n'est pas tranchée par les juges. Par prudence, "
                "déposez la requête avant le {two_months}."
            ),
            N_(
                "Sept semaines sont passées : par prudence, déposez la requête avant le "
                "{two_months}. Deux mois de silence du préfet pourraient être regardés comme un "
                "refus implicite de vous convoquer, qui ferait obstacle au référé ; la question "
                "n'est pas tranchée par les juges."
            ),
            values,
        ),
        Milestone(
            "lettre_deux_mois",
            f"lettre-{n}-deux-mois",
            dates.two_months,
            two,
            N_(
                "Le silence du préfet pourrait alors être regardé comme un refus implicite de "
                "vous convoquer (question non tranchée par les juges) ; une requête déposée "
                "avant cette date n'est pas exposée à ce risque."
            ),
            N_(
                "Deux mois sont passés : le silence du préfet pourrait être regardé comme un "
                "refus implicite de vous convoquer, qui ferait obstacle au référé « mesures "
                "utiles » (question non tranchée par les juges). Voyez une permanence ou un "
                "avocat avant de déposer la requête."
            ),
            values,
        ),
    ]


def _covered(anef: bool) -> str:
    """Once the demand is registered, what covers the stay (legal-research: R. 431-12,
    the récépissé given to whoever is admitted to file, off ANEF; R. 431-15-1, the
    attestation de prolongation for a complete renewal filed in time on ANEF, the
    attestation de dépôt proving nothing): ask for it, rather than for a judge."""
    if anef:
        return N_(
            "Votre demande est enregistrée : pour cette date, demandez à la préfecture "
            "l'attestation de prolongation de l'instruction (article R. 431-15-1 du CESEDA), "
            "due pour un renouvellement complet présenté dans le délai, qui justifie, avec le "
            "titre expiré, la régularité du séjour ; l'attestation de dépôt ne la prouve pas. "
            "Sans réponse, voyez une permanence juridique."
        )
    return N_(
        "Votre demande est enregistrée : pour cette date, montrez le récépissé remis à "
        "l'enregistrement (article R. 431-12 du CESEDA), qui autorise votre présence en "
        "France pour la durée qu'il indique ; s'il ne vous a pas été remis, demandez-le à la "
        "préfecture, et sans réponse voyez une permanence juridique."
    )


def _urgency(profile: Profile, registered: bool = False) -> list[Milestone]:
    """Each dated urgency fact; once the demand is registered, what it means is the
    document that covers the stay (``_covered``), not the référé."""
    out = []
    for fact in profile.demande.urgence:
        if fact.date is None:
            continue
        digest = hashlib.sha256(fact.fait.encode("utf-8")).hexdigest()[:8]
        out.append(
            Milestone(
                "urgence",
                f"urgence-{digest}",
                fact.date,
                fact.fait,
                _covered(profile.anef) if registered else N_("Date notée pour ce fait d'urgence."),
                N_(
                    "Cette date est passée : mettez à jour ce fait d'urgence dans le profil "
                    "(demande.urgence)."
                ),
                translated=False,
                own_words="" if registered else fact.consequence or "",
            )
        )
    return out


def _sunset(profile: Profile) -> list[Milestone]:
    basis = profile.demande.fondement
    if basis not in SUNSETS:
        return []
    last, law = SUNSETS[basis]
    return [
        Milestone(
            "fin_fondement",
            f"fondement-{basis}",
            last,
            N_("Fin de l'expérimentation « métiers en tension » (article L. 435-4 du CESEDA)"),
            N_(
                "L'article L. 435-4 s'applique à titre expérimental jusqu'à cette date ({law}) ; "
                "sa prolongation n'est pas connue à ce jour. N'attendez pas : voyez une "
                "permanence juridique."
            ),
            N_(
                "L'expérimentation de l'article L. 435-4 devait prendre fin ce jour-là ({law}) ; "
                "vérifiez avec une permanence juridique si elle a été prolongée et sur quel "
                "fondement présenter votre demande."
            ),
            (("law", law),),
        )
    ]


def registration(facts: Facts) -> Step | None:
    """The registration of the demand, when it has been noted."""
    found = facts.by_channel("registration")
    return found[0] if found else None


def _registered(facts: Facts) -> list[Milestone]:
    step = registration(facts)
    if step is None:
        return []
    refusal = months_after(step.when.date(), IMPLICIT_REFUSAL_MONTHS)
    return [
        Milestone(
            "refus_implicite",
            f"enregistrement-{step.n}-quatre-mois",
            refusal,
            N_("Quatre mois après l'enregistrement de la demande (article R. 432-2 du CESEDA)"),
            N_(
                "Sans décision à cette date, le silence du préfet vaut refus implicite, même si "
                "un récépissé ou une attestation vous a été remis (CE, avis, 6 mai 2025, "
                "n° 499904) ; ce refus se conteste dans les deux mois, avec une permanence ou "
                "un avocat."
            ),
            N_(
                "Quatre mois sont passés depuis l'enregistrement : sans décision, un refus "
                "implicite est né (article R. 432-2 du CESEDA), même avec un récépissé ou une "
                "attestation. Il se conteste dans les deux mois : voyez une permanence ou un "
                "avocat sans tarder."
            ),
        ),
        Milestone(
            "recours_refus_implicite",
            f"enregistrement-{step.n}-six-mois",
            months_after(refusal, APPEAL_MONTHS),
            N_("Deux mois après le refus implicite (recours contre ce refus)"),
            N_(
                "Sans décision quatre mois après l'enregistrement, le refus implicite se "
                "conteste jusqu'à cette date : voyez une permanence juridique ou un avocat dès "
                "que le refus est né."
            ),
            N_(
                "Les deux mois pour contester le refus implicite sont passés, si aucune "
                "décision n'est intervenue : voyez une permanence juridique ou un avocat."
            ),
        ),
    ]


def milestones(profile: Profile, facts: Facts, today: date) -> list[Milestone]:
    """Every dated milestone of the case, in date order."""
    found: list[Milestone] = []
    renew = case_renewal(profile, facts, today)
    registered = registration(facts) is not None
    if renew is not None:
        found += _renewal(renew, registered, profile.anef)
    dates = letter_dates(profile, facts, today)
    if dates is not None and not registered and not facts.by_channel("appointment"):
        found += _letter(dates)
    found += _urgency(profile, registered) + _sunset(profile) + _registered(facts)
    return sorted(found, key=lambda m: (m.date, m.key))


def nearest_first(found: list[Milestone], today: date) -> list[Milestone]:
    """The milestones ahead, the nearest first, then those passed, the latest first (a
    passed opening left out: ``Milestone.stale``)."""
    ahead = [m for m in found if not m.passed(today)]
    gone = [m for m in found if m.passed(today) and not m.stale(today)]
    return sorted(ahead, key=lambda m: m.date) + sorted(gone, key=lambda m: m.date, reverse=True)


def dated_before(found: list[Milestone], today: date, limit: date) -> list[Milestone]:
    """Urgency dates and a legal basis's end still ahead and before ``limit``: waiting
    until then would let them pass."""
    return [m for m in found if m.kind in ("urgence", "fin_fondement") and today <= m.date < limit]
