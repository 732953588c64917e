"""Every dated milestone of a case, from the profile and the journal: the law's clock.

One list, computed here and nowhere else, for ``status`` (« ÉCHÉANCES »), the fiche de
synthèse, the web status page and anything that plans ahead (a calendar):

- the renewal window, its first and last day (CESEDA R. 431-5), and the expiry;
- six months after the expiry: a demand made later is a first application again, the
  entry conditions apply (R. 431-8; not for the résident de longue durée-UE);
- the delay the registered letter gave the préfet, counted from its receipt (the signed
  card, else fifteen days after posting);
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

A ``Milestone`` keeps its words as catalog messages and says them when asked, so the
same list reads in the person's language on screen and in French in the dossier. Its
``key`` is stable for a case (the same milestone keeps its key from one run to the
next), for a calendar entry to be updated rather than duplicated.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..facts import Facts
from ..i18n import N_, _
from ..localdates import day
from ..profile import Profile
from ..renewal import Renewal, case_renewal, delay_asked, months_after
from ..steps import Step

NEAR_DAYS = 30  # a milestone this close, or passed, is marked « ATTENTION »
OPENINGS = ("renouvellement_debut",)  # once passed, nothing is left to do about them
RECEIPT_WAIT_DAYS = 15  # without the signed card, the letter is taken as received after this
PRUDENCE_WEEKS = 7  # from here, the two months after the letter's receipt come close
SILENCE_MONTHS = 2
IMPLICIT_REFUSAL_MONTHS = 4  # R. 432-2, from the registration of the demand
APPEAL_MONTHS = 2  # to contest the implicit refusal (legal-2026.md, ruling 5)
RESUBMIT_MONTHS = 6  # R. 431-8
# legal basis -> (its last day, the law that says so): only what the reference pages source
SUNSETS: dict[str, tuple[date, str]] = {
    "metiers_en_tension": (date(2026, 12, 31), "loi n° 2024-42 du 26 janvier 2024, article 27"),
}


@dataclass(frozen=True)
class Milestone:
    """One dated milestone: what it is (``kind``, a stable ``key``), when, and what it
    means before and after (catalog messages, said in the current language)."""

    kind: str
    key: str
    date: date
    title: str  # catalog message, or the person's own words (an urgency fact)
    coming: str  # what it means while it is ahead
    gone: str  # what it meant, once passed
    values: tuple[tuple[str, Any], ...] = ()  # placeholders of the messages
    translated: bool = True  # False: ``title`` is the person's words, shown as written
    own_words: str = ""  # what it means in the person's words (an urgency's consequence)

    def passed(self, today: date) -> bool:
        return self.date < today

    def near(self, today: date, days: int = NEAR_DAYS) -> bool:
        return today <= self.date <= today + timedelta(days=days)

    def attention(self, today: date) -> bool:
        """Within ``NEAR_DAYS`` or already passed."""
        return self.passed(today) or self.near(today)

    def stale(self, today: date) -> bool:
        """Passed and meaning nothing any more (a window's opening): a list may leave it out."""
        return self.kind in OPENINGS and self.passed(today)

    def days_left(self, today: date) -> int:
        return (self.date - today).days

    def _said(self) -> dict[str, Any]:
        return {k: day(v) if isinstance(v, date) else v for k, v in self.values}

    def heading(self) -> str:
        """What it is, in a few words; an urgency fact's own words are quoted as the
        person's, never pasted into a sentence addressed to them (they say « je »)."""
        if not self.translated:
            return _("Fait d'urgence noté dans votre profil : « {words} »").format(words=self.title)
        return _(self.title).format(**self._said())

    def label(self) -> str:
        """What it is, for advice that names it in passing (« N'attendez pas… »): for an
        urgency fact, a neutral label and never the person's words."""
        return self.heading() if self.translated else _("fait d'urgence noté dans votre profil")

    def meaning(self, today: date) -> str:
        """What it means, in the future or the past tense, in the current language; the
        consequence the person wrote is quoted as their words."""
        said = _(self.gone if self.passed(today) else self.coming).format(**self._said())
        if self.own_words and not self.passed(today):
            return _("{said} Conséquence, dans vos mots : « {words} »").format(
                said=said, words=self.own_words
            )
        return said


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


def letter_delay(profile: Profile, facts: Facts, today: date) -> int:
    """The delay the last registered letter gave (kept in the journal), else the one it would."""
    sent = facts.letters_sent
    if sent and sent[-1].delay:
        return sent[-1].delay
    return delay_asked(profile.delai_convocation_jours, case_renewal(profile, facts, today))


@dataclass(frozen=True)
class LetterDates:
    """The last registered letter: posted, received (the card's date, if noted), the end of
    the delay it gave, and the date its receipt is counted from (the card, else posting)."""

    letter: Step
    posted: date
    received: date | None
    delay: int

    @property
    def counted_from(self) -> date:
        """When the préfet had the letter: the signed card, else fifteen days after posting."""
        return self.received or self.posted + timedelta(days=RECEIPT_WAIT_DAYS)

    @property
    def end(self) -> date:
        return self.counted_from + timedelta(days=self.delay)

    @property
    def silence_from(self) -> date:
        """The date the préfet's silence runs from: the signed card, else (to be safe) the
        day of posting."""
        return self.received or self.posted

    @property
    def prudence(self) -> date:
        return self.silence_from + timedelta(weeks=PRUDENCE_WEEKS)

    @property
    def two_months(self) -> date:
        return months_after(self.silence_from, SILENCE_MONTHS)


def letter_dates(profile: Profile, facts: Facts, today: date) -> LetterDates | None:
    """The dates of the last registered letter, or None before any was sent."""
    if not facts.letters_sent:
        return None
    letter = facts.letters_sent[-1]
    receipt = facts.receipt_of(letter)
    return LetterDates(
        letter,
        letter.when.date(),
        receipt.when.date() if receipt else None,
        letter_delay(profile, facts, today),
    )


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
