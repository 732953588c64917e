"""The case's calendar: its stable identifier, and the token of its subscription link.

``agenda.json`` in the case folder (0600) holds two things:

- ``identifiant``: random, made once; every event's UID ends with it, so a calendar
  that imports the file again, or refreshes a subscription, updates its events;
- ``jeton_sha256``: the fingerprint of the token in the local app's calendar address
  (``/agenda/<case>/<token>.ics``), or null when no address is live. The token itself
  is shown once, when it is made; a new one replaces the old (the old address stops
  working: revoked). It opens the calendar only, never the app (whose token is
  another, made for each run of ``rdvletters web``).

``agenda_publies.json`` (0600, a file of its own, so that keeping it never races with
the token's revocation) holds every event the calendar has published and whose day has
not passed (UID -> its title, start, whether all-day, its SEQUENCE, and whether it was
cancelled): an event that drops out of the plan (the deadlines and attempts an
appointment or a registration ends) comes back as ``STATUS:CANCELLED`` with the same UID
and a higher SEQUENCE, as RFC 5545 wants, so that a calendar imported by hand or
subscribed removes it too.

The association server keeps its calendar tokens in its own database, like the
person's links (``server/reminders_store.py``); it uses the same identifier.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from pathlib import Path

from ..errors import InputError, RdvError
from ..fsutil import read_small, replace_file
from ..i18n import _

FEED_FILE = "agenda.json"
PUBLISHED_FILE = "agenda_publies.json"
ID_BYTES = 9


def _path(root: Path) -> Path:
    return root / FEED_FILE


def _read(root: Path) -> dict:
    path = _path(root)
    if not path.exists():
        return {}
    try:
        data = json.loads(read_small(path).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("identifiant", ""), str):
        raise InputError(
            _("{path} : fichier de l'agenda illisible.").format(path=path),
            hint=_("Supprimez-le : l'agenda sera refait (les abonnements devront être refaits)."),
        )
    return data


def _write(root: Path, data: dict) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    replace_file(_path(root), text.encode("utf-8"))


def calendar_id(root: Path) -> str:
    """The case's calendar identifier, made (and written) at first use."""
    data = _read(root)
    ident = data.get("identifiant")
    if isinstance(ident, str) and ident.isalnum() and len(ident) >= 8:
        return ident
    data["identifiant"] = secrets.token_hex(ID_BYTES)
    data.setdefault("jeton_sha256", None)
    _write(root, data)
    return data["identifiant"]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(root: Path) -> str:
    """A new calendar token for the local app (the previous one stops working)."""
    calendar_id(root)
    data = _read(root)
    token = secrets.token_urlsafe(24)
    data["jeton_sha256"] = token_hash(token)
    _write(root, data)
    return token


def revoke(root: Path) -> bool:
    """No calendar address any more; True when there was one."""
    data = _read(root)
    had = bool(data.get("jeton_sha256"))
    if had:
        data["jeton_sha256"] = None
        _write(root, data)
    return had


def has_token(root: Path) -> bool:
    return bool(_read(root).get("jeton_sha256"))


def token_ok(root: Path, token: str) -> bool:
    """Whether ``token`` is the live calendar token of the case (compared in constant time)."""
    stored = _read(root).get("jeton_sha256")
    if not isinstance(stored, str) or not token or len(token) > 100:
        return False
    return hmac.compare_digest(stored, token_hash(token))


def published(root: Path) -> dict[str, dict]:
    """The events published before, by UID; {} when the file is missing or unreadable
    (the calendar then simply publishes afresh)."""
    path = root / PUBLISHED_FILE
    try:
        found = json.loads(read_small(path, follow=False).decode("utf-8")) if path.exists() else {}
    except (RdvError, OSError, UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {
        uid: event
        for uid, event in found.items()
        if isinstance(uid, str)
        and isinstance(event, dict)
        and isinstance(event.get("debut"), str)
        and isinstance(event.get("sequence"), int)
    }


def remember_published(root: Path, events: dict[str, dict]) -> None:
    """Keep the events now published (written only when they changed)."""
    if published(root) == events:
        return
    text = json.dumps(events, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    replace_file(root / PUBLISHED_FILE, text.encode("utf-8"))
