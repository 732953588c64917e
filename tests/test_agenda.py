"""The week's plan and its calendar: the ICS written by the installed command, parsed
with the icalendar library, across an update and under several stated clocks."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar

from rdvletters.case import Case
from rdvletters.facts import Facts
from rdvletters.frdates import PARIS
from rdvletters.reminders.plan import make_plan
from rdvletters.reminders.slots import monday_of

from .conftest import NOW, edit_profile, journal_lines, run_installed


def write(folder, path, now: str = NOW, lang: str | None = None):
    args = (["--lang", lang] if lang else []) + ["-C", folder, "agenda", "--ics", path]
    done = run_installed(*args, env={"RDVLETTERS_NOW": now})
    assert done.returncode == 0, done.stderr
    return Calendar.from_ical(path.read_bytes())


def events(cal) -> dict[str, object]:
    found = cal.walk("VEVENT")
    uids = Counter(str(e["uid"]) for e in found)
    assert all(n == 1 for n in uids.values()), [u for u, n in uids.items() if n > 1]
    return {str(e["uid"]).split(".")[0]: e for e in found}


def start(event):
    return event.decoded("dtstart")


def alarm(event):
    alarms = [c for c in event.subcomponents if c.name == "VALARM"]
    assert len(alarms) == 1 and str(alarms[0]["action"]) == "DISPLAY"
    return alarms[0].decoded("trigger")


def test_agenda_has_slots_email_and_deadlines_with_alarms(case, tmp_path):
    cal = write(case, tmp_path / "agenda.ics")
    found = events(cal)
    now = datetime.fromisoformat(NOW)
    slots = {k: e for k, e in found.items() if k.startswith("essai-") and "STATUS" not in e}
    # four weeks of two attempts (none noted yet this week): 8 slots, each ahead of now
    assert len(slots) == 8
    for event in slots.values():
        assert start(event) > now and alarm(event) == timedelta(minutes=-15)
        assert "capture" in str(event["description"]) and str(event["url"]).startswith("https://")
    # never twice in a day, and the week's two at different parts of the day
    weeks: dict[date, list[datetime]] = {}
    for event in slots.values():
        weeks.setdefault(monday_of(start(event).date()), []).append(start(event))
    for moments in weeks.values():
        assert len({m.date() for m in moments}) == len(moments)
    emails = [e for k, e in found.items() if k.startswith("courriel-")]
    assert len(emails) == 4 and all(start(e).hour == 10 for e in emails)
    # the urgency date (4 January 2027) as an all-day deadline, reminded at 9:00 the day before
    urgency = next(e for k, e in found.items() if k.startswith("urgence-"))
    assert start(urgency) == date(2027, 1, 4) and alarm(urgency) == timedelta(hours=-15)
    assert str(cal["x-wr-calname"]) == "rdvletters – Aminata"
    text = (tmp_path / "agenda.ics").read_text(encoding="utf-8")
    assert "DIALLO" not in text.upper() and "Bobigny" not in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Paris" in text


def test_an_attempt_noted_moves_the_next_weeks_slots_and_nothing_is_duplicated(case, tmp_path, run):
    path = tmp_path / "agenda.ics"
    before = events(write(case, path))
    next_week = {k: e for k, e in before.items() if k.startswith("essai-2026-W50-")}
    first = min(next_week.values(), key=start)
    moment = start(first) - timedelta(weeks=2)  # the same weekday and hour, in the past
    assert moment < datetime.fromisoformat(NOW)
    done = run("-C", case, "record", "web", "--at", f"{moment:%Y-%m-%d %H:%M}", "-m", "Aucune")
    assert done.exit_code == 0, done.output
    done = run("-C", case, "record", "web", "-m", "Aucune plage horaire libre")
    assert done.exit_code == 0, done.output
    after = events(write(case, path, now=NOW.replace("10:00:00", "10:05:00")))
    # this week: the first slot is kept (cancelled in the calendar), the second still ahead
    assert str(after["essai-2026-W49-1"]["status"]) == "CANCELLED"
    assert "STATUS" not in after["essai-2026-W49-2"]
    # next week: the same events (same UIDs), the first one moved off the covered moment
    moved = {k: e for k, e in after.items() if k.startswith("essai-2026-W50-")}
    assert set(moved) == set(next_week)
    key = str(first["uid"]).split(".")[0]
    old, new = start(first), start(moved[key])
    assert (new.weekday(), new.hour) != (old.weekday(), old.hour)
    assert int(after[key]["sequence"]) > int(first["sequence"])
    assert set(before) <= set(after)  # nothing lost, nothing added under another name


def test_a_file_that_is_not_our_calendar_is_never_overwritten(case, tmp_path):
    other = tmp_path / "notes.ics"
    other.write_text("BEGIN:VCALENDAR\nPRODID:-//autre//\nEND:VCALENDAR\n", encoding="utf-8")
    done = run_installed("-C", case, "agenda", "--ics", other, env={"RDVLETTERS_NOW": NOW})
    assert done.returncode == 5 and "jamais écrasé" in done.stderr
    assert "autre" in other.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("now", "opening_listed"),
    [("2026-11-30T10:00:00+01:00", True), ("2027-01-02T10:00:00+01:00", False)],
)
def test_renewal_window_opening_under_two_clocks(anef_case, tmp_path, now, opening_listed):
    """Expiry moved to 30 April 2027: the ANEF window opens on 31 December 2026 (R. 431-5,
    120 days before). Before it, the calendar has the opening, reminded the day before;
    after it, the opening (stale) is gone and the end of the window is still there."""
    edit_profile(
        anef_case, ("titre_actuel_expire_le: 2027-02-15", "titre_actuel_expire_le: 2027-04-30")
    )
    found = events(write(anef_case, tmp_path / "a.ics", now=now))
    assert ("renouvellement-debut" in found) is opening_listed
    if opening_listed:
        event = found["renouvellement-debut"]
        assert start(event) == date(2026, 12, 31) and alarm(event) == timedelta(hours=-15)
    end = found["renouvellement-fin"]
    assert start(end) == date(2027, 3, 1)
    assert start(found["expiration"]) == date(2027, 4, 30)


def test_expiry_passing_turns_the_meaning_to_the_past(anef_case, tmp_path):
    before = events(write(anef_case, tmp_path / "a.ics", now="2027-02-14T10:00:00+01:00"))
    after = events(write(anef_case, tmp_path / "a.ics", now="2027-02-16T10:00:00+01:00"))
    assert start(before["expiration"]) == start(after["expiration"]) == date(2027, 2, 15)
    assert "expire ce jour-là" in str(before["expiration"]["description"])
    assert "a expiré" in str(after["expiration"]["description"])
    r4318 = after["r431-8"]
    assert start(r4318) == date(2027, 8, 15) and alarm(r4318) == timedelta(hours=-15)
    assert str(before["expiration"]["uid"]) == str(after["expiration"]["uid"])


def test_english_calendar(case, tmp_path):
    cal = write(case, tmp_path / "en.ics", lang="en")
    found = events(cal)
    slot = next(e for k, e in found.items() if k.startswith("essai-") and "STATUS" not in e)
    assert str(slot["summary"]).startswith("Try the")


def test_plan_waits_for_a_date_the_prefecture_announced(case, run):
    done = run(
        "-C", case, "record", "reply", "-m", "Vous serez convoqué", "--announced", "2026-12-18"
    )
    assert done.exit_code == 0, done.output
    c = Case(case)
    plan = make_plan(
        c.load().profile,
        Facts.from_journal(c.journal.read()),
        datetime.fromisoformat(NOW).astimezone(PARIS),
        c.root,
    )
    assert plan.waiting_until == date(2026, 12, 18) and plan.email is None
    letter = next(i for i in plan.ahead if i.kind == "lettre")
    assert letter.day == date(2026, 12, 19)
    assert any("18 décembre 2026" in n and "attendez" in n for n in plan.notes)
    refused = run("-C", case, "record", "web", "--announced", "2026-12-18")
    assert refused.exit_code == 2 and "--announced" in refused.output


def _plan_at(folder, now: str):
    c = Case(folder)
    facts = Facts.from_journal(c.journal.read())
    return make_plan(c.load().profile, facts, datetime.fromisoformat(now), c.root)


def test_the_week_is_worded_by_how_long_it_has_lasted(case):
    """First week, the first weeks, past a month without the letter, the letter gone
    past the benchmark."""
    journal = case / "journal.jsonl"
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    journal.write_text("", encoding="utf-8")
    first = _plan_at(case, "2026-09-14T08:00:00+02:00")
    assert first.week_number == 0 and first.notes[0].startswith("Première semaine : faites 2")
    journal.write_text("".join(lines[:2]), encoding="utf-8")  # two attempts in week 38
    kept = _plan_at(case, "2026-09-18T08:00:00+02:00")
    assert kept.notes[0] == "Semaine 1 : 2 essais notés cette semaine, le rythme est tenu."
    second = _plan_at(case, "2026-09-21T08:00:00+02:00")
    assert second.notes[0].startswith("Semaine 2 : encore 2 essais")
    assert "lettre" not in second.notes[0]
    month = _plan_at(case, "2026-10-12T08:00:00+02:00")
    assert month.notes[0].startswith("Semaine 5 : plus d'un mois sans rendez-vous")
    assert next(i for i in month.ahead if i.kind == "lettre").day == date(2026, 10, 12)
    journal.write_text("".join(lines), encoding="utf-8")
    from rdvletters.documents.pipeline import prepare

    c = Case(case)
    c.record_sent(prepare(c, "lettre", "text").entry.n, c.when(None), "1A12345678901")
    gone = _plan_at(case, "2026-12-01T08:00:00+01:00")
    # past rdvletters' benchmark (eight weeks): keep the difficulty current, see a lawyer
    assert gone.notes[0].startswith("Semaine 12 : 8 semaines de démarches sont passées")
    assert "permanence juridique" in gone.notes[0]
    assert not any(i.kind == "lettre" for i in gone.ahead)


def test_ccc_without_answer_calls_for_a_second_contact(anef_case):
    c = Case(anef_case)
    c.record("ccc", c.when("2026-11-27 09:00"), "Demande d'aide", [], reference="2611-99999")
    said = " ".join(_plan_at(anef_case, "2026-11-30T10:00:00+01:00").notes)
    assert "2611-99999" not in said  # three days: not yet
    said = " ".join(_plan_at(anef_case, "2026-12-08T10:00:00+01:00").notes)
    assert "2611-99999" in said and "depuis 11 jours" in said and "recontactez" in said
    c.record("reply", c.when("2026-11-30 09:30"), "Réponse", [], reference="2611-99999")
    said = " ".join(_plan_at(anef_case, "2026-12-08T10:00:00+01:00").notes)
    assert "2611-99999" not in said


def test_letter_without_receipt_after_ten_days_calls_for_tracking(case, monkeypatch):
    from rdvletters.documents.pipeline import prepare

    c = Case(case)
    prepared = prepare(c, "lettre", "text")
    c.record_sent(prepared.entry.n, c.when(None), "1A12345678901")
    plan = _plan_at(case, "2026-12-05T10:00:00+01:00")
    assert not any("La Poste" in n for n in plan.notes)
    follow = next(i for i in plan.ahead if i.kind == "suivi_lettre")
    assert follow.day == date(2026, 12, 10)
    plan = _plan_at(case, "2026-12-11T10:00:00+01:00")
    note = next(n for n in plan.notes if "La Poste" in n)
    assert "1A12345678901" in note and "11 jours" in note
    monkeypatch.setenv("RDVLETTERS_NOW", "2026-12-11T10:00:00+01:00")  # the AR came later
    c.record("ar", c.when("2026-12-03 12:00"), "", [])
    plan = _plan_at(case, "2026-12-11T10:00:00+01:00")
    assert not any("La Poste" in n for n in plan.notes)
    assert not any(i.kind == "suivi_lettre" for i in plan.ahead)


def test_letter_receipt_and_registration_deadlines_in_the_calendar(case, tmp_path, monkeypatch):
    """The letter's delay, AR + 7 weeks, two months of silence and the implicit refusal
    four months after registration, each a day-before alarm; the AR noted moves them
    under the same UIDs."""
    from rdvletters.documents.pipeline import prepare

    c = Case(case)
    n = prepare(c, "lettre", "text").entry.n
    sent = c.record_sent(n, c.when(None), "1A12345678901").n
    path = tmp_path / "l.ics"
    later = "2026-12-04T10:00:00+01:00"
    before = events(write(case, path, now=later))

    keys = (f"lettre-{sent}-delai", f"lettre-{sent}-sept-semaines", f"lettre-{sent}-deux-mois")
    # no AR yet: the delay counted from fifteen days after posting, the silence from posting
    assert [start(before[k]) for k in keys] == [
        date(2026, 12, 30),
        date(2027, 1, 18),
        date(2027, 1, 30),
    ]
    monkeypatch.setenv("RDVLETTERS_NOW", later)
    c.record("ar", c.when("2026-12-03 12:00"), "", [])
    after = events(write(case, path, now=later.replace("10:00", "10:05")))
    assert [start(after[k]) for k in keys] == [
        date(2026, 12, 18),
        date(2027, 1, 21),
        date(2027, 2, 3),
    ]
    for k in keys:
        assert alarm(after[k]) == timedelta(hours=-15)
        assert str(after[k]["uid"]) == str(before[k]["uid"])
        assert int(after[k]["sequence"]) > int(before[k]["sequence"])
    assert not any(k.startswith("lettre-envoi") for k in after)
    # the demand registered: four months to the implicit refusal (R. 432-2)
    c.record("registration", c.when("2026-12-04 09:00"), "Demande enregistrée", [])
    registered = events(write(case, path, now=later.replace("10:00", "10:10")))
    refusal = next(e for k, e in registered.items() if k.endswith("-quatre-mois"))
    assert start(refusal) == date(2027, 4, 4) and alarm(refusal) == timedelta(hours=-15)
    assert "R. 432-2" in str(refusal["summary"])


def test_profile_opening_hours_are_kept_and_bad_ones_refused(case, tmp_path):
    edit_profile(
        case,
        (
            "  site_rdv:",
            '  horaires_site: ["lun-ven 09:00-16:00"]\n  horaires_guichet: "mar,jeu 9h-12h"\n  site_rdv:',
        ),
    )
    found = events(write(case, tmp_path / "h.ics"))
    for key, event in found.items():
        if key.startswith("essai-") and "STATUS" not in event:
            moment = start(event)
            assert (
                moment.weekday() < 5
                and moment.hour >= 9
                and moment.hour * 60 + moment.minute <= 15 * 60 + 40
            )
    edit_profile(case, ("lun-ven 09:00-16:00", "lun-ven 18:00-16:00"))
    done = run_installed("-C", case, "plan", env={"RDVLETTERS_NOW": NOW})
    assert (
        done.returncode == 2 and "horaires_site" in done.stderr and "Traceback" not in done.stderr
    )


def test_web_record_form_keeps_a_date_the_prefecture_announced(case):
    from .test_web import csrf, make_client

    _app, client = make_client(case)
    base = {
        "csrf": csrf(client, "/c/cas/record"),
        "f-date-day": "27",
        "f-date-month": "11",
        "f-date-year": "2026",
        "time": "09:00",
        "message": "Vous serez convoquée",
        "f-announced-day": "18",
        "f-announced-month": "12",
        "f-announced-year": "2026",
    }
    refused = client.post("/c/cas/record", data={**base, "channel": "web"})
    assert refused.status_code == 400 and 'id="f-announced-day-error"' in refused.get_data(
        as_text=True
    )
    done = client.post("/c/cas/record", data={**base, "channel": "reply"})
    assert done.status_code == 303
    last = journal_lines(case)[-1]
    assert last["canal"] == "reply" and last["date_annoncee"] == "2026-12-18"


def subscribed(case):
    """The local app's client, and the calendar address it makes: (app, client, path)."""
    import re

    from .test_web import csrf, make_client

    app, client = make_client(case)
    made = client.post(
        "/c/cas/agenda", data={"csrf": csrf(client, "/c/cas/agenda"), "action": "new"}
    )
    address = re.search(
        r'id="address" class="wide" readonly value="([^"]+)"', made.get_data(as_text=True)
    )[1]
    return app, client, "/" + address.split("://", 1)[1].split("/", 1)[1]


def test_local_calendar_address_needs_its_token_only_and_is_revocable(case):
    from .test_web import csrf

    app, client, path = subscribed(case)
    stranger = app.test_client()  # a calendar application: no cookie
    feed = stranger.get(path)
    assert feed.status_code == 200 and Calendar.from_ical(feed.data).get("version") == "2.0"
    assert stranger.get(path.replace(".ics", "x.ics")).status_code == 404
    assert stranger.get("/c/cas/agenda.ics").status_code == 403  # the app's pages: the cookie
    assert stranger.get("/c/cas/status").status_code == 403
    assert "jeton_sha256" in (case / "agenda.json").read_text(encoding="utf-8")
    assert path.rsplit("/", 1)[1][:-4] not in (case / "agenda.json").read_text(encoding="utf-8")
    client.post("/c/cas/agenda", data={"csrf": csrf(client, "/c/cas/agenda"), "action": "revoke"})
    assert stranger.get(path).status_code == 404
