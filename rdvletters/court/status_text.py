"""``status`` as text for a person who is not a lawyer, in the interface language.

Alerts first, then the figures (attempts recorded and attempts with proof, never
mixed), week by week with dates, the ladder, the one thing to do this week, the
référé guidance, the renewal deadlines, and what the dossier lacks.
"""

from __future__ import annotations

from datetime import date

from ..i18n import _, ngettext
from ..localdates import day, weekday_day
from .readiness import tick
from .status import Status

BAR = 12
LABEL_WIDTH = 40


def _pair(label: str, value: str) -> str:
    """« label : value » (French spacing), « label: value » in English."""
    return _("{label} : {value}").format(label=label, value=value)


def _tick(done: bool) -> str:
    return "[x]" if done else "[ ]"


def _week_line(week: dict, per_week: int, dated: dict[str, int]) -> str:
    made, proven = week["demarches"], week["avec_justificatif"]
    bar = ("#" * min(proven, BAR) + "+" * min(made - proven, BAR - min(proven, BAR))).ljust(BAR)
    flag = ""
    if made == 0:
        flag = "  " + _("← aucune démarche")
    elif proven < per_week:
        flag = "  " + _("← moins de {n} avec justificatif").format(n=per_week)
    matching = dated.get(week["lundi"].isoformat())
    if matching:
        flag += "  " + _("(justificatif à la date concordante : {n})").format(n=matching)
    if week.get("datees_par_un_tiers"):
        flag += "  " + _("(daté par un tiers dans l'heure : {n})").format(
            n=week["datees_par_un_tiers"]
        )
    label = _("semaine du {date} :").format(date=weekday_day(week["lundi"]))
    count = _("{made} ({proven} avec justificatif)").format(made=made, proven=proven)
    return f"  {label:<{LABEL_WIDTH}} {bar} {count}{flag}"


def _attempts_line(status: Status) -> str:
    n, k = status.attempts, status.attempts_with_proof
    first, last = day(status.first_attempt), day(status.last_attempt)
    if not k:
        return ngettext(
            "{n} démarche, dont aucune avec justificatif, du {first} au {last}.",
            "{n} démarches, dont aucune avec justificatif, du {first} au {last}.",
            n,
        ).format(n=n, first=first, last=last)
    return ngettext(
        "{n} démarche, dont {k} avec justificatif, du {first} au {last}.",
        "{n} démarches, dont {k} avec justificatif, du {first} au {last}.",
        n,
    ).format(n=n, k=k, first=first, last=last)


def _weeks_line(status: Status) -> str:
    covered, made, proven = (
        status.weeks_covered,
        status.weeks_with_attempts,
        status.weeks_with_proof,
    )
    days = status.distinct_days
    return _("{covered} ; {with_attempts}, {with_proof} ; {days}.").format(
        covered=ngettext(
            "{n} semaine du lundi au dimanche", "{n} semaines du lundi au dimanche", covered
        ).format(n=covered),
        with_attempts=ngettext(
            "{n} semaine avec au moins une démarche",
            "{n} semaines avec au moins une démarche",
            made,
        ).format(n=made),
        with_proof=ngettext(
            "{n} semaine avec au moins un justificatif",
            "{n} semaines avec au moins un justificatif",
            proven,
        ).format(n=proven),
        days=ngettext("{n} jour différent", "{n} jours différents", days).format(n=days),
    )


def _channels_line(status: Status) -> str:
    each = [
        _("{channel} {n} ({k} avec justificatif)").format(
            channel=c["libelle"], n=c["demarches"], k=c["avec_justificatif"]
        )
        for c in status.channels
    ]
    return _("Par canal : {channels}.").format(channels=_(" ; ").join(each))


def _dating_line(status: Status) -> str | None:
    """Who dates the proofs (``facts.proofs_by_dating``), said as everywhere else."""
    from ..evidence.proofs.dating import dating_text

    return dating_text(status.dating)


def _figures(status: Status) -> list[str]:
    if not status.attempts:
        return [_("Aucune démarche enregistrée pour l'instant.")]
    out = [
        _attempts_line(status),
        _weeks_line(status),
        _channels_line(status),
        *([dating] if (dating := _dating_line(status)) else []),
        "",
        _("Semaine par semaine (# avec justificatif, + sans) :"),
    ]
    dated = status.proofs.get("semaines", {})
    out += [_week_line(w, status.per_week, dated) for w in status.weeks]
    return out


