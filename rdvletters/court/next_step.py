"""The one thing to do now, for ``status`` and for each row of a caseload.

Most urgent first: an obligation to leave France, a missed renewal window, what the
référé check (``readiness``) says closes or presses, the letter before an expiring
permit, this week's attempts and e-mail, the next rung of the route's ladder. A
prepared e-mail or letter that waits is to be marked sent before another is prepared.
"""

from __future__ import annotations

from datetime import date

from ..facts import Facts
from ..i18n import _
from ..localdates import day
from ..profile import Profile
from ..renewal import Renewal, case_renewal
from . import readiness
from .ladder import Rung, Todo, email_todo, letter_todo, this_week_todo
from .readiness import Readiness


def next_step(
    facts: Facts,
    profile: Profile,
    ladder: list[Rung],
    renew: Renewal | None,
    today: date,
    check: Readiness,
) -> Todo:
    """The one thing to do now, most urgent first; what the référé check says last."""
    if profile.demande.oqtf:
        return Todo(
            _(
                "Voyez dès maintenant un avocat ou une permanence juridique (La Cimade, Gisti, "
                "ADDE, LDH…) : une obligation de quitter le territoire change tout."
            )
        )
    if renew is not None and renew.window_missed:
        return Todo(
            _(
                "Allez dès cette semaine voir une permanence juridique : le délai de "
                "renouvellement est passé sans démarche enregistrée à temps."
            )
        )
    if check.closed is not None:
        return Todo(check.closed.said())
    if check.dont_wait:
        return Todo(check.dont_wait_said)
    if check.file_by is not None:
        return Todo(
            _(
                "Voyez une permanence juridique cette semaine : par prudence, déposez la "
                "requête avant le {date}, deux mois après la réception de votre lettre"
            ).format(date=day(check.file_by)),
            "rdvletters recours",
        )
    if check.silence_passed:
        return Todo(
            _(
                "Voyez une permanence juridique ou un avocat avant de déposer la requête : deux "
                "mois sont passés depuis la réception de votre lettre"
            )
        )
    if renew is not None and (renew.expires_soon or renew.expired) and not facts.letters_sent:
        return _mark_sent(facts, "lettre") or Todo(
            _("Envoyez d'abord la lettre recommandée, le titre a expiré")
            if renew.expired
            else _("Envoyez d'abord la lettre recommandée, le titre arrive à échéance"),
            letter_todo().command,
        )
    if check.benchmark.met and check.unmet:
        # the weeks are there: what is missing is the next marker, as the check says
        return _first_unmet(facts, check)
    per_week = profile.seuils.tentatives_par_semaine
    this_week = len(facts.attempts_in_week(today))
    if this_week < per_week:
        return this_week_todo(profile.situation, per_week - this_week)
    if not facts.emails or facts.new_since_last_email:
        return _mark_sent(facts, "courriel") or email_todo()
    for rung in ladder:
        if not rung.done:
            if rung.todo.command == letter_todo().command:
                return _mark_sent(facts, "lettre") or rung.todo
            return rung.todo
    if check.ready:
        return Todo(
            _(
                "Les repères sont réunis : prenez contact avec une permanence juridique (La "
                "Cimade, Gisti, ADDE, LDH…) avec votre dossier"
            ),
            "rdvletters bundle",
        )
    return _first_unmet(facts, check)


def next_step_on(
    profile: Profile, facts: Facts, today: date, root, ladder: list[Rung]
) -> tuple[Todo, Renewal | None]:
    """The next step on ``today`` and the renewal it was judged against, as
    ``compute_status`` finds them, without the rest of the status: a caseload's row shows
    only this (and figures ``facts`` holds), for seven days of a thousand cases. The
    ``ladder`` does not depend on the day: the caller builds it once."""
    renew = case_renewal(profile, facts, today)
    check = readiness.check(profile, facts, today, root)
    return next_step(facts, profile, ladder, renew, today, check), renew


def _first_unmet(facts: Facts, check: Readiness) -> Todo:
    """The first marker the référé check finds missing, said as the check says it (a
    prepared letter waiting: mark it sent)."""
    unmet = check.unmet[0]
    if unmet.key == "lettre" and (waiting := _mark_sent(facts, "lettre")) is not None:
        return waiting
    return Todo(unmet.todo or unmet.name, unmet.command)


def _mark_sent(facts: Facts, kind: str) -> Todo | None:
    """While a prepared e-mail or letter waits, the step is to mark it sent once it has
    gone, not to prepare another."""
    n = facts.waiting(kind)
    if n is None:
        return None
    if kind == "courriel":
        text = _(
            "Marquez le courriel n° {n} comme envoyé (il est préparé : envoyez-le d'abord si "
            "ce n'est pas fait)"
        )
    else:
        text = _(
            "Marquez la lettre n° {n} comme envoyée, avec son numéro de suivi (elle est "
            "préparée : envoyez-la d'abord si ce n'est pas fait)"
        )
    return Todo(text.format(n=n), f"rdvletters sent {n}")
