"""Dates in the interface language, for the sentences the person reads.

``status``, the référé check and the alerts say dates inside sentences; in French they
must read exactly as ``frdates`` writes them (« mardi 1er décembre 2026 », « 18/09 »),
in English as an English reader expects (« Tuesday 1 December 2026 »). The order of
the parts and the names of months and days come from the catalogs, so a new language
needs nothing but its catalog. Documents never use this module: they keep ``frdates``.
"""

from __future__ import annotations

from datetime import date, datetime

from .frdates import PARIS
from .i18n import N_, _

MONTHS = (
    N_("janvier"),
    N_("février"),
    N_("mars"),
    N_("avril"),
    N_("mai"),
    N_("juin"),
    N_("juillet"),
    N_("août"),
    N_("septembre"),
    N_("octobre"),
    N_("novembre"),
    N_("décembre"),
)
WEEKDAYS = (
    N_("lundi"),
    N_("mardi"),
    N_("mercredi"),
    N_("jeudi"),
    N_("vendredi"),
    N_("samedi"),
    N_("dimanche"),
)


def _day(d: date) -> str:
    return _("1er") if d.day == 1 else str(d.day)


def day(d: date) -> str:
    """« 1er décembre 2026 », « 1 December 2026 » (``frdates.jour`` in French)."""
    return _("{day} {month} {year}").format(day=_day(d), month=_(MONTHS[d.month - 1]), year=d.year)


def weekday_day(d: date) -> str:
    """« mardi 1er décembre 2026 » (``frdates.jour_complet`` in French)."""
    return _("{weekday} {day} {month} {year}").format(
        weekday=_(WEEKDAYS[d.weekday()]), day=_day(d), month=_(MONTHS[d.month - 1]), year=d.year
    )


def short(d: date) -> str:
    """« 01/12/2026 » (``frdates.date_courte`` in French)."""
    return _("{dd}/{mm}/{year}").format(dd=f"{d.day:02d}", mm=f"{d.month:02d}", year=d.year)


def day_month(d: date) -> str:
    """« 01/12 », a date in a list of dates of the same season."""
    return _("{dd}/{mm}").format(dd=f"{d.day:02d}", mm=f"{d.month:02d}")


def time(moment: datetime) -> str:
    """« 9 h 15 » in French, « 9:15 » in English; Paris time (``frdates.heure``)."""
    local = moment.astimezone(PARIS)
    return _("{hh} h {mm}").format(hh=f"{local.hour}", mm=f"{local:%M}")
