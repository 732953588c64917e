"""The profile as a guided form, one section at a time.

The questions are those of the commented ``templates/profil.yaml``. Saving writes
only the fields that changed into ``profil.yaml`` (``profile_edit``: comments and
order kept, still editable by hand); errors come from ``profile.validate``, the
validation of ``check``, and are shown next to their field. A profile may be saved
incomplete, as a person saves a half-filled file: it is checked, not refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, redirect, request, url_for

from ..errors import InputError
from ..i18n import N_
from ..profile import Profile, validate
from ..profile_edit import Key, Value, digest, read_values, update_profile
from ..validation import InvalidData, Problem
from ..yamlload import load_yaml
from .common import bp, get_case, page


@dataclass(frozen=True)
class Field:
    """One question of the form, bound to one key of ``profil.yaml``."""

    key: Key
    label: str
    kind: str = "text"  # text, email, tel, date, radio, yesno, lines, number
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    optional: bool = False
    autocomplete: str = "off"
    bounds: tuple[float, float, float] | None = None  # min, max, step

    @property
    def name(self) -> str:
        return ".".join(self.key)

    @property
    def default(self) -> str | None:
        """The schema's default, as the text a person would write (``15``, ``non``)."""
        model: Any = Profile
        for part in self.key[:-1]:
            model = model.model_fields[part].annotation
        info = model.model_fields[self.key[-1]]
        if info.is_required() or info.default is None:
            return None
        if isinstance(info.default, bool):
            return "oui" if info.default else "non"
        if isinstance(info.default, (int, float, str)):
            return str(info.default)
        return None


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str
    fields: tuple[Field, ...]


