"""Sending the reminders that are due: by Web Push, or by e-mail when the server has SMTP.

``send_due`` runs every minute in the jobs thread. Each due row is claimed by marking
it sent (``UPDATE … WHERE sent_at IS NULL``: only one pass can claim it), then sent:
at most once. A case archived, flagged inactive or erased loses its reminders first.
A push service that says the subscription is gone (404, 410) has it forgotten.
"""

from __future__ import annotations

import json
import smtplib
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from ..frdates import now_paris
from ..i18n import N_, _, using
from ..reminders import push
from . import audit, keys
from .config import ServerConfig
from .reminders import STALE, _aad, _forget, _iso, key_of, subscriptions
from .store import Store


@dataclass
class Sent:
    push: int = 0
    email: int = 0
    dropped: int = 0  # too late, or the case no longer reminds
    failed: int = 0
    cases: set[str] = field(default_factory=set)


def _stopped_cases(store: Store) -> None:
    """Cases archived, flagged or erased keep no reminder."""
    with store.transaction() as tx:
        rows = tx.rows(
            "SELECT DISTINCT s.case_id FROM reminder_subs s JOIN cases c ON c.id = s.case_id"
            " WHERE c.archived_at IS NOT NULL OR c.flagged_at IS NOT NULL"
            " OR c.erased_at IS NOT NULL"
        )
        for row in rows:
            _forget(tx, row["case_id"])
            audit.record(tx, audit.SYSTEM_ACTOR, row["case_id"], N_("rappels arrêtés"))


def _claim(store: Store, now: datetime) -> list[dict]:
    """The rows due now, marked sent in the same transaction; too-late ones dropped."""
    with store.transaction() as tx:
        due = tx.rows(
            "SELECT case_id, slot, kind, due_at, blob FROM reminders"
            " WHERE sent_at IS NULL AND due_at <= :n",
            n=_iso(now),
        )
        for row in due:
            tx.run(
                "UPDATE reminders SET sent_at = :n WHERE case_id = :c AND slot = :s"
                " AND kind = :k AND sent_at IS NULL",
                n=_iso(now),
                c=row["case_id"],
                s=row["slot"],
                k=row["kind"],
            )
    return due


def _open(key: bytes, row: dict) -> push.Reminder | None:
    try:
        data = json.loads(
            keys.unseal(key, bytes(row["blob"]), _aad(row["case_id"], f"slot {row['slot']}"))
        )
    except (keys.SealError, ValueError):
        return None
    return push.Reminder(data["title"], data["body"], data["tag"], data.get("url", ""))


def send_mail(config: ServerConfig, to: str, reminder: push.Reminder, lang: str) -> None:
    """One reminder by e-mail, through the server's SMTP (``[reminders] smtp_*``)."""
    with using(lang):
        message = EmailMessage()
        message["From"] = config.smtp_from or ""
        message["To"] = to
        message["Subject"] = _("Rappel : {title}").format(title=reminder.title)
        message["Date"] = format_datetime(now_paris())
        message["Message-ID"] = make_msgid(domain="rdvletters")
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(
            reminder.body
            + "\n\n"
            + _(
                "Pour ne plus recevoir ces rappels, dites-le à la personne qui vous accompagne, "
                "ou ouvrez votre lien rdvletters, rubrique « Rappels »."
            )
            + "\n"
        )
    with smtplib.SMTP(config.smtp_host or "", config.smtp_port, timeout=20) as smtp:
        if config.smtp_starttls:
            smtp.starttls()
        smtp.send_message(message)


def send_due(ctx, now: datetime | None = None) -> Sent:
    """Send every reminder due; what was done, in figures (no content)."""
    store, config = ctx.store, ctx.config
    now = now or now_paris()
    done = Sent()
    _stopped_cases(store)
    key = key_of(config)
    vapid = None
    for row in _claim(store, now):
        reminder = _open(key, row)
        if reminder is None or datetime.fromisoformat(row["due_at"]) < now - STALE:
            done.dropped += 1
            continue
        sub = subscriptions(store, key, row["case_id"]).get(row["kind"])
        if sub is None:
            done.dropped += 1
            continue
        try:
            if row["kind"] == "push":
                vapid = vapid or push.vapid(config.vapid_key_path)
                push.send(sub["subscription"], reminder, vapid, config.push_contact)
                done.push += 1
            elif config.smtp_host and config.smtp_from:
                send_mail(config, sub["address"], reminder, sub.get("lang", "fr"))
                done.email += 1
            else:
                done.dropped += 1
                continue
            done.cases.add(row["case_id"])
        except push.PushGone:
            with store.transaction() as tx:
                _forget(tx, row["case_id"], "push")
                audit.record(tx, audit.SYSTEM_ACTOR, row["case_id"], N_("rappels arrêtés"))
            done.failed += 1
        except (push.PushFailed, OSError, smtplib.SMTPException):
            done.failed += 1
    return done
