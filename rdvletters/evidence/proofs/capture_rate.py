"""At most a few loads of the same site per hour (``captures.json``): a capture is a
person's try, never a robot hammering the préfecture's site."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from ...case import Case
from ...errors import InputError
from ...frdates import PARIS, heure, now_paris
from ...fsutil import open_regular_fd, private_dir, replace_file
from ...i18n import _

MAX_PER_HOUR = 4
STATE_FILE = "captures.json"
STATE_BYTES = 1 << 16


def _state_path(case: Case) -> Path:
    return case.root / STATE_FILE


def _loads(case: Case) -> list[dict[str, str]]:
    """The loads noted, each with a readable date (a hand-edited line is dropped)."""
    path = _state_path(case)
    try:
        with os.fdopen(open_regular_fd(path, follow=False), "rb") as handle:  # no link
            data = json.loads(handle.read(STATE_BYTES))
    except (OSError, ValueError):
        data = {}
    loads = data.get("chargements", []) if isinstance(data, dict) else []
    return [x for x in loads if isinstance(x, dict) and "site" in x and _date(x.get("date"))]


def _date(value: object) -> datetime | None:
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return when if when is not None and when.tzinfo is not None else None


def site_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            _("adresse « {url} » : une adresse http:// ou https:// est attendue.").format(url=url)
        )
    return parts.hostname


def check_rate(case: Case, url: str, now: datetime | None = None) -> None:
    """Refuse a load when the same site was loaded MAX_PER_HOUR times in the last hour."""
    now = now or now_paris()
    site = site_of(url)
    recent = sorted(
        datetime.fromisoformat(x["date"])
        for x in _loads(case)
        if x["site"] == site and now - datetime.fromisoformat(x["date"]) < timedelta(hours=1)
    )
    if len(recent) >= MAX_PER_HOUR:
        again = (recent[0] + timedelta(hours=1)).astimezone(PARIS)
        raise InputError(
            _(
                "déjà {count} captures de {site} depuis une heure : rdvletters n'en fait pas "
                "plus de {max} par heure et par site."
            ).format(count=len(recent), site=site, max=MAX_PER_HOUR),
            hint=_(
                "Réessayez après {time}, à une autre heure de la journée : des essais espacés "
                "sont aussi de meilleures preuves."
            ).format(time=heure(again)),
        )


def note_load(case: Case, url: str, now: datetime | None = None) -> None:
    """Count one load before it happens (a failed load counts too)."""
    now = now or now_paris()
    keep = [x for x in _loads(case) if now - datetime.fromisoformat(x["date"]) < timedelta(days=1)]
    keep.append({"site": site_of(url), "date": now.isoformat(timespec="seconds")})
    path = _state_path(case)
    private_dir(path.parent)
    data = json.dumps({"chargements": keep}, ensure_ascii=False, indent=1)
    replace_file(path, data.encode("utf-8"))
