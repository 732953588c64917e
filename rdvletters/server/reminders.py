"""Reminders on the person's phone (Web Push) or by e-mail, with consent, never twice.

What is stored, and how (README, « Rappels ») — a reminder must go out at its time,
when nobody is signed in and no case key is in memory, so:

- a subscription (``reminder_subs``: the browser's push address and keys, or an e-mail
  address, with the language chosen) and each reminder planned (``reminders``: its
  text) are sealed with the *reminders key*, derived from the server's secret file
  (``data_dir/secret``), not from the database: a copy of the database alone opens
  none of them; the case itself stays sealed under keys the server does not hold;
- the texts say what to do and when, never who: no name, no address, no link token
  (a notification opens the phone's own copy of the person's app);
- reminders are planned (``refresh``) only when the case is open for a request (the
  person's page, a volunteer's page), four weeks ahead at most: a case nobody opens
  stops reminding after that, and reminders never count as activity (retention runs
  as before);
- one row per slot and channel, sent at most once: the row is marked sent in the
  same transaction that claims it, before the push service is called (a failure
  loses that reminder, never sends it twice); a reminder more than ``STALE`` late is
  dropped, not sent late;
- everything goes when the person says stop, when the case is archived, flagged
  inactive or erased (``caseindex.erase``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..case import Case
from ..errors import RdvError
from ..facts import Facts
from ..frdates import PARIS, now_paris
from ..i18n import N_, _, using
from ..reminders import push
from ..reminders.plan import make_plan
from ..reminders.plan_text import slot_action, slot_when, slot_why
from . import audit, keys
from .store import Store, Tx

KINDS = ("push", "email")
STALE = timedelta(hours=6)
WEEKS = 4
SLOT_NOTICE = timedelta(minutes=15)
DEADLINE_HOUR = 9
CHANGES = {  # a volunteer noted this: the person is told
    "reply": N_("Une réponse de la préfecture a été notée dans votre dossier."),
    "appointment": N_("Un rendez-vous a été noté dans votre dossier."),
    "ar": N_("L'avis de réception de votre lettre recommandée a été noté."),
    "registration": N_("L'enregistrement de votre demande a été noté."),
}


def reminders_key(secret: bytes) -> bytes:
    return keys.derived_key(secret, b"rdvletters reminders")


def key_of(config) -> bytes:
    """The reminders key of this server (from its secret file, never stored)."""
    from .setup import load_secret

    return reminders_key(load_secret(config))


def _aad(case_id: str, what: str) -> bytes:
    return f"rdvletters reminder {case_id} {what}".encode()


def _iso(moment: datetime) -> str:
    return moment.astimezone(PARIS).isoformat(timespec="seconds")


# --- subscriptions ---------------------------------------------------------------------
def subscribe(store: Store, key: bytes, case_id: str, kind: str, data: dict, actor: str) -> None:
    """Keep the subscription (one per channel and case: a new one replaces the old)."""
    blob = keys.seal(key, json.dumps(data).encode(), _aad(case_id, f"sub {kind}"))
    with store.transaction() as tx:
        tx.run(
            "INSERT OR REPLACE INTO reminder_subs (case_id, kind, blob, created_at)"
            " VALUES (:c, :k, :b, :n)",
            c=case_id,
            k=kind,
            b=blob,
            n=_iso(now_paris()),
        )
        audit.record(
            tx,
            actor,
            case_id,
            N_("rappels activés sur le téléphone")
            if kind == "push"
            else N_("rappels par courriel activés"),
        )


def stop(store: Store, case_id: str, actor: str, kind: str | None = None) -> bool:
    """No more reminders (of ``kind``, or at all): the subscription and what was planned."""
    with store.transaction() as tx:
        done = _forget(tx, case_id, kind)
        if done:
            audit.record(tx, actor, case_id, N_("rappels arrêtés"))
    return bool(done)


def _forget(tx: Tx, case_id: str, kind: str | None = None) -> int:
    if kind is None:
        tx.run("DELETE FROM reminders WHERE case_id = :c", c=case_id)
        return tx.run("DELETE FROM reminder_subs WHERE case_id = :c", c=case_id)
    tx.run("DELETE FROM reminders WHERE case_id = :c AND kind = :k", c=case_id, k=kind)
    return tx.run("DELETE FROM reminder_subs WHERE case_id = :c AND kind = :k", c=case_id, k=kind)


def forget_case(tx: Tx, case_id: str) -> None:
    """Erasure: subscriptions, reminders and calendar addresses of the case."""
    _forget(tx, case_id)
    tx.run("DELETE FROM calendars WHERE case_id = :c", c=case_id)


def subscriptions(store: Store, key: bytes, case_id: str) -> dict[str, dict]:
    with store.transaction(write=False) as tx:
        rows = tx.rows("SELECT kind, blob FROM reminder_subs WHERE case_id = :c", c=case_id)
    found = {}
    for row in rows:
        try:
            sealed = bytes(row["blob"])
            found[row["kind"]] = json.loads(
                keys.unseal(key, sealed, _aad(case_id, f"sub {row['kind']}"))
            )
        except (keys.SealError, ValueError):
            continue
    return found


def subscribed(store: Store, case_id: str) -> bool:
    with store.transaction(write=False) as tx:
        return tx.one("SELECT 1 AS x FROM reminder_subs WHERE case_id = :c", c=case_id) is not None


# --- what to remind, and when ---------------------------------------------------------------
@dataclass(frozen=True)
class Planned:
    slot: str
    due: datetime
    reminder: push.Reminder


def planned(case: Case, now: datetime) -> list[Planned]:
    """The reminders of the next ``WEEKS`` weeks, in the current language: each attempt
    slot (a quarter of an hour before), the weekly e-mail, each legal milestone (the
    day before at 9:00) and a date the administration announced."""
    profile = case.load().profile
    facts = Facts.from_journal(case.journal.read())
    plan = make_plan(profile, facts, now, case.root, weeks=WEEKS)
    out = []
    for slot in plan.slots + [s for w in plan.later_weeks for s in w.slots]:
        reminder = push.Reminder(
            slot_action(slot, plan.route),
            _("{when} ({why}). Notez-le ensuite dans votre application.").format(
                when=slot_when(slot), why=slot_why(slot)
            ),
            slot.key,
            "#attempt-form",
        )
        out.append(Planned(slot.key, slot.start - SLOT_NOTICE, reminder))
    if plan.email is not None:
        at = datetime.combine(plan.email.day, plan.email.at or datetime.min.time(), PARIS)
        text = _("Envoyez-le, ou demandez-le à la personne qui vous accompagne.")
        out.append(
            Planned(plan.email.key, at, push.Reminder(plan.email.text, text, plan.email.key))
        )
    horizon = now + timedelta(weeks=WEEKS)
    for item in plan.ahead:
        if not item.deadline:
            continue
        at = datetime.combine(item.day - timedelta(days=1), datetime.min.time(), PARIS)
        at = at.replace(hour=DEADLINE_HOUR)
        if now <= at <= horizon:
            body = _("Demain : {what}").format(what=item.detail or item.text)
            out.append(Planned(f"veille-{item.key}", at, push.Reminder(item.text, body, item.key)))
    return [p for p in out if p.due > now - STALE]


def per_week(items: list[Planned]) -> int:
    """The most reminders any one week of ``items`` holds (said on the consent screen)."""
    weeks: dict[tuple[int, int], int] = {}
    for item in items:
        year, week, _day = item.due.isocalendar()
        weeks[(year, week)] = weeks.get((year, week), 0) + 1
    return max(weeks.values(), default=0)


def refresh(store: Store, key: bytes, case_id: str, case: Case, now: datetime | None = None) -> int:
    """Plan the case's reminders again (the journal or the clock moved): unsent rows are
    replaced, sent ones stay (a slot reminded is never reminded again)."""
    subs = subscriptions(store, key, case_id)
    if not subs:
        return 0
    now = now or now_paris()
    count = 0
    for kind, data in subs.items():
        with using(data.get("lang", "fr")):
            try:
                items = planned(case, now)
            except RdvError:  # the profile cannot be read: nothing to plan from
                items = []
        with store.transaction() as tx:
            tx.run(
                "DELETE FROM reminders WHERE case_id = :c AND kind = :k AND sent_at IS NULL"
                " AND slot NOT LIKE :told",
                c=case_id,
                k=kind,
                told=f"{CHANGE_PREFIX}%",
            )
            for item in items:
                count += _insert(tx, key, case_id, kind, item)
    return count


def _insert(tx: Tx, key: bytes, case_id: str, kind: str, item: Planned) -> int:
    """One reminder row, unless that slot already has one (sent or not): never twice."""
    return tx.run(
        "INSERT OR IGNORE INTO reminders (case_id, slot, kind, due_at, blob)"
        " VALUES (:c, :s, :k, :d, :b)",
        c=case_id,
        s=item.slot,
        k=kind,
        d=_iso(item.due),
        b=_seal_reminder(key, case_id, item),
    )


def _seal_reminder(key: bytes, case_id: str, item: Planned) -> bytes:
    r = item.reminder
    data = {"title": r.title, "body": r.body, "tag": r.tag, "url": r.url}
    return keys.seal(key, json.dumps(data).encode(), _aad(case_id, f"slot {item.slot}"))


def notify_now(store: Store, key: bytes, case_id: str, slot: str, reminder: push.Reminder) -> None:
    """A reminder due at once (a change in the case), sent by the next pass, once."""
    item = Planned(slot, now_paris(), reminder)
    with store.transaction() as tx:
        for row in tx.rows("SELECT kind FROM reminder_subs WHERE case_id = :c", c=case_id):
            _insert(tx, key, case_id, row["kind"], item)


CHANGE_PREFIX = "changement-"  # a change told at once: kept when the plan is made again


def changes_told(store: Store, key: bytes, case_id: str, case: Case, after_n: int) -> int:
    """For each reply, appointment, receipt or registration a volunteer noted after entry
    ``after_n``: a reminder to the person, at once. The number planned."""
    subs = subscriptions(store, key, case_id)
    if not subs:
        return 0
    told = 0
    for entry in case.journal.read().entries:
        channel = entry.data.get("canal")
        if entry.n <= after_n or channel not in CHANGES:
            continue
        lang = next(iter(subs.values())).get("lang", "fr")
        with using(lang):
            reminder = push.Reminder(
                _("Du nouveau dans votre dossier"), _(CHANGES[channel]), f"{CHANGE_PREFIX}{entry.n}"
            )
        notify_now(store, key, case_id, f"{CHANGE_PREFIX}{entry.n}", reminder)
        told += 1
    return told
