"""Form errors as GOV.UK and the DSFR show them, and dates typed as people say them.

An error is tied to the field it is about (``FieldError.field``: the input's id), so
that the page lists it in a summary at the top with a link to the field, marks the
field ``aria-invalid`` and describes it by the message. Dates are three small fields
(day, month, year) and times one short text field: never the browser's date widget,
whose order follows the browser's language (« 12041990 » became 4 December in an
English Chromium).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..i18n import _

TIME = re.compile(r"^\s*(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?)?\s*$")


@dataclass(frozen=True)
class FieldError:
    """A message about one field (``field`` is the id of its input; "" for the form)."""

    field: str
    message: str
    hint: str | None = None
    url: str | None = None  # where the field is, when it is on another page


class FormErrors(Exception):
    """Errors found before anything was written; the form is shown again with them."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def error_of(error: Exception, labels: dict[str, str], default: str = "") -> FieldError:
    """A library error as a field error: the field whose label starts its message (the
    library names the field it was given: ``labels`` field id -> label)."""
    message = str(error)
    field = next((f for f, label in labels.items() if message.startswith(label)), default)
    return FieldError(field, message, getattr(error, "hint", None))


def date_parts(form, name: str) -> dict[str, str]:
    """The three parts of date field ``name`` as typed (``name-day``, ``-month``, ``-year``)."""
    return {part: form.get(f"{name}-{part}", "").strip() for part in ("day", "month", "year")}


def split_date(value: object) -> dict[str, str]:
    """An ISO date (or a date written ``12/04/1990`` by hand) as the three parts to show."""
    text = str(value or "").strip()
    if m := re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", text):
        return {"day": m[3], "month": m[2], "year": m[1]}
    if m := re.match(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$", text):
        return {"day": m[1], "month": m[2], "year": m[3]}
    return {"day": "", "month": "", "year": ""}


def read_date(parts: dict[str, str], field: str, label: str, required: bool = True) -> date | None:
    """The date the three parts say, or ``FormErrors`` naming what is wrong with them."""
    if not any(parts.values()):
        if required:
            raise FormErrors(
                [
                    FieldError(
                        f"{field}-day",
                        _("{label} : indiquez le jour, le mois et l'année.").format(label=label),
                    )
                ]
            )
        return None
    for part, word in (("day", _("le jour")), ("month", _("le mois")), ("year", _("l'année"))):
        if not parts[part]:
            raise FormErrors(
                [
                    FieldError(
                        f"{field}-{part}",
                        _("{label} : indiquez aussi {part}.").format(label=label, part=word),
                    )
                ]
            )
        if not re.fullmatch(r"[0-9]{1,4}", parts[part]):
            raise FormErrors(
                [
                    FieldError(
                        f"{field}-{part}",
                        _("{label} : écrivez {part} en chiffres.").format(label=label, part=word),
                    )
                ]
            )
    if len(parts["year"]) != 4:
        raise FormErrors(
            [
                FieldError(
                    f"{field}-year",
                    _("{label} : l'année s'écrit avec 4 chiffres, par exemple 1990.").format(
                        label=label
                    ),
                )
            ]
        )
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except (ValueError, OverflowError):
        raise FormErrors(
            [
                FieldError(
                    f"{field}-day",
                    _(
                        "{label} : ce jour n'existe pas (jour de 1 à 31 selon le mois, mois "
                        "de 1 à 12)."
                    ).format(label=label),
                )
            ]
        ) from None


def read_time(text: str, field: str, label: str) -> str:
    """``HH:MM`` from « 9:15 », « 09h15 », « 9 h 15 » or « 14 », or ``FormErrors``."""
    m = TIME.match(text)
    if not text.strip():
        raise FormErrors(
            [
                FieldError(
                    field, _("{label} : indiquez l'heure, par exemple 09:15.").format(label=label)
                )
            ]
        )
    if not m or int(m[1]) > 23 or int(m[2] or 0) > 59:
        raise FormErrors(
            [
                FieldError(
                    field,
                    _("{label} : heure non reconnue ; écrivez-la comme 09:15 ou 9h15.").format(
                        label=label
                    ),
                )
            ]
        )
    return f"{int(m[1]):02d}:{int(m[2] or 0):02d}"
