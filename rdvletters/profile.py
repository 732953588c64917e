"""The applicant's profile (``profil.yaml``): schema, validation, warnings.

Values arrive as the strings the person typed (see ``yamlload``); pydantic turns
them into dates and booleans and refuses what does not fit. Each error is
reported with its line and field, in French, without echoing the value.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .i18n import _
from .validation import (
    Lines,
    OptAgdref,
    OptDate,
    OptEmail,
    OptText,
    OuiNon,
    StrictModel,
    Text,
    blank_to_none,
    validate_located,
)
from .yamlload import Located, load_yaml

MAX_ADDRESS_LINE = 38
MAX_ADDRESS_LINES = 6


class Demandeur(StrictModel):
    civilite: Literal["Madame", "Monsieur"] | None = None
    nom: Text
    prenom: Text
    date_naissance: date
    lieu_naissance: Text
    nationalite: Text
    adresse: Annotated[Lines, Field(min_length=2)]
    courriel: OptEmail = None
    telephone: OptText = None
    numero_etranger: OptAgdref = None

    _civ = field_validator("civilite", mode="before")(blank_to_none)

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


class Demande(StrictModel):
    nature: Literal["premiere_demande", "renouvellement"]
    titre: Text
    titre_actuel_expire_le: OptDate = None
    dossier_complet: OuiNon = True
    urgence: Lines = []

    @model_validator(mode="after")
    def _renewal_needs_expiry(self) -> Demande:
        if self.nature == "renouvellement" and self.titre_actuel_expire_le is None:
            raise ValueError(
                _(
                    "titre_actuel_expire_le : pour un renouvellement, indiquez la date "
                    "d'expiration du titre actuel (AAAA-MM-JJ)"
                )
            )
        return self


class Prefecture(StrictModel):
    nom: Text
    service: OptText = None
    adresse: Annotated[Lines, Field(min_length=2)]
    courriel: OptEmail = None
    site_rdv: OptText = None
    titre_autorite: Text = "Madame la Préfète, Monsieur le Préfet"


class Defenseur(StrictModel):
    delegue: OptText = None
    adresse: Lines = []


class MiseEnPage(StrictModel):
    """Shift of the address block, to match one's own window envelopes."""

    decalage_horizontal_mm: Annotated[float, Field(ge=-15, le=15)] = 0
    decalage_vertical_mm: Annotated[float, Field(ge=-15, le=15)] = 0


class Seuils(StrictModel):
    """Guidance for ``status``, in one place: associations' advice, not rules of law.

    Source: the 2019 note by La Cimade and Gisti (two to three months at two to
    three attempts a week for a first application; shorter for a renewal).
    """

    semaines_premiere_demande: Annotated[int, Field(ge=1, le=52)] = 8
    semaines_renouvellement: Annotated[int, Field(ge=1, le=52)] = 4
    tentatives_par_semaine: Annotated[int, Field(ge=1, le=20)] = 2


class Profile(StrictModel):
    situation: Literal["rdv", "anef"]
    demandeur: Demandeur
    demande: Demande
    prefecture: Prefecture
    defenseur: Defenseur = Defenseur()
    lieu_signature: Text
    delai_convocation_jours: Annotated[int, Field(ge=1, le=90)] = 15
    recours_en_cours: OuiNon = False
    mise_en_page: MiseEnPage = MiseEnPage()
    seuils: Seuils = Seuils()

    _def = field_validator("defenseur", mode="before")(lambda v: {} if v is None or v == "" else v)


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


def validate(located: Located, path: Path) -> LoadedProfile:
    """Validate plain data against the schema, mapping errors to file lines."""
    profile = validate_located(Profile, located, path)
    warnings = _address_warnings("demandeur.adresse", profile.demandeur.adresse)
    pref = profile.prefecture
    recipient = [pref.nom, *([pref.service] if pref.service else []), *pref.adresse]
    warnings += _address_warnings(_("prefecture (nom, service, adresse)"), recipient)
    warnings += _address_warnings("defenseur.adresse", profile.defenseur.adresse)
    if profile.prefecture.courriel is None:
        warnings.append(_("prefecture.courriel est vide : le courriel n'aura pas de destinataire."))
    if not profile.demande.dossier_complet:
        warnings.append(
            _(
                "demande.dossier_complet : non. Réunissez les pièces : la préfecture peut "
                "refuser d'enregistrer un dossier incomplet."
            )
        )
    return LoadedProfile(profile, warnings)


def load_profile(path: Path) -> LoadedProfile:
    """Read and validate ``profil.yaml``."""
    return validate(load_yaml(path), path)
