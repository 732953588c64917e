"""click's own words (``Usage:``, ``Options``, ``Error:``, ``[default: …]``, « No such
option… ») in the interface language, served from our catalogs.

click writes its words in English and looks each one up with ``from gettext import
gettext as _`` (and ``ngettext``), bound in each of its modules: the stdlib's global
domain, whose language comes only from the environment. Bending the stdlib instead
(a global ``textdomain``, or ``LANGUAGE`` set in ``os.environ``) would be process-wide,
inherited by LibreOffice and Chromium, blind to ``--lang`` and to the per-request
language of the web app, and would need a separate French catalog of click's words.
So ``install`` rebinds those two names, in click's modules only and only where they
still are the stdlib's functions, to ``word``/``click_ngettext`` below, which follow
``i18n.current()`` like every other message of the interface.

French is our source language: each English word of click is mapped here to its French
msgid (marked for extraction, so it lands in ``rdvletters.pot``), and each catalog
translates that, the English one back to click's words. An association adding a
language translates these lines with the rest: one catalog per language.
``tests/test_i18n.py`` checks that every message of the installed click has its line
here, so a newer click cannot slip English words into a French page unnoticed.
"""

from __future__ import annotations

import gettext as _stdlib
import sys
from collections.abc import Callable

from .. import i18n
from ..i18n import N_, ngettext

# click's message (English) -> our French msgid
WORDS: dict[str, str] = {
    # help pages
    "Usage:": N_("Utilisation :"),
    "Options": N_("Options"),
    "Commands": N_("Commandes"),
    "Positional arguments": N_("Arguments"),
    "Show this message and exit.": N_("Afficher cette aide."),
    "Show the version and exit.": N_("Afficher la version."),
    "%(prog)s, version %(version)s": N_("%(prog)s, version %(version)s"),
    "default: {default}": N_("par défaut : {default}"),
    "env var: {var}": N_("variable d'environnement : {var}"),
    "(dynamic)": N_("(calculé)"),
    "required": N_("obligatoire"),
    "deprecated": N_("obsolète"),
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": N_(
        "Attention : la commande {name!r} est obsolète.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": N_(
        "Attention : le paramètre {name!r} ({param_type}) est obsolète.{extra_message}"
    ),
    # errors and their presentation
    "Error: {message}": N_("Erreur : {message}"),
    "Try '{command} {option}' for help.": N_("Aide : {command} {option}"),
    "Aborted!": N_("Interrompu : rien n'a été fait."),
    "Invalid value: {message}": N_("valeur invalide : {message}"),
    "Invalid value for {param_hint}: {message}": N_(
        "valeur invalide pour {param_hint} : {message}"
    ),
    "Missing argument": N_("Il manque l'argument"),
    "Missing option": N_("Il manque l'option"),
    "Missing parameter": N_("Il manque le paramètre"),
    "Missing {param_type}": N_("Il manque : {param_type}"),
    "Missing parameter: {param_name}": N_("il manque le paramètre {param_name}"),
    "Missing command.": N_("Il manque la commande."),
    "No such option {name!r}.": N_("option inconnue : {name!r}."),
    "No such command {name!r}.": N_("commande inconnue : {name!r}."),
    "unknown error": N_("erreur inconnue"),
    "Could not open file {filename!r}: {message}": N_(
        "impossible d'ouvrir le fichier {filename!r} : {message}"
    ),
    "Invalid start character for option ({option})": N_(
        "caractère de début d'option invalide ({option})"
    ),
    "Argument {name!r} takes {nargs} values.": N_("l'argument {name!r} prend {nargs} valeurs."),
    "Option {name!r} does not take a value.": N_("l'option {name!r} ne prend pas de valeur."),
    "Value must be an iterable.": N_("une liste de valeurs est attendue."),
    "Choose from:\n\t{choices}": N_("Choisissez parmi :\n\t{choices}"),
    "Choice({choices})": N_("Choix({choices})"),
    "{value!r} is not a valid {number_type}.": N_("{value!r} n'est pas un {number_type} valide."),
    "{value} is not in the range {range}.": N_("{value} n'est pas compris dans {range}."),
    "{value!r} is not a valid boolean. Recognized values: {states}": N_(
        "{value!r} n'est pas une valeur oui/non valide. Valeurs reconnues : {states}"
    ),
    "{value!r} is not a valid UUID.": N_("{value!r} n'est pas un UUID valide."),
    "file": N_("fichier"),
    "directory": N_("dossier"),
    "path": N_("chemin"),
    "{name} {filename!r} does not exist.": N_("{name} {filename!r} : introuvable."),
    "{name} {filename!r} is a file.": N_("{name} {filename!r} : c'est un fichier."),
    "{name} {filename!r} is a directory.": N_("{name} {filename!r} : c'est un dossier."),
    "{name} {filename!r} is not readable.": N_("{name} {filename!r} : lecture refusée."),
    "{name} {filename!r} is not writable.": N_("{name} {filename!r} : écriture refusée."),
    "{name} {filename!r} is not executable.": N_("{name} {filename!r} : exécution refusée."),
    "Unknown standard stream '{name}'": N_("flux standard inconnu : '{name}'"),
    "Unknown color {colour!r}": N_("couleur inconnue : {colour!r}"),
    # prompts
    "Repeat for confirmation": N_("Répétez pour confirmer"),
    "Error: The two entered values do not match.": N_(
        "Erreur : les deux valeurs saisies ne sont pas identiques."
    ),
    "Error: invalid input": N_("Erreur : réponse non valide"),
    "Do you want to continue?": N_("Voulez-vous continuer ?"),
    "Confirm the action without prompting.": N_("Confirmer sans poser la question."),
    "Press any key to continue...": N_("Appuyez sur une touche pour continuer…"),
    "{editor}: Editing failed": N_("{editor} : la modification a échoué"),
    "{editor}: Editing failed: {e}": N_("{editor} : la modification a échoué : {e}"),
    "Windows error: {error}": N_("erreur Windows : {error}"),
    "d": N_("j"),  # days, in a progress bar's remaining time
    "Shell completion is not supported for Bash versions older than 4.4.": N_(
        "La complétion n'est pas prise en charge pour Bash avant la version 4.4."
    ),
    "Couldn't detect Bash version, shell completion is not supported.": N_(
        "Version de Bash inconnue : la complétion n'est pas prise en charge."
    ),
    # mistakes in the program itself (a developer's, never the person's); said all the same
    "Name '{name}' defined twice": N_("nom '{name}' défini deux fois"),
    "Boolean option {decl!r} cannot use the same flag for true/false.": N_(
        "l'option oui/non {decl!r} ne peut pas utiliser la même option pour oui et non."
    ),
    "Could not determine name for option with declarations {decls!r}": N_(
        "nom introuvable pour l'option déclarée par {decls!r}"
    ),
    "No options defined but a name was passed ({name}). Did you mean to declare an argument "
    "instead? Did you mean to pass '--{name}'?": N_(
        "aucune option déclarée mais un nom donné ({name}) : un argument, ou '--{name}' ?"
    ),
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": N_(
        "un argument se déclare par un seul nom ; reçu {length} : {decls}."
    ),
}

