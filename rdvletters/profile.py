"""The applicant's profile (``profil.yaml``): its schema, and what it says in words.

Values arrive as the strings the person typed (see ``yamlload``); the schema below
(``records``) turns them into dates and booleans and refuses what does not fit. The
``Profile``'s properties say what the letters need of it (the authority addressed,
the salutation, the address block). Reading the file, with the checks and warnings
beyond the schema, is ``profile_load``'s.

No ``from __future__ import annotations`` here: the schema's annotations are objects
when the module loads, so no command pays for evaluating them as text (``records``).
"""

from typing import Annotated, Literal

from . import departements
from .i18n import _
from .openinghours import hours_field
from .records import Before, Between
from .validation import (
    Address,
    BirthDate,
    Lines,
    OptAgdref,
    OptDate,
    OptDepartement,
    OptEmail,
    OptOuiNon,
    OptText,
    OuiNon,
    StrictModel,
    Text,
    as_list,
)

MAX_ADDRESS_LINE = 38
ANEF_SITE = "administration-etrangers-en-france"  # the ANEF téléservice's address


Civilite = Literal["Madame", "Monsieur"] | None


class Demandeur(StrictModel):
    civilite: Civilite = None
    nom: Text
    prenom: Text
    date_naissance: BirthDate
    lieu_naissance: Text
    nationalite: Text
    adresse: Address
    courriel: OptEmail = None
    telephone: OptText = None
    numero_etranger: OptAgdref = None

    @property
    def nom_complet(self) -> str:
        """``DIALLO Aminata``: surname first, as préfectures file it."""
        return f"{self.nom.upper()} {self.prenom}"

    @property
    def ne(self) -> str:
        """``né``, ``née`` or ``né(e)`` for the birth mention."""
        return f"né{self.accord}"

    @property
    def accord(self) -> str:
        """Feminine agreement: ``e``, nothing, or ``(e)`` when civilité is not given."""
        return {"Madame": "e", "Monsieur": ""}.get(self.civilite or "", "(e)")


class FaitUrgence(StrictModel):
    """A fact that makes the matter urgent, with the file that shows it when there is one,
    what it means for the person, and its date when it has one (a job offer valid until,
    an exam, a contract): the deadlines put that date in front of the person, and the
    requête argues urgency from the consequence (CE, 9 juin 2022, n° 453391: the judge
    weighs the concrete effect on the person's situation)."""

    fait: Text
    justificatif: OptText = None  # path inside the case folder, e.g. pieces/promesse.pdf
    libelle: OptText = None  # how the enclosure is listed, e.g. « Copie de la promesse d'embauche »
    consequence: OptText = None  # « Sans titre au 4 janvier 2027, je perds cet emploi. »
    date: OptDate = None  # the fact's own date, when it has one

    @property
    def enclosure(self) -> str:
        return self.libelle or f"Justificatif : {self.fait}"


def _fact(value: object) -> object:
    """A plain line is a fact without a file."""
    return {"fait": value} if isinstance(value, str) else value


# The legal basis of the application, when the person knows it: a short list, for what
# the tool can say of it (the L. 435-4 experiment ends on 31 December 2026).
Fondement = Literal["metiers_en_tension", "admission_exceptionnelle", "autre", "ne_sait_pas"]
# Language and civic conditions (loi n° 2024-42; since 1 January 2026 for a first
# multi-year card, A2 and the civic exam; for a resident card, B1): met, not met, or not
# the person's case.
LangueCivisme = Literal["oui", "non", "non_concerne"]


def _word(value: object) -> object:
    """« Non concerné », « non concerne », « NON_CONCERNE »… -> non_concerne; blank -> None."""
    if not isinstance(value, str):
        return value
    word = value.strip().lower().replace(" ", "_").replace("é", "e")
    return word or None


class Demande(StrictModel):
    nature: Literal["premiere_demande", "renouvellement"]
    titre: Text
    titre_actuel_expire_le: OptDate = None
    identifiant_anef: OptText = None
    fondement: Annotated[Fondement | None, Before(_word)] = None
    dossier_complet: OuiNon  # asked, never assumed: « oui » becomes a claim in the letters
    langue_civisme: Annotated[LangueCivisme | None, Before(_word)] = None
    pieces_dossier: Lines = []
    urgence: Annotated[list[Annotated[FaitUrgence, Before(_fact)]], Before(as_list)] = []
    oqtf: OptOuiNon = None  # an obligation to leave France received, even old, not carried out

    @property
    def complete(self) -> bool:
        """Complete as the person said, language and civic certificate included."""
        return bool(self.dossier_complet) and self.langue_civisme != "non"

    def check(self) -> None:
        """A renewal needs the current permit's expiry."""
        if self.nature == "renouvellement" and self.titre_actuel_expire_le is None:
            raise ValueError(
                _(
                    "titre_actuel_expire_le : pour un renouvellement, indiquez la date "
                    "d'expiration du titre actuel (AAAA-MM-JJ)"
                )
            )


class Prefecture(StrictModel):
    nom: Text
    service: OptText = None
    adresse: Address
    courriel: OptEmail = None
    site_rdv: OptText = None
    departement: OptDepartement = None
    prefet: Civilite = None  # Madame | Monsieur: who signs for the préfecture
    titre_autorite: OptText = None  # the letter's salutation, when it must differ
    # opening hours, when known (``openinghours``): the week's plan keeps inside them
    horaires_site: Annotated[list[str], Before(hours_field)] = []
    horaires_guichet: Annotated[list[str], Before(hours_field)] = []


