"""The questions of the profile form, one section at a time: data a volunteer can read.

Each question is bound to one key of ``profil.yaml`` (the commented
``templates/profil.yaml`` says the same in its comments). ``reveal`` ties a question
to the answer it depends on: the expiry date shows only for a renewal.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_
from ..profile import Profile
from ..profile_edit import Key


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
    reveal: tuple[Key, str] | None = None  # shown only when that key has that answer

    @property
    def name(self) -> str:
        return ".".join(self.key)

    @property
    def default(self) -> str | None:
        """The schema's default, as the text a person would write (``15``, ``non``)."""
        default = Profile.default_at(self.key)
        if isinstance(default, bool):
            return "oui" if default else "non"
        if isinstance(default, (int, float, str)):
            return str(default)
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
                reveal=(("demande", "nature"), "renouvellement"),
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
                ("prefecture", "horaires_site"),
                N_("Heures d'ouverture du site de rendez-vous"),
                "lines",
                help=N_(
                    "une ligne par groupe de jours, par exemple : lun-ven 08:30-17:00 ; le plan "
                    "de la semaine y place les essais"
                ),
                optional=True,
            ),
            Field(
                ("prefecture", "horaires_guichet"),
                N_("Heures d'ouverture du guichet"),
                "lines",
                help=N_("par exemple : lun-ven 09:00-12:00, 13:30-16:00"),
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
                ("seuils", "jour_courriel"),
                N_("Jour du courriel de la semaine"),
                "radio",
                choices=(
                    ("", N_("comme le dernier courriel, sinon le vendredi")),
                    ("lundi", N_("lundi")),
                    ("mardi", N_("mardi")),
                    ("mercredi", N_("mercredi")),
                    ("jeudi", N_("jeudi")),
                    ("vendredi", N_("vendredi")),
                ),
                optional=True,
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
BY_NAME = {f.name: f for f in FIELDS}
