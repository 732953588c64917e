"""Summaries for a front end: one row per case, one row per prepared document.

A volunteer's list of cases and the documents page need a few facts the CLI
prints one command at a time. They are computed here, from the same profile,
journal and ``compute_status`` as ``status``, so a figure in the web app is the
figure of the CLI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from . import i18n
from .case import Case
from .court.ladder import ladder as route_ladder
from .court.next_step import next_step_on
from .errors import RdvError
from .facts import Facts
from .profile import Profile
from .validation import InvalidData


@dataclass(frozen=True)
class CaseSummary:
    """What a volunteer sees of one case in the list; ``problem`` when it cannot be read."""

    name: str | None
    route: str | None
    first_attempt: date | None
    weeks_with_proof: int
    days_since_last_attempt: int | None
    next_step: str | None
    days_until_expiry: int | None
    problem: str | None = None  # the first line of the error, when the case cannot be read
    problem_count: int = 0  # validation errors of the profile, when that is the reason
    birth_date: date | None = None  # tells two persons of the same name apart
    prefecture: str | None = None
    next_kind: str = ""  # what kind of step is next (``next_kind``), for a filter


def summarize(case: Case, now: datetime) -> CaseSummary:
    """The case's row: the same figures as ``status`` (files are not re-hashed here)."""
    return summarize_days(case, now, 1)[i18n.current()][0]


def summarize_days(
    case: Case, now: datetime, days: int, langs: Sequence[str] = ()
) -> dict[str, list[CaseSummary]]:
    """The case's row now and at the same hour on each of the next ``days - 1`` days, in
    each language of ``langs`` (the active one when none is given), the profile and
    journal read once: a caseload keeps them, so that neither the first page of a new day
    nor a change of language reads every case again.

    The row's figures are those of ``compute_status`` for that day: the weeks and the
    first attempt come from the journal alone, the day counts from the day, and the next
    step is ``next_step.next_step_on``, the very decision ``compute_status`` takes (the
    rest of the status, which the row does not show, is not computed)."""
    langs = tuple(langs) or (i18n.current(),)
    try:
        profile = case.load().profile
        facts = Facts.from_journal(case.journal.read())
    except RdvError as error:
        return {lang: [_broken(case, lang, error)] * days for lang in langs}
    rows = {}
    for lang in langs:
        with i18n.using(lang):
            steps = route_ladder(facts, profile.situation)
            rows[lang] = [
                _row(profile, facts, steps, (now + timedelta(days=day)).date(), case)
                for day in range(days)
            ]
    return rows


def _row(profile: Profile, facts: Facts, steps: list, today: date, case: Case) -> CaseSummary:
    """One day's row, in the active language."""
    step, renew = next_step_on(profile, facts, today, case.root, steps)
    first, last = facts.first_attempt, facts.last_attempt
    return CaseSummary(
        name=profile.demandeur.nom_complet,
        route=profile.situation,
        first_attempt=first.when.date() if first else None,
        weeks_with_proof=facts.weeks_with_proof,
        days_since_last_attempt=(today - last.when.date()).days if last else None,
        next_step=step.text,
        days_until_expiry=renew.days_until_expiry if renew else None,
        birth_date=profile.demandeur.date_naissance,
        prefecture=profile.prefecture.nom,
        next_kind=next_kind(step.command),
    )


def _broken(case: Case, lang: str, error: RdvError) -> CaseSummary:
    """The row of a case that cannot be read: the error's first line, said in ``lang``
    (an error is worded when raised, so the case is read again in that language)."""
    if lang != i18n.current():
        with i18n.using(lang):
            try:
                case.load()
                Facts.from_journal(case.journal.read())
            except RdvError as again:
                error = again
    count = len(error.problems) if isinstance(error, InvalidData) else 0
    first = str(error).splitlines()[0]
    return CaseSummary(None, None, None, 0, None, None, None, first, count, next_kind="profile")


# The command of the next step -> the kind a volunteer filters on (first match wins).
NEXT_KINDS = (
    ("rdvletters record ar", "ar"),
    ("rdvletters record", "record"),
    ("rdvletters sent", "sent"),
    ("rdvletters email", "email"),
    ("rdvletters letter", "letter"),
    ("rdvletters referral", "referral"),
)


def next_kind(command: str) -> str:
    """``record``, ``email``, ``sent``, ``letter``, ``ar``, ``referral`` or ``lawyer`` (see
    a permanence or a lawyer: no command, or the dossier to bring)."""
    return next((kind for prefix, kind in NEXT_KINDS if command.startswith(prefix)), "lawyer")
