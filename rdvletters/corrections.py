"""Corrections of the journal: new values for a step, or its withdrawal
(``rdvletters correct``, the web app's « Corriger »).

An entry is never rewritten (``verify`` would call that tampering): a ``correction``
entry supersedes it for every document and figure (``steps.effective_entries``), and
``log`` shows both. Its values are checked as ``record`` and ``sent`` check them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .channels import ATTEMPT_CHANNELS, CHANNELS
from .errors import InputError
from .frdates import now_paris
from .i18n import N_, _
from .journal import Entry
from .stepfields import (
    OPTIONS,
    announced_date,
    clean_text,
    field_names,
    normalise_tracking,
    refuse_early_receipt,
    sent_before_prepared,
)
from .steps import STEP_TYPES, effective_entries

if TYPE_CHECKING:
    from .case import Case


def correct_entry(
    case: Case,
    number: int,
    *,
    when: datetime | None = None,
    message: str | None = None,
    witness: str | None = None,
    reference: str | None = None,
    tracking: str | None = None,
    announced: str | None = None,
    withdraw: bool = False,
    reason: str | None = None,
    channel: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> Entry:
    """Journal a correction of step ``number`` of ``case``: new values, or its
    withdrawal. ``labels`` names the fields in messages (``at``, ``channel``, ``message``,
    ``witness``, ``reference``, ``tracking``, ``announced``, ``reason``): the CLI's options
    by default. ``announced``: the day the administration gave (a reply's promised date,
    an appointment's day), as ``record --announced`` takes it."""
    state = case.journal.read()
    target = state.by_number(number)
    if target is None:
        raise InputError(
            _("il n'y a pas d'entrée n° {n} au journal.").format(n=number),
            hint=_("La liste des entrées : rdvletters log"),
        )
    if target.kind not in STEP_TYPES:
        raise InputError(
            _(
                "l'entrée n° {n} est {what} ; seules les démarches, les événements et les "
                "envois se corrigent."
            ).format(n=number, what=_(_NOT_CORRECTABLE.get(target.kind, N_("une note")))),
            hint=_("La liste des entrées : rdvletters log"),
        )
    current = dict(effective_entries(state)).get(number)
    if current is None:
        raise InputError(_("l'entrée n° {n} a déjà été retirée du journal.").format(n=number))
    entry: dict[str, Any] = {
        "type": "correction",
        "corrige": number,
        "date": now_paris().isoformat(timespec="seconds"),
    }
    given = [when, message, witness, reference, tracking, channel, announced]
    names = field_names(labels)
    if withdraw:
        if any(value is not None for value in given):
            raise InputError(
                _(
                    "--withdraw retire l'entrée entière : il ne se combine pas avec --at, "
                    "--channel, --message, --witness, --reference, --tracking ni --announced."
                )
            )
        motive = clean_text(reason or "", names["reason"])
        if not motive:
            raise InputError(
                _(
                    "--withdraw demande un motif, qui reste au journal : "
                    '--reason "noté deux fois", par exemple.'
                )
            )
        entry.update(retire=True, motif=motive)
    else:
        entry["valeurs"] = _corrected_values(case, target, current, *given, names=names)
        if reason and clean_text(reason, names["reason"]):
            entry["motif"] = clean_text(reason, names["reason"])
    case.journal.check_appendable()
    return case.journal.append(entry)


def _corrected_values(
    case: Case,
    target: Entry,
    current: dict[str, Any],
    when: datetime | None,
    message: str | None,
    witness: str | None,
    reference: str | None,
    tracking: str | None,
    channel: str | None = None,
    announced: str | None = None,
    *,
    names: Mapping[str, str] = OPTIONS,
) -> dict[str, str]:
    """The fields that change, checked as ``record`` and ``sent`` check them."""
    n, sending = target.n, target.kind == "envoi"
    values: dict[str, str] = {}
    if channel is not None:
        values.update(_corrected_channel(n, sending, current, channel, witness, names))
    if when is not None:
        if sending:
            prepared = case.journal.read().by_number(current["document_n"])
            if prepared is not None and when < prepared.when.replace(second=0):
                raise sent_before_prepared(prepared, names["at"])
        elif current.get("canal") == "ar":
            refuse_early_receipt(case.journal.read(), when, names["at"])
        values["date"] = when.isoformat(timespec="seconds")
    if message is not None:
        if sending:
            raise InputError(
                _("{option} : l'entrée n° {n} est un envoi, sans message.").format(
                    option=names["message"], n=n
                )
            )
        values["description"] = clean_text(message, names["message"])
    if witness is not None:
        if values.get("canal", current.get("canal")) != "counter":
            raise InputError(
                _("{option} ne vaut que pour une présentation au guichet.").format(
                    option=names["witness"]
                )
            )
        values["temoin"] = clean_text(witness, names["witness"])
    if reference is not None:
        if sending:
            raise InputError(
                _("{option} : l'entrée n° {n} est un envoi ; {tracking} ?").format(
                    option=names["reference"], n=n, tracking=names["tracking"]
                )
            )
        values["reference"] = clean_text(reference, names["reference"])
    if tracking is not None:
        letter = (
            current.get("document") == "lettre"
            if sending
            else (values.get("canal", current.get("canal")) == "letter")
        )
        if not letter:
            raise InputError(
                _("{option} ne vaut que pour l'envoi d'une lettre recommandée.").format(
                    option=names["tracking"]
                )
            )
        values.update(suivi=normalise_tracking(tracking, names["tracking"]), suivi_saisi=tracking)
    if announced is not None:
        channel_now = values.get("canal", current.get("canal", ""))
        values.update(announced_date(announced, channel_now, names["announced"]))
    if not values:
        raise InputError(
            _(
                "rien à corriger : donnez --at, --channel, --message, --witness, "
                '--reference, --tracking ou --announced, ou bien --withdraw --reason "…" '
                "pour retirer l'entrée."
            )
        )
    changed = {k: v for k, v in values.items() if current.get(k, "") != v}
    if not changed or set(changed) <= {"suivi_saisi", "type"}:
        raise InputError(_("l'entrée n° {n} a déjà ces valeurs : rien ne change.").format(n=n))
    return changed


def _corrected_channel(
    n: int,
    sending: bool,
    current: dict[str, Any],
    channel: str,
    witness: str | None,
    names: Mapping[str, str],
) -> dict[str, str]:
    """A step recorded under the wrong channel: its channel, and with it whether it is an
    attempt or an event. A sending keeps the channel of its document."""
    if sending:
        raise InputError(
            _("{option} : l'entrée n° {n} est un envoi ; son canal suit le document.").format(
                option=names["channel"], n=n
            )
        )
    if channel not in CHANNELS:
        raise InputError(
            _("canal inconnu « {channel} » ; canaux : {channels}.").format(
                channel=channel, channels=", ".join(CHANNELS)
            )
        )
    if current.get("temoin") and channel != "counter" and witness in (None, ""):
        raise InputError(
            _(
                "{option} : l'entrée n° {n} a un témoin, qui ne vaut que pour une "
                "présentation au guichet ; retirez l'entrée et notez-la de nouveau."
            ).format(option=names["channel"], n=n)
        )
    kind = "tentative" if channel in ATTEMPT_CHANNELS else "evenement"
    return {"canal": channel, "type": kind}


_NOT_CORRECTABLE = {
    "document": N_("un document préparé (préparez-en un nouveau s'il le faut)"),
    "correction": N_("déjà une correction (corrigez l'entrée qu'elle corrige)"),
    "horodatage": N_("un horodatage"),
}
