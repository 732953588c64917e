"""The week's plan in words: each slot, each dated item, and the whole for ``rdvletters
plan`` (the web pages say the same with these functions)."""

from __future__ import annotations

from datetime import timedelta

from ..channels import label
from ..i18n import _, ngettext
from ..localdates import WEEKDAYS, day, weekday_day
from ..localdates import time as clock
from .plan import Item, WeekPlan
from .slots import Slot


def slot_action(slot: Slot, route: str) -> str:
    """What to do in the slot, in a few words."""
    if slot.channel == "counter":
        return _("Se présenter au guichet de la préfecture avec un témoin")
    if slot.channel == "anef":
        return _("Essayer de déposer sur l'ANEF, avec une capture de l'erreur")
    return _("Essayer le {site}, avec une capture d'écran").format(site=_(label("web", route)))


def slot_when(slot: Slot) -> str:
    """« mardi 1er décembre 2026 à 12 h 30 »."""
    return _("{day} à {time}").format(day=weekday_day(slot.start.date()), time=clock(slot.start))


def slot_why(slot: Slot) -> str:
    """Why this moment: the opening, or a part of the day the journal has seldom covered."""
    if slot.opening:
        return (
            _("à l'ouverture du guichet")
            if slot.channel == "counter"
            else _("à l'ouverture du site")
        )
    return {
        "matin": _("le matin"),
        "midi": _("à l'heure du déjeuner"),
        "apres-midi": _("l'après-midi"),
        "soir": _("le soir"),
    }[slot.part] + (_(", un jour de week-end") if slot.weekend else "")


def item_when(item: Item) -> str:
    said = weekday_day(item.day)
    if item.at is not None:
        said = _("{day} à {time}").format(
            day=said, time=_("{hh} h {mm}").format(hh=item.at.hour, mm=f"{item.at:%M}")
        )
    return _("vers le {date}").format(date=said) if item.estimated else said


def weekday_name(index: int) -> str:
    return _(WEEKDAYS[index])


def render(plan: WeekPlan) -> str:
    """The plan as text for ``rdvletters plan``."""
    out = [
        _("CETTE SEMAINE (du {monday} au {sunday})").format(
            monday=day(plan.monday), sunday=day(plan.monday + timedelta(days=6))
        ),
        "",
    ]
    out += [f"  {note}" for note in plan.notes]
    out.append("")
    if not plan.closed:
        out += _attempts(plan)
    out += ["", _("ENSUITE")] if not plan.closed else [_("ENSUITE")]
    if not plan.ahead:
        out.append(_("  Rien de daté dans les semaines qui viennent."))
    for item in plan.ahead:
        out.append(f"  - {item_when(item)} : {item.text}")
        if item.detail:
            out.append(f"      {item.detail}")
    return "\n".join(out) + "\n"


def _attempts(plan: WeekPlan) -> list[str]:
    """This week's attempts and e-mail (nothing of it once an appointment is noted)."""
    out: list[str] = []
    out.append(
        ngettext(
            "Essais : {done} noté cette semaine sur {n} conseillés.",
            "Essais : {done} notés cette semaine sur {n} conseillés.",
            plan.done,
        ).format(done=plan.done, n=plan.per_week)
    )
    for slot in plan.slots:
        out.append(
            _("  - {when} ({why}) : {action}").format(
                when=slot_when(slot), why=slot_why(slot), action=slot_action(slot, plan.route)
            )
        )
    if plan.slots:
        out.append(
            _(
                "    Notez chaque essai aussitôt : rdvletters record {channel} --proof capture.png"
            ).format(channel=plan.slots[0].channel)
        )
    if plan.email is not None:
        out.append(
            _("Courriel : {when}. {what} (rdvletters email)").format(
                when=item_when(plan.email), what=plan.email.detail
            )
        )
    elif plan.email_sent is not None:
        sent = day(plan.email_sent)
        out.append(_("Courriel : envoyé cette semaine, le {date}.").format(date=sent))
    else:
        out.append(_("Courriel : en attente de la date annoncée par la préfecture."))
    return out