class Defenseur(StrictModel):
    delegue: OptText = None
    civilite: Civilite = None
    adresse: Lines = []


class MiseEnPage(StrictModel):
    """Shift of the address block, to match one's own window envelopes."""

    decalage_horizontal_mm: Annotated[float, Between(-15, 15)] = 0
    decalage_vertical_mm: Annotated[float, Between(-15, 15)] = 0


JourSemaine = Literal["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


class Seuils(StrictModel):
    """Guidance for ``status``, in one place: associations' advice, not rules of law.

    Source: the 2019 note by La Cimade and Gisti (two to three months at two to
    three attempts a week for a first application; shorter for a renewal).
    """

    semaines_premiere_demande: Annotated[int, Between(1, 52)] = 8
    semaines_renouvellement: Annotated[int, Between(1, 52)] = 4
    tentatives_par_semaine: Annotated[int, Between(1, 20)] = 2
    # the weekday of the weekly e-mail in the week's plan (empty: the day of the last
    # e-mail sent, else Friday, after the week's attempts)
    jour_courriel: Annotated[JourSemaine | None, Before(_word)] = None


class Recours(StrictModel):
    """Choices for the draft requête (``rdvletters recours``)."""

    aide_juridictionnelle: OuiNon = False  # ask provisional legal aid in the requête itself
    # the delay asked of the judge to give a date; empty: as the letter's (8 days near
    # expiry, else 15)
    delai_injonction_jours: Annotated[int | None, Between(1, 90)] = None
    # the longest the appointment may then wait (CE 435594: the judge may fix it); empty:
    # 15 days near expiry, else 30
    delai_rendez_vous_jours: Annotated[int | None, Between(1, 180)] = None
    astreinte_euros_par_jour: Annotated[int | None, Between(1, 1000)] = None


def _left_empty(value: object) -> object:
    """« defenseur: » with nothing after it: the section with its defaults."""
    return {} if value is None or value == "" else value


class Profile(StrictModel):
    situation: Literal["rdv", "anef"]
    demandeur: Demandeur
    demande: Demande
    prefecture: Prefecture
    defenseur: Annotated[Defenseur, Before(_left_empty)] = Defenseur()
    lieu_signature: Text
    delai_convocation_jours: Annotated[int | None, Between(1, 90)] = None
    recours_en_cours: OuiNon = False
    recours: Annotated[Recours, Before(_left_empty)] = Recours()
    mise_en_page: MiseEnPage = MiseEnPage()
    seuils: Seuils = Seuils()

    @property
    def anef(self) -> bool:
        return self.situation == "anef"

    @property
    def renewal(self) -> bool:
        return self.demande.nature == "renouvellement"

    @property
    def site_label(self) -> str:
        """What ``prefecture.site_rdv`` is, in French: the booking site on the rdv route;
        on the ANEF route, the préfecture's site, unless it is the ANEF téléservice itself
        (never called the préfecture's)."""
        site = (self.prefecture.site_rdv or "").lower()
        if ANEF_SITE in site:
            return "Téléservice ANEF"
        if self.anef:
            return "Site internet de la préfecture"
        return "Site de prise de rendez-vous de la préfecture"

    @property
    def residence_departement(self) -> str | None:
        return departements.from_postcode(departements.postcode_in(self.demandeur.adresse) or "")

    @property
    def departement(self) -> departements.Departement | None:
        """The préfecture's département: as given, else that of the person's home (R. 431-20)."""
        return departements.find(self.prefecture.departement or self.residence_departement)

    @property
    def prefet_title(self) -> str:
        """« Madame la Préfète » / « Monsieur le Préfet », or the title alone, « Préfet »."""
        return {"Madame": "Madame la Préfète", "Monsieur": "Monsieur le Préfet"}.get(
            self.prefecture.prefet or "", "Préfet"
        )

    @property
    def authority(self) -> str:
        """The authority the letter is addressed to: « Monsieur le Préfet de l'Ain »."""
        dept = self.departement
        if dept is None or not dept.prefet_de:
            return ""
        return f"{self.prefet_title} {dept.prefet_de}"

    @property
    def salutation(self) -> str:
        """The letter's opening words, matching the addressee (« Monsieur le Préfet de
        police » in Paris)."""
        if self.prefecture.titre_autorite:
            return self.prefecture.titre_autorite
        if self.prefecture.prefet:
            dept = self.departement
            police = dept is not None and dept.prefet_de == "de police"
            return self.prefet_title + (" de police" if police else "")
        return "Madame la Préfète, Monsieur le Préfet"

    @property
    def recipient(self) -> list[str]:
        """The letter's address block: the authority first, then the préfecture's address."""
        pref = self.prefecture
        head = wrap_address_line(self.authority) if self.authority else []
        return [*head, pref.nom, *([pref.service] if pref.service else []), *pref.adresse]


def wrap_address_line(text: str) -> list[str]:
    """Split a line longer than La Poste's 38 characters, before « de »/« du »/« des » when
    that gives two short lines (« Monsieur le Préfet » / « de la Seine-Saint-Denis »)."""
    if len(text) <= MAX_ADDRESS_LINE:
        return [text]
    for word in (" du ", " des ", " de ", " d'"):
        cut = text.find(word)
        head, tail = text[:cut], text[cut + 1 :]
        if cut > 0 and len(head) <= MAX_ADDRESS_LINE and len(tail) <= MAX_ADDRESS_LINE:
            return [head, tail]
    import textwrap  # seldom needed: a long address line with no « de » to cut at

    return textwrap.wrap(text, MAX_ADDRESS_LINE, break_long_words=False) or [text]
