"""The applicant's profile (``profil.yaml``): schema, validation, warnings.

Values arrive as the strings the person typed (see ``yamlload``); the schema below
(``records``) turns them into dates and booleans and refuses what does not fit. Each error is
reported with its line and field, in French, without echoing the value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from . import casepaths, departements
from .errors import InputError
from .frdates import now_paris
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
    validate_located,
)
from .yamlload import Located, load_yaml

MAX_ADDRESS_LINE = 38
ANEF_SITE = "administration-etrangers-en-france"  # the ANEF téléservice's address
MAX_ADDRESS_LINES = 6


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


def _address_warnings(label: str, lines: list[str]) -> list[str]:
    warnings = []
    if len(lines) > MAX_ADDRESS_LINES:
        warnings.append(
            _("{label} : {count} lignes ; La Poste en accepte {limit} au plus.").format(
                label=label, count=len(lines), limit=MAX_ADDRESS_LINES
            )
        )
    for i, line in enumerate(lines, start=1):
        if len(line) > MAX_ADDRESS_LINE:
            warnings.append(
                _(
                    "{label}, ligne {i} de l'adresse : {count} caractères ; "
                    "La Poste en accepte {limit} au plus par ligne."
                ).format(label=label, i=i, count=len(line), limit=MAX_ADDRESS_LINE)
            )
    return warnings


class LoadedProfile:
    """A validated profile and the warnings worth showing the user."""

    def __init__(self, profile: Profile, warnings: list[str]) -> None:
        self.profile = profile
        self.warnings = warnings


def inside(root: Path, relative: str) -> Path | None:
    """``root/relative`` if it stays inside ``root``: no ``..``, no absolute path, no
    symbolic link on the way (``casepaths.inside``, the one rule for every case file)."""
    return casepaths.inside(root, relative)


def _justificatifs(profile: Profile, located: Located, path: Path) -> list[str]:
    """Urgency files must sit inside the case folder; a missing one is worth a warning."""
    warnings = []
    for i, fact in enumerate(profile.demande.urgence):
        if not fact.justificatif:
            continue
        line = located.line_of(("demande", "urgence", i, "justificatif"))
        field = f"demande.urgence.{i}.justificatif"
        target = inside(path.parent, fact.justificatif)
        if target is None:
            message = _(
                "le fichier doit se trouver dans le dossier de la personne, par exemple "
                "pieces/promesse.pdf."
            )
            raise InputError(
                _located(path, line, field, message),
                hint=_("Copiez le justificatif dans le dossier pieces/ et indiquez ce chemin."),
            )
        try:
            present = target.is_file()
        except OSError as exc:  # a name longer than the system allows, a folder closed
            message = _("chemin inutilisable ({reason}).").format(
                reason=exc.strerror or type(exc).__name__
            )
            raise InputError(
                _located(path, line, field, message),
                hint=_("Indiquez un nom de fichier plus court, dans le dossier pieces/."),
            ) from None
        if not present:
            message = _(
                "justificatif introuvable ({file}) ; copiez-le dans le dossier de la personne "
                "ou laissez le champ vide."
            ).format(file=fact.justificatif)
            warnings.append(_located(path, line, field, message))
    return warnings


def _situation_warnings(profile: Profile) -> list[str]:
    warnings = []
    if profile.demande.oqtf:
        warnings.append(
            _(
                "demande.oqtf : oui. Une obligation de quitter le territoire non exécutée "
                "compromet l'urgence et le référé (CE, 9 juin 2022, n° 453391 ; article L. 521-3 "
                "du code de justice administrative). Voyez dès maintenant un avocat ou une "
                "permanence juridique."
            )
        )
    home, given = profile.residence_departement, profile.prefecture.departement
    if home and given and home != given:
        warnings.append(
            _(
                "prefecture.departement : {given}, mais l'adresse de la personne est dans le "
                "{home}. Le titre est délivré par le préfet du département de résidence "
                "(article R. 431-20 du CESEDA) : vérifiez la préfecture indiquée."
            ).format(given=given, home=home)
        )
    if profile.departement is None:
        warnings.append(
            _(
                "département introuvable : indiquez prefecture.departement (par exemple 93) "
                "pour que la lettre nomme le préfet."
            )
        )
    return warnings


MAX_PERMIT_YEARS = 10  # the longest residence permit (carte de résident) lasts ten years


def _check_dates(profile: Profile, located: Located, path: Path) -> None:
    """An expiry before the birth, or further ahead than any permit lasts, is a typo."""
    expiry = profile.demande.titre_actuel_expire_le
    if expiry is None:
        return
    line = located.line_of(("demande", "titre_actuel_expire_le"))
    field = "demande.titre_actuel_expire_le"
    hint = _("Corrigez {name} puis relancez.").format(name=path.name)
    if expiry <= profile.demandeur.date_naissance:
        message = _(
            "le titre expirerait avant la naissance de la personne (née le {birth} d'après "
            "demandeur.date_naissance) ; vérifiez l'année."
        ).format(birth=f"{profile.demandeur.date_naissance:%d/%m/%Y}")
        raise InputError(_located(path, line, field, message), hint=hint)
    if expiry.year > now_paris().year + MAX_PERMIT_YEARS:
        message = _(
            "plus de {years} ans après aujourd'hui ; un titre de séjour dure {years} ans au "
            "plus. Vérifiez l'année."
        ).format(years=MAX_PERMIT_YEARS)
        raise InputError(_located(path, line, field, message), hint=hint)


def _located(path: Path, line: int | None, field: str, message: str) -> str:
    """« profil.yaml, ligne 12, champ « x » : message », the same words as validation's."""
    if line:
        return _("{path}, ligne {line}, champ « {field} » : {message}").format(
            path=path, line=line, field=field, message=message
        )
    return _("{path}, champ « {field} » : {message}").format(
        path=path, field=field, message=message
    )