YES_NO = (("oui", N_("Oui")), ("non", N_("Non")))
SECTIONS = (
    Section(
        "situation",
        N_("Votre situation"),
        N_("Les courriers ne disent pas la même chose dans les deux cas."),
        (
            Field(
                ("situation",),
                N_("Où se fait votre demande de titre de séjour ?"),
                "radio",
                choices=(
                    (
                        "rdv",
                        N_(
                            "À la préfecture, et aucun rendez-vous n'est disponible "
                            "(site sans créneau, pas de réponse)"
                        ),
                    ),
                    (
                        "anef",
                        N_(
                            "Sur le site ANEF (administration numérique), mais le dépôt y "
                            "est impossible"
                        ),
                    ),
                ),
            ),
        ),
    ),
    Section(
        "demandeur",
        N_("Vous"),
        N_("Comme sur votre passeport. Ces informations restent sur cet ordinateur."),
        (
            Field(
                ("demandeur", "civilite"),
                N_("Civilité"),
                "radio",
                choices=(("Madame", N_("Madame")), ("Monsieur", N_("Monsieur"))),
                help=N_("les lettres accordent « né » ou « née », « soussigné » ou « soussignée »"),
            ),
            Field(
                ("demandeur", "nom"),
                N_("Nom de famille"),
                help=N_("comme sur le passeport"),
                autocomplete="family-name",
            ),
            Field(("demandeur", "prenom"), N_("Prénom(s)"), autocomplete="given-name"),
            Field(
                ("demandeur", "date_naissance"),
                N_("Date de naissance"),
                "date",
                autocomplete="bday",
            ),
            Field(
                ("demandeur", "lieu_naissance"),
                N_("Lieu de naissance"),
                help=N_("ville (pays), par exemple : Bamako (Mali)"),
            ),
            Field(
                ("demandeur", "nationalite"), N_("Nationalité"), help=N_("par exemple : malienne")
            ),
            Field(
                ("demandeur", "adresse"),
                N_("Adresse"),
                "lines",
                help=N_(
                    "une ligne par ligne d'enveloppe : numéro et rue, puis code postal et "
                    "ville (38 caractères au plus par ligne)"
                ),
                autocomplete="street-address",
            ),
            Field(
                ("demandeur", "courriel"),
                N_("Adresse électronique"),
                "email",
                optional=True,
                autocomplete="email",
            ),
            Field(
                ("demandeur", "telephone"),
                N_("Téléphone"),
                "tel",
                optional=True,
                autocomplete="tel",
            ),
            Field(
                ("demandeur", "numero_etranger"),
                N_("Numéro d'étranger (AGDREF)"),
                help=N_(
                    "10 chiffres, sur un ancien titre ou récépissé ; laissez vide si vous "
                    "n'en avez pas"
                ),
                optional=True,
            ),
        ),
    ),
    Section(
        "demande",
        N_("Votre demande"),
        N_("Le titre de séjour que vous demandez ou renouvelez."),
        (
            Field(
                ("demande", "nature"),
                N_("Est-ce une première demande ou un renouvellement ?"),
                "radio",
                choices=(
                    ("premiere_demande", N_("Première demande")),
                    ("renouvellement", N_("Renouvellement")),
                ),
            ),
            Field(
                ("demande", "titre"),
                N_("Titre demandé"),
                help=N_("par exemple : carte de séjour temporaire « vie privée et familiale »"),
            ),
            Field(
                ("demande", "titre_actuel_expire_le"),
                N_("Date d'expiration de votre titre actuel"),
                "date",
                help=N_("pour un renouvellement seulement"),
                optional=True,
            ),
            Field(
                ("demande", "fondement"),
                N_("Sur quel fondement demandez-vous ce titre ?"),
                "radio",
                choices=(
                    (
                        "metiers_en_tension",
                        N_("Admission exceptionnelle « métiers en tension » (article L. 435-4)"),
                    ),
                    (
                        "admission_exceptionnelle",
                        N_("Admission exceptionnelle au séjour (article L. 435-1)"),
                    ),
                    ("autre", N_("Autre")),
                    ("ne_sait_pas", N_("Je ne sais pas")),
                ),
                help=N_(
                    "« métiers en tension » : une expérimentation prévue jusqu'au 31 décembre 2026"
                ),
                optional=True,
            ),
            Field(
                ("demande", "dossier_complet"),
                N_("Avez-vous toutes les pièces demandées ?"),
                "yesno",
                choices=YES_NO,
                help=N_(
                    "les courriers ne disent que le dossier est complet que si vous répondez oui"
                ),
            ),
            Field(
                ("demande", "langue_civisme"),
                N_(
                    "Première carte pluriannuelle ou carte de résident : avez-vous le certificat "
                    "de langue et l'examen civique ?"
                ),
                "radio",
                choices=(
                    ("oui", N_("Oui, ils sont dans mon dossier")),
                    ("non", N_("Non")),
                    ("non_concerne", N_("Je ne suis pas concerné(e)")),
                ),
                help=N_(
                    "depuis le 1er janvier 2026 : niveau A2 et examen civique pour une première "
                    "carte pluriannuelle, niveau B1 pour une carte de résident"
                ),
                optional=True,
            ),
            Field(
                ("demande", "pieces_dossier"),
                N_("Pièces de votre dossier"),
                "lines",
                help=N_("une pièce par ligne, par exemple : Passeport en cours de validité"),
                optional=True,
            ),
            Field(
                ("demande", "urgence"),
                N_("Faits qui rendent le rendez-vous urgent"),
                "facts",
                help=N_(
                    "un fait par ligne, par exemple : Promesse d'embauche à partir du "
                    "4 janvier 2027"
                ),
                optional=True,
            ),
            Field(
                ("demande", "oqtf"),
                N_(
                    "Avez-vous reçu une obligation de quitter le territoire (OQTF), même "
                    "ancienne, que vous n'avez pas exécutée ?"
                ),
                "yesno",
                choices=(*YES_NO, ("", N_("Ne pas répondre"))),
                optional=True,
            ),
            Field(
                ("demande", "identifiant_anef"),
                N_("Identifiant ANEF ou numéro de demande"),
                help=N_("si vous avez un compte sur le site ANEF"),
                optional=True,
            ),
        ),
    ),
    Section(
        "prefecture",
        N_("La préfecture"),
        N_("Le service qui doit vous recevoir : son adresse figure sur son site internet."),
        (
            Field(
                ("prefecture", "nom"),
                N_("Nom de la préfecture"),
                help=N_("par exemple : Préfecture de la Seine-Saint-Denis (38 caractères au plus)"),
            ),
            Field(
                ("prefecture", "service"),
                N_("Service"),
                help=N_("par exemple : Service immigration et intégration (38 caractères au plus)"),
                optional=True,
            ),
            Field(
                ("prefecture", "adresse"),
                N_("Adresse postale"),
                "lines",
                help=N_("une ligne par ligne d'enveloppe : rue, puis code postal et VILLE"),
            ),
            Field(
                ("prefecture", "courriel"),
                N_("Adresse électronique du service des étrangers"),
                "email",
                help=N_("pour le courriel de chaque semaine"),
                optional=True,
            ),
            Field(
                ("prefecture", "site_rdv"),
                N_("Adresse du site de prise de rendez-vous"),
                optional=True,
            ),
            Field(
                ("prefecture", "departement"),
                N_("Département de la préfecture"),
                help=N_("son numéro, par exemple 93 ; vide : celui de votre code postal"),
                optional=True,
            ),
            Field(
                ("prefecture", "prefet"),
                N_("La préfecture est dirigée par"),
                "radio",
                choices=(
                    ("Madame", N_("une préfète")),
                    ("Monsieur", N_("un préfet")),
                    ("", N_("Je ne sais pas")),
                ),
                optional=True,
            ),
            Field(
                ("prefecture", "titre_autorite"),
                N_("Formule d'appel de la lettre"),
                help=N_("seulement si elle doit être différente, par exemple : Monsieur le Préfet"),
                optional=True,
            ),
        ),
    ),
    Section(
        "defenseur",
        N_("Défenseur des droits"),
        N_("Facultatif : sans délégué, la saisine va au siège du Défenseur des droits, à Paris."),
        (
            Field(("defenseur", "delegue"), N_("Délégué ou délégation"), optional=True),
            Field(
                ("defenseur", "civilite"),
                N_("Le délégué est"),
                "radio",
                choices=(
                    ("Madame", N_("une femme")),
                    ("Monsieur", N_("un homme")),
                    ("", N_("Je ne sais pas")),
                ),
                optional=True,
            ),
            Field(
                ("defenseur", "adresse"),
                N_("Adresse de la permanence du délégué"),
                "lines",
                optional=True,
            ),
        ),
    ),
    Section(
        "lettre",
        N_("Lettre et réglages"),
        N_("La signature, et quelques réglages qui ont une valeur par défaut."),
        (
            Field(
                ("lieu_signature",), N_("Ville où vous signez"), help=N_("par exemple : Bobigny")
            ),
            Field(
                ("delai_convocation_jours",),
                N_("Délai demandé dans la lettre recommandée, en jours"),
                "number",
                help=N_("vide : le délai habituel, plus court quand le titre expire bientôt"),
                optional=True,
                bounds=(1, 90, 1),
            ),
            Field(
                ("recours_en_cours",),
                N_("Un recours est-il déjà engagé au tribunal administratif ?"),
                "yesno",
                choices=YES_NO,
            ),
            Field(
                ("mise_en_page", "decalage_horizontal_mm"),
                N_("Décalage de l'adresse vers la droite, en mm"),
                "number",
                help=N_(
                    "pour la placer dans la fenêtre de vos enveloppes ; négatif : vers la gauche"
                ),
                bounds=(-15, 15, 0.5),
            ),
            Field(
                ("mise_en_page", "decalage_vertical_mm"),
                N_("Décalage de l'adresse vers le bas, en mm"),
                "number",
                help=N_("négatif : vers le haut"),
                bounds=(-15, 15, 0.5),
            ),
            Field(
                ("seuils", "tentatives_par_semaine"),
                N_("Tentatives conseillées par semaine"),
                "number",
                help=N_("conseil des associations, pas une règle de droit"),
                bounds=(1, 20, 1),
            ),
            Field(
                ("seuils", "semaines_premiere_demande"),
                N_("Semaines conseillées avant un recours (première demande)"),
                "number",
                bounds=(1, 52, 1),
            ),
            Field(
                ("seuils", "semaines_renouvellement"),
                N_("Semaines conseillées avant un recours (renouvellement)"),
                "number",
                bounds=(1, 52, 1),
            ),
        ),
    ),
)
CHECK = "verifier"
BY_ID = {s.id: s for s in SECTIONS}
FIELDS = [f for s in SECTIONS for f in s.fields]


