"""What a person types about a step, checked and cleaned the same way from the CLI and
the forms: a line of text, a La Poste tracking number, a date the administration announced,
and the dates that must follow another step (an AR after its letter, a sending after its
document was prepared).

Every check names the field it refuses: ``option`` (or ``names``) is the CLI's option by
default, the form's label when the web app calls (``OPTIONS``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

from .errors import InputError
from .frdates import EARLIEST_YEAR
from .i18n import _
from .journal import Entry, JournalState
from .steps import effective_entries
from .textrules import text_problem

MAX_TEXT = 2000
TRACKING = re.compile(r"^(\d[A-Z]\d{11}|[A-Z]{2}\d{11}|[A-Z]{2}\d{9}[A-Z]{2}|\d{14})$")


# The CLI's options: how the library names each field of a step in a message by default.
# The web app passes its forms' labels in their place (``labels`` of ``Case.record``,
# ``Case.record_sent``, ``corrections.correct_entry``).
OPTIONS = {
    "at": "--at",
    "channel": "--channel",
    "message": "--message",
    "witness": "--witness",
    "reference": "--reference",
    "tracking": "--tracking",
    "announced": "--announced",
    "reason": "--reason",
}


def field_names(labels: Mapping[str, str] | None) -> dict[str, str]:
    """Each field's name in messages: the caller's label, else the CLI's option."""
    return {**OPTIONS, **(labels or {})}


def clean_text(value: str, option: str) -> str:
    """One line of plain text from the command line or a form.

    Line breaks become spaces (a line of its own could be read as a section marker of the
    document model); what ``textrules`` refuses in any text field (control characters,
    bidi overrides, encoded words) is refused, so that nothing stored can break a
    document later.
    """
    problem = text_problem(value)
    if problem:
        raise InputError(_("{option} : {problem}.").format(option=option, problem=problem))
    text = " ".join(value.split())
    if len(text) > MAX_TEXT:
        raise InputError(
            _("{option} : texte trop long ({length} caractères, {max} au plus).").format(
                option=option, length=len(text), max=MAX_TEXT
            )
        )
    return text


def normalise_tracking(raw: str, option: str = "--tracking") -> str:
    """Check a La Poste item number's form (``1A 123 456 7890 1``) and return it compact;
    ``option`` names the field in the message (the CLI's option, or the form's label)."""
    compact = re.sub(r"[\s-]", "", raw).upper()
    if not TRACKING.match(compact):
        raise InputError(
            _(
                "{option} « {raw} » : numéro de suivi non reconnu. Recopiez le numéro de la "
                "preuve de dépôt : 13 caractères comme 1A 123 456 7890 1 (espaces permis)."
            ).format(raw=raw, option=option)
        )
    return compact


ANNOUNCING = ("reply", "appointment")  # the steps that may carry a date the administration gave


def announced_date(text: str, channel: str, option: str = "--announced") -> dict[str, str]:
    """The journal field for a date the administration announced (« vous serez convoqué
    le… », a convocation's day), read as ``AAAA-MM-JJ`` or ``JJ/MM/AAAA``; {} for none.
    The week's plan waits for that date before chasing (``reminders.plan``)."""
    if not text or not text.strip():
        return {}
    if channel not in ANNOUNCING:
        raise InputError(
            _(
                "{option} ne vaut que pour une réponse (reply) ou une convocation (appointment)."
            ).format(option=option)
        )
    raw = text.strip()
    try:
        if re.match(r"^\d{1,2}/\d{1,2}/\d{4}$", raw):
            dd, mm, yyyy = raw.split("/")
            day = date(int(yyyy), int(mm), int(dd))
        else:
            day = date.fromisoformat(raw)
    except ValueError:
        raise InputError(
            _(
                "{option} « {raw} » : date non reconnue (AAAA-MM-JJ, par exemple 2026-12-15)."
            ).format(option=option, raw=raw)
        ) from None
    if not EARLIEST_YEAR <= day.year <= 2099:
        raise InputError(_("{option} « {raw} » : vérifiez l'année.").format(option=option, raw=raw))
    return {"date_annoncee": day.isoformat()}


def refuse_early_receipt(state: JournalState, when: datetime, option: str = "--at") -> None:
    """A signed AR card cannot come back before its registered letter was posted
    (``option`` names the date's field)."""
    sent = [
        datetime.fromisoformat(d["date"])
        for __, d in effective_entries(state)
        if (d["type"] == "envoi" and d.get("document") == "lettre")
        or (d.get("canal") == "letter" and d.get("suivi"))  # ``record letter --tracking``
    ]
    if not sent:
        raise InputError(
            _(
                "aucune lettre recommandée n'est notée comme envoyée : l'avis de réception "
                "se rapporte à une lettre envoyée."
            ),
            hint=_(
                "Notez d'abord l'envoi de la lettre, avec son numéro de suivi (rdvletters "
                "sent N --tracking …, ou, pour une lettre écrite par vous : rdvletters record "
                "letter --tracking …)."
            ),
        )
    if when < min(sent):
        raise InputError(
            _(
                "{option} : l'avis de réception serait daté du {date}, avant l'envoi de la "
                "lettre recommandée ({sent}). Vérifiez la date."
            ).format(option=option, date=f"{when:%d/%m/%Y}", sent=f"{min(sent):%d/%m/%Y}")
        )


def sent_before_prepared(prepared: Entry, option: str = "--at") -> InputError:
    """The error for a sending dated before its document was prepared."""
    return InputError(
        _(
            "{option} : le document n° {n} a été préparé le {date} à {time} ; il ne peut pas "
            "être parti avant."
        ).format(
            option=option,
            n=prepared.n,
            date=f"{prepared.when:%d/%m/%Y}",
            time=f"{prepared.when:%H:%M}",
        )
    )
