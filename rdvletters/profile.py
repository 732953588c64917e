"""The applicant's profile (``profil.yaml``): schema, validation, warnings.

Values arrive as the strings the person typed (see ``yamlload``); pydantic turns
them into dates and booleans and refuses what does not fit. Each error is
reported with its line and field, in French, without echoing the value.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import InputError
from .yamlload import Located, load_yaml

MAX_ADDRESS_LINE = 38
MAX_ADDRESS_LINES = 6
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _clean_text(value: Any) -> Any:
    if isinstance(value, str):
        if CONTROL_CHARS.search(value):
            raise ValueError(
                "caractère de contrôle invisible (copié d'un PDF ?) : retapez le texte"
            )
        return value.strip()
    return value


def _oui_non(value: Any) -> Any:
    if isinstance(value, str):
        word = value.strip().lower()
        if word in {"oui", "yes", "true", "vrai"}:
            return True
        if word in {"non", "no", "false", "faux"}:
            return False
        raise ValueError("répondez oui ou non")
    return value


def _as_list(value: Any) -> Any:
    return [] if value is None or value == "" else value


def _optional(inner: Any) -> Any:
    """``inner`` or None; a blank value means None."""
    return Annotated[inner | None, BeforeValidator(_clean_text), BeforeValidator(_blank_to_none)]


EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
Text = Annotated[str, BeforeValidator(_clean_text), Field(min_length=1)]
OptText = _optional(str)
OptEmail = _optional(Annotated[str, Field(pattern=EMAIL)])
OptAgdref = _optional(Annotated[str, Field(pattern=r"^\d{10}$")])
OptDate = Annotated[date | None, BeforeValidator(_blank_to_none)]
OuiNon = Annotated[bool, BeforeValidator(_oui_non)]
Lines = Annotated[list[Text], BeforeValidator(_as_list)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Demandeur(_Model):
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

    _civ = field_validator("civilite", mode="before")(_blank_to_none)

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


class Demande(_Model):
    nature: Literal["premiere_demande", "renouvellement"]
    titre: Text
    titre_actuel_expire_le: OptDate = None
    dossier_complet: OuiNon = True
    urgence: Lines = []

    @model_validator(mode="after")
    def _renewal_needs_expiry(self) -> Demande:
        if self.nature == "renouvellement" and self.titre_actuel_expire_le is None:
            raise ValueError(
                "titre_actuel_expire_le : pour un renouvellement, indiquez la date "
                "d'expiration du titre actuel (AAAA-MM-JJ)"
            )
        return self


class Prefecture(_Model):
    nom: Text
    service: OptText = None
    adresse: Annotated[Lines, Field(min_length=2)]
    courriel: OptEmail = None
    site_rdv: OptText = None
    titre_autorite: Text = "Madame la Préfète, Monsieur le Préfet"


class Defenseur(_Model):
    delegue: OptText = None
    adresse: Lines = []


class Profile(_Model):
    situation: Literal["rdv", "anef"]
    demandeur: Demandeur
    demande: Demande
    prefecture: Prefecture
    defenseur: Defenseur = Defenseur()
    lieu_signature: Text
    delai_convocation_jours: Annotated[int, Field(ge=1, le=90)] = 15
    recours_en_cours: OuiNon = False

    _def = field_validator("defenseur", mode="before")(lambda v: {} if v is None or v == "" else v)


_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu (faute de frappe ?)",
    "date_from_datetime_parsing": "date invalide : écrivez AAAA-MM-JJ, par exemple 1990-04-12",
    "date_parsing": "date invalide : écrivez AAAA-MM-JJ, par exemple 1990-04-12",
    "date_type": "date invalide : écrivez AAAA-MM-JJ, par exemple 1990-04-12",
    "list_type": "une liste est attendue, par exemple [ligne 1, ligne 2]",
    "dict_type": "une suite de champs est attendue (sous-clés indentées)",
    "model_type": "une suite de champs est attendue (sous-clés indentées)",
    "string_type": "un texte est attendu",
    "int_parsing": "un nombre entier est attendu",
}


def _describe(err: dict[str, Any]) -> str:
    kind = err["type"]
    loc = tuple(str(p) for p in err["loc"])
    if kind == "literal_error":
        expected = str(err.get("ctx", {}).get("expected", "")).replace(" or ", " ou ")
        return f"valeur inconnue ; valeurs possibles : {expected}"
    if kind == "string_pattern_mismatch":
        if loc[-1] == "numero_etranger":
            return (
                "le numéro d'étranger (AGDREF) compte 10 chiffres ; "
                "laissez vide si vous n'en avez pas"
            )
        return "adresse électronique invalide (attendu : nom@domaine.fr)"
    if kind == "too_short" and loc[-1] == "adresse":
        return "au moins deux lignes sont attendues : [rue, code postal et ville]"
    if kind in ("too_short", "string_too_short"):
        return "champ obligatoire vide : à remplir"
    if kind in ("greater_than_equal", "less_than_equal"):
        return "nombre hors des limites (entre 1 et 90)"
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    return _MESSAGES.get(kind, err["msg"])


def _address_warnings(label: str, lines: list[str]) -> list[str]:
    warnings = []
    if len(lines) > MAX_ADDRESS_LINES:
        warnings.append(
            f"{label} : {len(lines)} lignes ; La Poste en accepte {MAX_ADDRESS_LINES} au plus."
        )
    for i, line in enumerate(lines, start=1):
        if len(line) > MAX_ADDRESS_LINE:
            warnings.append(
                f"{label}, ligne {i} de l'adresse : {len(line)} caractères ; "
                f"La Poste en accepte {MAX_ADDRESS_LINE} au plus par ligne."
            )
    return warnings


class LoadedProfile:
    """A validated profile and the warnings worth showing the user."""

    def __init__(self, profile: Profile, warnings: list[str]) -> None:
        self.profile = profile
        self.warnings = warnings


def validate(located: Located, path: Path) -> LoadedProfile:
    """Validate plain data against the schema, mapping errors to file lines."""
    try:
        profile = Profile.model_validate(located.data)
    except ValidationError as exc:
        messages = []
        for err in exc.errors(include_url=False, include_input=False):
            loc = tuple(p for p in err["loc"])
            line = located.line_of(loc)
            where = f"{path}, ligne {line}" if line else str(path)
            field = ".".join(str(p) for p in loc) or "(profil)"
            messages.append(f"{where}, champ « {field} » : {_describe(err)}")
        raise InputError("\n".join(messages), hint="Corrigez le profil puis relancez.") from None
    warnings = _address_warnings("demandeur.adresse", profile.demandeur.adresse)
    pref = profile.prefecture
    recipient = [pref.nom, *([pref.service] if pref.service else []), *pref.adresse]
    warnings += _address_warnings("prefecture (nom, service, adresse)", recipient)
    warnings += _address_warnings("defenseur.adresse", profile.defenseur.adresse)
    if profile.prefecture.courriel is None:
        warnings.append("prefecture.courriel est vide : le courriel n'aura pas de destinataire.")
    if not profile.demande.dossier_complet:
        warnings.append(
            "demande.dossier_complet : non. Réunissez les pièces : la préfecture peut refuser "
            "d'enregistrer un dossier incomplet."
        )
    return LoadedProfile(profile, warnings)


def load_profile(path: Path) -> LoadedProfile:
    """Read and validate ``profil.yaml``."""
    return validate(load_yaml(path), path)
