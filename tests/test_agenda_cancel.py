"""What an appointment or a registration ends leaves the person's calendar too.

A calendar imported by hand (``agenda --ics``) or subscribed (the token address) keeps
every event it was given: an event that simply disappears from the next file stays on the
phone. RFC 5545 withdraws it with the same UID, ``STATUS:CANCELLED`` and a higher
``SEQUENCE``; parsed here with ``icalendar``.
"""

from __future__ import annotations

from datetime import date, datetime

from icalendar import Calendar

from .conftest import NOW
from .test_agenda import subscribed, write

TODAY = datetime.fromisoformat(NOW).date()


def _by_uid(cal: Calendar) -> dict[str, object]:
    found = cal.walk("VEVENT")
    uids = [str(e["uid"]) for e in found]
    assert len(uids) == len(set(uids))  # one entry per UID, never a duplicate
    return {str(e["uid"]): e for e in found}


def _day(event) -> date:
    start = event.decoded("dtstart")
    return start.date() if isinstance(start, datetime) else start


def _cancelled(event) -> bool:
    return str(event.get("status", "")).upper() == "CANCELLED"


def _withdrawn_after(before: dict, after: dict, kinds: tuple[str, ...]) -> None:
    """Every event of ``kinds`` published before, still ahead: cancelled, same UID, higher
    SEQUENCE, its start kept."""
    ahead = [
        uid
        for uid, event in before.items()
        if uid.split(".")[0].startswith(kinds) and _day(event) >= TODAY
    ]
    assert ahead, kinds
    for uid in ahead:
        event = after[uid]
        assert _cancelled(event), uid
        assert int(event["sequence"]) > int(before[uid]["sequence"]), uid
        assert event.decoded("dtstart") == before[uid].decoded("dtstart"), uid


def test_registration_cancels_the_published_attempts_letter_and_judge(case, tmp_path, run):
    path = tmp_path / "agenda.ics"
    before = _by_uid(write(case, path))
    assert not any(_cancelled(e) for e in before.values())
    assert any(uid.startswith("lettre-envoi.") for uid in before)
    result = run("-C", case, "record", "registration", "--at", "2026-11-30 09:00")
    assert result.exit_code == 0, result.output
    after = _by_uid(write(case, path))
    _withdrawn_after(before, after, ("essai-", "courriel-", "lettre-", "defenseur", "juge"))
    # the urgency's date stays, and says what is left to do: the récépissé
    urgency = [e for uid, e in after.items() if uid.startswith("urgence-")]
    assert len(urgency) == 1 and not _cancelled(urgency[0])
    assert "récépissé" in str(urgency[0]["description"])
    # the four months of the implicit refusal are new, and live
    assert any(u.startswith("enregistrement-") and not _cancelled(e) for u, e in after.items())
    # made again: the same cancellations, not duplicated, their SEQUENCE unchanged
    again = _by_uid(write(case, path))
    for uid, event in after.items():
        if _cancelled(event):
            assert _cancelled(again[uid]) and again[uid]["sequence"] == event["sequence"]


def test_a_cancellation_is_sent_while_its_day_is_ahead_only(case, tmp_path, run):
    path = tmp_path / "agenda.ics"
    before = _by_uid(write(case, path))
    run(
        "-C", case, "record", "appointment", "--at", "2026-11-30 09:00", "--announced", "2026-12-10"
    )
    later = "2027-03-01T10:00:00+01:00"  # every withdrawn event's day has passed
    after = _by_uid(write(case, path, now=later))
    assert not [u for u, e in after.items() if _cancelled(e) and u in before]


def test_the_subscribed_calendar_gets_the_cancellations_too(case, run):
    app, __, feed = subscribed(case)
    phone = app.test_client()  # the phone's calendar: no cookie
    before = _by_uid(Calendar.from_ical(phone.get(feed).data))
    assert run("-C", case, "record", "registration", "--at", "2026-11-30 09:00").exit_code == 0
    after = _by_uid(Calendar.from_ical(phone.get(feed).data))
    _withdrawn_after(before, after, ("essai-", "lettre-", "juge"))


def test_the_week_plans_no_attempt_once_registered(case, run):
    from .test_court_review2 import _web_status

    before = run("-C", case, "plan").output
    assert "Essais : 0 noté cette semaine sur 2 conseillés." in before
    assert "Envoyer la lettre recommandée" in before
    assert run("-C", case, "record", "registration", "--at", "2026-11-30 09:00").exit_code == 0
    plan = run("-C", case, "plan").output
    assert "Votre demande est enregistrée depuis le 30 novembre 2026" in plan
    for gone in ("Essais :", "Courriel :", "Envoyer la lettre", "Défenseur", "Essayer le site"):
        assert gone not in plan, gone
    web = _web_status(case)
    assert "Essais notés depuis lundi" not in web and "Essayer le site" not in web
