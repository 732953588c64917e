"""Reading ``profil.yaml``: validated against the schema (``profile``), then the checks
the schema cannot make (an expiry before the birth, an urgency file outside the case
folder) and the warnings worth showing before any letter (address lines La Poste
refuses, a blank civilité, a préfecture outside the person's département).

Each error is reported with its file, line and field, in French, without echoing the
value; an error is an ``InputError``, a warning a line of ``LoadedProfile.warnings``.
"""

from __future__ import annotations

from pathlib import Path

from . import casepaths
from .errors import InputError
from .frdates import now_paris
from .i18n import _
from .profile import MAX_ADDRESS_LINE, Demande, Profile
from .validation import validate_located
from .yamlload import Located, load_yaml

MAX_ADDRESS_LINES = 6


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


def _justificatifs(profile: Profile, located: Located, path: Path) -> list[str]:
    """Urgency files must sit inside the case folder; a missing one is worth a warning."""
    warnings = []
    for i, fact in enumerate(profile.demande.urgence):
        if not fact.justificatif:
            continue
        line = located.line_of(("demande", "urgence", i, "justificatif"))
        field = f"demande.urgence.{i}.justificatif"
        target = casepaths.inside(path.parent, fact.justificatif)  # the rule for every case file
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