def _advice(status: Status) -> str:
    """The associations' practice and rdvletters' benchmark, below the criteria (the legal
    floor, CE 435594, is the first criterion itself)."""
    weeks, per, have = status.advice_weeks_needed, status.per_week, status.advice_weeks_met
    if status.renewal:
        advice = ngettext(
            "Repère de rdvletters pour un renouvellement : {weeks} semaine (les associations "
            "conseillent une période plus courte que pour une première demande, sans chiffre) "
            "avec au moins {per} démarches justifiées (vous en avez {have}).",
            "Repère de rdvletters pour un renouvellement : {weeks} semaines (les associations "
            "conseillent une période plus courte que pour une première demande, sans chiffre) "
            "avec au moins {per} démarches justifiées (vous en avez {have}).",
            weeks,
        )
    else:
        advice = ngettext(
            "Conseil des associations (note La Cimade / Gisti, 2019) pour une première "
            "demande : au moins deux à trois mois, deux à trois démarches par semaine ; repère "
            "de rdvletters : {weeks} semaine avec au moins {per} démarches justifiées (vous en "
            "avez {have}).",
            "Conseil des associations (note La Cimade / Gisti, 2019) pour une première "
            "demande : au moins deux à trois mois, deux à trois démarches par semaine ; repère "
            "de rdvletters : {weeks} semaines avec au moins {per} démarches justifiées (vous en "
            "avez {have}).",
            weeks,
        )
    return f"  {_tick(status.advice_met)} {advice.format(weeks=weeks, per=per, have=have)} " + _(
        "Ce n'est pas une règle de droit ; une permanence juridique vous dira si c'est le moment."
    )


def _readiness(status: Status) -> list[str]:
    """The référé check, in short: each criterion met or not (details: rdvletters recours
    --check)."""
    check = status.recours
    if not check:
        return []
    out = [_("EST-CE LE MOMENT DE SAISIR LE JUGE ? (rdvletters recours --check)")]
    if check.get("sans_objet"):
        return [*out, f"  → {status.verdict}"]
    out += [
        f"  {tick(c['met'], c['key'])} {_pair(c['name'], c['figure'])}" for c in check["criteres"]
    ]
    return [*out, _advice(status), f"  → {status.verdict}"]


def deadline_lines(rows: list[dict], indent: str = "  ") -> list[str]:
    """Each milestone on two lines: « ATTENTION » when within 30 days or passed, its date
    and how far, what it is; then what it means (in the past tense once passed)."""
    out = []
    for row in rows:
        days = row["jours"]
        if days < 0:
            when = ngettext("passée depuis {n} jour", "passée depuis {n} jours", -days)
        elif days == 0:
            when = _("aujourd'hui")
        else:
            when = ngettext("dans {n} jour", "dans {n} jours", days)
        flag = _("ATTENTION") + " " if row["attention"] else ""
        head = _("{flag}{date} ({when}) – {title}").format(
            flag=flag, date=day(row["date"]), when=when.format(n=abs(days)), title=row["titre"]
        )
        out += [f"{indent}{head}", f"{indent}    {row['sens']}"]
    return out


def _deadlines(status: Status) -> list[str]:
    if not status.deadlines:
        return []
    return ["", _("ÉCHÉANCES"), *deadline_lines(status.deadlines)]


def _lists(status: Status) -> list[str]:
    """Urgency facts, what the dossier lacks, what to know."""
    out = []
    if status.urgency:
        missing = " " + _("(justificatif manquant)")
        out += ["", _("Faits d'urgence notés (vos mots) :")] + [
            f"  - « {u['fait']} »{'' if u['justificatif'] else missing}" for u in status.urgency
        ]
    if status.missing:
        out += ["", _("IL MANQUE AU DOSSIER")] + [f"  - {m}" for m in status.missing]
    if status.doubts:
        out += ["", _("À VÉRIFIER (compté deux fois ?)")] + [f"  - {d}" for d in status.doubts]
    if status.notes:
        out += ["", _("À SAVOIR")] + [f"  - {n}" for n in status.notes]
    return out


def render_status(status: Status, today: date) -> str:
    """The whole status page as text."""
    out = [_("OÙ EN ÊTES-VOUS ?"), ""]
    if status.alerts:
        out += [_("ATTENTION")] + [f"  ! {a}" for a in status.alerts] + [""]
    out += _figures(status)
    out += ["", _("LES ÉTAPES")]
    out += [f"  {_tick(r.done)} {_pair(r.name, r.detail)}" for r in status.ladder]
    out += ["", _("À FAIRE MAINTENANT"), f"  {status.next_step}", ""]
    out += _readiness(status)
    out += _deadlines(status)
    out += _lists(status)
    out += ["", _("Empreinte du journal : {head}").format(head=status.journal_head[:16])]
    if status.proofs.get("horodatage"):
        out.append(_pair(_("Horodatage"), status.proofs["horodatage"]))
    return "\n".join(out) + "\n"
