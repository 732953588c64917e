"""Validating YAML data against a record's schema, with errors a person can act on.

Shared by the profile and the other settings files: field types that read what
people type (``oui``/``non``, blank for nothing, ``AAAA-MM-JJ``), and the messages
with the file, line and field at fault, never the value. How a record is declared
and read is ``records``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from .errors import InputError
from .i18n import N_, _
from .records import DATE, After, Before, Invalid, StrictModel, at_least, filled, matching, reader
from .textrules import text_problem
from .yamlload import Loc, Located

__all__ = ["StrictModel", "validate_located"]  # records' base class, declared through here

# What no text field may hold is ``textrules.text_problem``'s to say (control characters,
# bidi overrides, e-mail encoded words…). Line breaks (\n, \r, NEL, U+2028, U+2029) and
# tabs inside a one-line field become a space.
SECTION_BRACKETS = ("[[", "]]")  # the document model's section markers, [[corps]]
EARLIEST_DATE = date(1900, 1, 1)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _clean_text(value: Any) -> Any:
    """One line of text: nothing ``textrules`` refuses, no section marker, one line.

    The text ends up in documents built from ``[[section]]`` lines: a line break followed
    by ``[[corps]]`` in a name would start a section of its own, so line breaks collapse to
    a space and double brackets are refused.
    """
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise ValueError(problem)
        if any(marker in value for marker in SECTION_BRACKETS):
            raise ValueError(
                _("les doubles crochets [[ ]] sont réservés aux sections des modèles ; retirez-les")
            )
        return " ".join(value.split())
    return value


def _iso_date(value: Any) -> Any:
    """Only ``AAAA-MM-JJ``, never a bare number (pydantic read 1990 as a Unix time: 1970).

    A blank value goes on as it is, to be called an empty required field, not a bad date."""
    if isinstance(value, str) and value.strip() and not _ISO_DATE.match(value.strip()):
        raise ValueError(_(DATE))
    return value.strip() if isinstance(value, str) else value


def _after_1900(value: date | None) -> date | None:
    if value is not None and value < EARLIEST_DATE:
        raise ValueError(_("date antérieure à 1900 : vérifiez l'année"))
    return value


def _not_future(value: date) -> date:
    from .frdates import now_paris

    if value > now_paris().date():
        raise ValueError(_("date de naissance dans le futur : vérifiez l'année"))
    return value


def _oui_non(value: Any) -> Any:
    if isinstance(value, str):
        word = value.strip().lower()
        if word in {"oui", "yes", "true", "vrai"}:
            return True
        if word in {"non", "no", "false", "faux"}:
            return False
        raise ValueError(_("répondez oui ou non"))
    return value


def as_list(value: Any) -> Any:
    return [] if value is None or value == "" else value


# RFC 5322 "atext": what an unquoted local part may hold. Quoted local parts
# ("a b"@x.fr) are refused: nobody needs them and they are where header tricks live.
_ATEXT = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-"
)
EMAIL_HINT = N_("attendu : nom@domaine.fr")


def _local_part_problem(local: str) -> str | None:
    if not local:
        return _("rien avant le @")
    if len(local.encode("utf-8")) > 64:
        return _("la partie avant le @ dépasse 64 caractères")
    if "=?" in local:
        return _("suite « =? » avant le @ (mot encodé de courriel) : non permise")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return _("point mal placé avant le @")
    for char in local.replace(".", ""):
        if char not in _ATEXT and not (ord(char) > 127 and char.isprintable()):
            return _("caractère non permis avant le @ (espace, virgule, guillemet, chevron…)")
    return None


def _domain_problem(domain: str) -> str | None:
    labels = domain.split(".")
    if not domain:
        return _("rien après le @")
    if len(labels) < 2 or not labels[-1]:
        return _("le domaine après le @ doit avoir un point (domaine.fr)")
    for label in labels:
        if not label or len(label) > 63:
            return _("point mal placé ou partie trop longue dans le domaine")
        if label.startswith("-") or label.endswith("-"):
            return _("un tiret ne peut ni commencer ni finir une partie du domaine")
        if not all(c == "-" or (c.isalnum() and c.isprintable()) for c in label):
            return _("caractère non permis dans le domaine (lettres, chiffres, tirets, points)")
    if labels[-1].isdigit():
        return _("le domaine finit par un nombre")
    if not domain.isascii():
        try:
            domain.encode("idna")
        except UnicodeError:
            return _("nom de domaine international invalide")
    return None


def email_problem(address: str) -> str | None:
    """What is wrong with ``address`` as a bare ``nom@domaine`` address, or None.

    One shared rule for the profile, smtp.yaml and the envelope: a dot-atom local
    part (non-ASCII letters allowed, sent with SMTPUTF8), one ``@``, a domain of
    letters, digits and hyphens. Nothing that would need quoting in a header.
    """
    if address.count("@") != 1:
        return _("il faut exactement un @") if "@" in address else _("il manque le @")
    if len(address.encode("utf-8")) > 254:
        return _("adresse trop longue (254 caractères au plus)")
    local, __, domain = address.partition("@")
    return _local_part_problem(local) or _domain_problem(domain)


def check_email(value: Any) -> Any:
    """After rule: a valid bare address, or an error that does not echo it."""
    if isinstance(value, str):
        problem = email_problem(value)
        if problem:
            raise ValueError(
                _("adresse électronique invalide : {problem} ({hint})").format(
                    problem=problem, hint=_(EMAIL_HINT)
                )
            )
    return value


# The types of what people type. A blank optional value means None (``records``).
Text = Annotated[str, Before(_clean_text), After(filled)]
OptText = Annotated[str | None, Before(_clean_text)]
OptEmail = Annotated[str | None, Before(_clean_text), After(check_email)]
OptAgdref = Annotated[
    str | None,
    Before(_clean_text),
    matching(
        r"^\d{10}$",
        N_("le numéro d'étranger (AGDREF) compte 10 chiffres ; laissez vide si vous n'en avez pas"),
    ),
]
OptDate = Annotated[date | None, Before(_iso_date), After(_after_1900)]
BirthDate = Annotated[date, Before(_iso_date), After(_after_1900), After(_not_future)]
OuiNon = Annotated[bool, Before(_oui_non)]
OptOuiNon = Annotated[bool | None, Before(_oui_non)]
DEPARTEMENT = r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-8]|98[4-9])$"
OptDepartement = Annotated[
    str | None,
    Before(_clean_text),
    matching(DEPARTEMENT, N_("numéro de département attendu, par exemple 93, 2A ou 971")),
]
Lines = Annotated[list[Text], Before(as_list)]
# a postal address: the street, then the postcode and the town
Address = Annotated[
    list[Text],
    Before(as_list),
    at_least(
        2, N_("au moins deux lignes sont attendues : la rue, puis le code postal et la ville")
    ),
]


@dataclass(frozen=True)
class Problem:
    """One validation error: the field (as a path of keys), its line, what is wrong."""

    loc: Loc
    line: int | None
    message: str

    @property
    def field(self) -> str:
        """The field's path; a key from the file is shown without invisible characters."""
        return ".".join(printable(str(p)) for p in self.loc) or "(fichier)"