def _field_of(problem: Problem) -> Field | None:
    """The question a validation error is about (the longest key that prefixes its path)."""
    matches = [f for f in FIELDS if tuple(problem.loc[: len(f.key)]) == f.key]
    return max(matches, key=lambda f: len(f.key), default=None)


def _section_of(problem: Problem) -> str | None:
    field = _field_of(problem)
    if field is not None:
        return next(s.id for s in SECTIONS if field in s.fields)
    head = problem.loc[:1]
    return next((s.id for s in SECTIONS if any(f.key[:1] == head for f in s.fields)), None)


def _shown(field: Field, value: Value) -> Any:
    """The value as the form shows it: lines one per row, oui/non for yes-no questions."""
    if value is None:
        return field.default or ""
    if field.kind == "facts":
        return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if field.kind == "lines":
        return "\n".join(value) if isinstance(value, list) else str(value)
    if field.kind == "yesno" and isinstance(value, str):
        word = value.strip().lower()
        return "oui" if word in ("oui", "yes", "true", "vrai") else "non" if word else ""
    return value


def _posted(field: Field) -> Value:
    raw = request.form.get(field.name, "")
    if field.kind in ("lines", "facts"):
        return [line.strip() for line in raw.splitlines() if line.strip()]
    return raw.strip()