def _civilite_warning(profile: Profile, located: Located, path: Path) -> list[str]:
    """The schema lets civilité be blank (a form may leave it for later), but no document
    can be prepared without it: ``check`` must say so before ``email`` refuses."""
    if profile.demandeur.civilite is not None:
        return []
    line = located.line_of(("demandeur", "civilite"))
    message = _(
        "vide : indiquez Madame ou Monsieur ; sans elle, les courriers ne peuvent pas être "
        "préparés (ils accordent « né » ou « née », « soussigné » ou « soussignée »)."
    )
    return [_located(path, line, "demandeur.civilite", message)]


def validate(located: Located, path: Path) -> LoadedProfile:
    """Validate plain data against the schema, mapping errors to file lines."""
    profile = validate_located(Profile, located, path)
    _check_dates(profile, located, path)
    warnings = _justificatifs(profile, located, path) + _situation_warnings(profile)
    warnings += _civilite_warning(profile, located, path)
    warnings += _address_warnings("demandeur.adresse", profile.demandeur.adresse)
    warnings += _address_warnings(
        _("prefecture (préfet, nom, service, adresse)"), profile.recipient
    )
    warnings += _address_warnings("defenseur.adresse", profile.defenseur.adresse)
    if profile.prefecture.courriel is None:
        warnings.append(_("prefecture.courriel est vide : le courriel n'aura pas de destinataire."))
    warnings += _completeness_warnings(profile.demande)
    return LoadedProfile(profile, warnings)


def _completeness_warnings(demande: Demande) -> list[str]:
    """The completeness questions unanswered or answered no: said before any letter."""
    warnings = []
    if not demande.dossier_complet:
        warnings.append(
            _(
                "demande.dossier_complet : non. Réunissez les pièces : la préfecture peut "
                "refuser d'enregistrer un dossier incomplet."
            )
        )
    if demande.langue_civisme == "non":
        warnings.append(
            _(
                "demande.langue_civisme : non. Depuis le 1er janvier 2026, une première carte "
                "de séjour pluriannuelle demande le niveau A2 de français et l'examen civique, "
                "une carte de résident le niveau B1 : sans le certificat, le dossier n'est pas "
                "complet."
            )
        )
    return warnings


def load_profile(path: Path) -> LoadedProfile:
    """Read and validate ``profil.yaml`` (the case's own file: never through a link)."""
    return validate(load_yaml(path, follow=False), path)