class InvalidData(InputError):
    """Data that does not fit its schema; ``problems`` lists each error for a form."""

    def __init__(self, message: str, problems: list[Problem], hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.problems = problems


def printable(text: str, limit: int = 60) -> str:
    """A key as it may be shown: invisible characters as ``?``, at most ``limit`` characters.

    Field names come from the file; one holding a terminal escape must not reach the screen.
    """
    shown = "".join(c if c.isprintable() else "?" for c in text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def validate_located(model: Any, located: Located, path: Path) -> Any:
    """Read ``located.data`` as ``model`` (a record, or an annotation such as a list of
    records); every problem names ``path``, its line and the field."""
    try:
        return reader(model)(located.data)
    except Invalid as invalid:
        problems = [
            Problem(loc, located.line_of(loc), message) for loc, message in invalid.problems
        ]
        messages = [
            _("{path}, ligne {line}, champ « {field} » : {message}").format(
                path=path, line=p.line, field=p.field, message=p.message
            )
            if p.line
            else _("{path}, champ « {field} » : {message}").format(
                path=path, field=p.field, message=p.message
            )
            for p in problems
        ]
        raise InvalidData(
            "\n".join(messages),
            problems,
            hint=_("Corrigez {name} puis relancez.").format(name=path.name),
        ) from None