# click's (singular, plural) -> the same message in our words, for a count
PLURALS: dict[tuple[str, str], Callable[[int], str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        lambda n: ngettext("argument en trop ({args})", "arguments en trop ({args})", n)
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        lambda n: ngettext(
            "{nargs} valeurs attendues, {len} donnée.",
            "{nargs} valeurs attendues, {len} données.",
            n,
        )
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        lambda n: ngettext(
            "Vouliez-vous dire {possibility} ?",
            "(Vouliez-vous dire l'une de celles-ci : {possibilities} ?)",
            n,
        )
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        lambda n: ngettext(
            "l'option {name!r} demande une valeur.",
            "l'option {name!r} demande {nargs} valeurs.",
            n,
        )
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        lambda n: ngettext(
            "{value!r} n'est pas la valeur attendue ({choice}).",
            "{value!r} n'est pas l'une des valeurs possibles : {choices}.",
            n,
        )
    ),
    (
        "{value!r} does not match the format {format}.",
        "{value!r} does not match the formats {formats}.",
    ): (
        lambda n: ngettext(
            "{value!r} ne suit pas le format {format}.",
            "{value!r} ne suit aucun des formats {formats}.",
            n,
        )
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): (
        lambda n: ngettext(
            "{len_type} valeurs sont attendues, {len_value} donnée.",
            "{len_type} valeurs sont attendues, {len_value} données.",
            n,
        )
    ),
}


def word(message: str) -> str:
    """click's ``message`` in the interface language (click's own English if unknown)."""
    french = WORDS.get(message)
    return i18n.gettext(french) if french is not None else message


def click_ngettext(singular: str, plural: str, n: int) -> str:
    """click's plural message for ``n`` in the interface language."""
    ours = PLURALS.get((singular, plural))
    if ours is not None:
        return ours(n)
    return singular if n == 1 else plural


def install() -> None:
    """Make click's modules (those loaded now) say their words through our catalogs."""
    for name, module in list(sys.modules.items()):
        if not (name == "click" or name.startswith("click.")) or module is None:
            continue
        if getattr(module, "_", None) is _stdlib.gettext:
            module._ = word  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is _stdlib.ngettext:
            module.ngettext = click_ngettext  # type: ignore[attr-defined]