def _locked(data: object) -> set[Key]:
    """Fields the form cannot represent without loss: urgency facts written by hand with
    their file (``justificatif``) or label. They stay as written, read-only here."""
    demande = data.get("demande") if isinstance(data, dict) else None
    facts = demande.get("urgence") if isinstance(demande, dict) else None
    if isinstance(facts, list) and any(isinstance(item, dict) for item in facts):
        return {("demande", "urgence")}
    return set()


def _changes(section: Section, current: dict[Key, Value], locked: set[Key]) -> dict[Key, Value]:
    """The fields whose posted value differs from the file (absent and left at its
    default counts as unchanged: the file keeps its commented example)."""
    changes = {}
    for field in section.fields:
        new, old = _posted(field), current.get(field.key)
        if old is None:
            same = new in ("", [], field.default)
        elif field.key in locked:
            same = True  # shown read-only: never written from the form
        elif field.kind in ("lines", "facts"):
            same = new == (old if isinstance(old, list) else [old] if old else [])
        elif field.kind == "yesno":
            same = new == _shown(field, old)
        else:
            same = new == old
        if not same:
            changes[field.key] = new
    return changes


def _read(case):
    """(raw data, problems, warnings, read error) of the case's profile file."""
    try:
        located = load_yaml(case.profile_path)
    except InputError as error:
        return None, [], [], error
    try:
        warnings = validate(located, case.profile_path).warnings
        problems: list[Problem] = []
    except InvalidData as error:
        warnings, problems = [], error.problems
    return located.data, problems, warnings, None


@bp.route("/c/<case_id>/profile/")
@bp.route("/c/<case_id>/profile/<section>", methods=["GET", "POST"])
def profile(case_id: str, section: str = "situation"):
    case = get_case(case_id)
    if section != CHECK and section not in BY_ID:
        abort(404)
    if not case.profile_path.exists():
        return redirect(url_for("web.case_home", case_id=case_id))
    data, problems, warnings, broken = _read(case)
    if request.method == "POST" and broken is None and section in BY_ID:
        current = read_values(data, [f.key for f in BY_ID[section].fields])
        changes = _changes(BY_ID[section], current, _locked(data))
        update_profile(case.profile_path, changes, request.form.get("version"))
        data, problems, warnings, broken = _read(case)
        if any(_section_of(p) == section for p in problems):
            target = url_for("web.profile", case_id=case_id, section=section, checked=1)
        else:
            ids = [s.id for s in SECTIONS] + [CHECK]
            target = url_for("web.profile", case_id=case_id, section=ids[ids.index(section) + 1])
        return redirect(target, code=303)
    values = read_values(data, [f.key for f in FIELDS]) if data is not None else {}
    locked = {".".join(k) for k in _locked(data)} if data is not None else set()
    errors: dict[str, list[str]] = {}
    for problem in problems:
        field = _field_of(problem)
        errors.setdefault(field.name if field else _section_of(problem) or "", []).append(
            problem.message
        )
    return page(
        "profile.html",
        case_id,
        sections=SECTIONS,
        section=BY_ID.get(section),
        check=section == CHECK,
        values={f.name: _shown(f, values.get(f.key)) for f in FIELDS},
        locked=locked,
        errors=errors,
        show_errors=section == CHECK or request.args.get("checked") == "1",
        problems=[(p, _field_of(p), _section_of(p)) for p in problems],
        counts={s.id: sum(1 for p in problems if _section_of(p) == s.id) for s in SECTIONS},
        warnings=warnings,
        broken=broken,
        version=digest(case.profile_path),
    )
