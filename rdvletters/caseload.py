"""A volunteer's caseload: one summary per case, kept in a cache file.

Summarising a case reads its profile and journal and computes its status (a few
milliseconds); for a permanence of 1,000 cases that is seconds on every page. Each
summary is kept in one JSON file in the user's cache folder (``platformdirs``), keyed
by the case's fingerprint: the size, modification time and inode of its profile and
journal, the day (« 3 days ago » changes at midnight), the interface language (the
next step is a sentence) and the version of rdvletters. A case changed by the CLI, the
web app or a text editor gets a new fingerprint and is summarised again; nothing else
is. The cache holds no more than the list shows and is private (0600); deleting it only
costs time. No database to run.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, fields
from datetime import date, datetime
from pathlib import Path

from . import __version__
from .case import JOURNAL, PROFILE, Case
from .errors import RdvError
from .fsutil import private_dir, replace_file
from .lifecycle import MARK, is_archived
from .overview import CaseSummary, summarize

SCHEMA = 1
_DATES = {"first_attempt", "birth_date"}


def cache_file(root: Path) -> Path:
    """The cache of the caseload in ``root``: one file per caseload folder."""
    from platformdirs import user_cache_dir

    key = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:20]
    return Path(user_cache_dir("rdvletters")) / "caseload" / f"{key}.json"


def fingerprint(folder: Path, day: date, lang: str) -> str:
    """What the summary depends on, as a short string."""
    parts = [f"{SCHEMA}/{__version__}/{day.isoformat()}/{lang}"]
    for name in (PROFILE, JOURNAL, MARK):
        try:
            info = os.stat(folder / name)
        except OSError:
            parts.append("-")
        else:
            parts.append(f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}")
    return "|".join(parts)


def _plain(summary: CaseSummary) -> dict:
    data = asdict(summary)
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


def _summary(data: dict) -> CaseSummary | None:
    try:
        values = {f.name: data[f.name] for f in fields(CaseSummary)}
    except KeyError:
        return None
    for key in _DATES:
        if values[key]:
            values[key] = date.fromisoformat(values[key])
    return CaseSummary(**values)


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("schema") == SCHEMA else {}


def summaries(
    root: Path, cases: dict[str, Case], now: datetime, lang: str
) -> list[tuple[str, CaseSummary, bool]]:
    """(identifier, summary, archived) of every case, from the cache where it is current."""
    path = cache_file(root)
    cached = _read(path).get("cases", {})
    rows, fresh, changed = [], {}, False
    for case_id, case in cases.items():
        mark = fingerprint(case.root, now.date(), lang)
        entry = cached.get(case_id)
        summary = _summary(entry["summary"]) if entry and entry.get("fp") == mark else None
        if summary is None:
            summary = summarize(case, now)
            entry, changed = {"fp": mark, "summary": _plain(summary)}, True
        fresh[case_id] = entry
        rows.append((case_id, summary, is_archived(case.root)))
    if changed or set(fresh) != set(cached):
        _write(path, fresh)
    return rows


def _write(path: Path, cases: dict) -> None:
    """Replace the cache file (atomically, owner only); a cache that cannot be written
    only costs time."""
    try:
        private_dir(path.parent, follow=True)  # the user's own cache folder
        replace_file(path, json.dumps({"schema": SCHEMA, "cases": cases}).encode("utf-8"))
    except (OSError, RdvError):  # a full disk, a cache folder made read-only
        pass


def matches(case_id: str, summary: CaseSummary, query: str) -> bool:
    """Search by name, folder, birth date (« 12/04/1990 » or « 1990-04-12 ») or préfecture."""
    words = query.casefold().split()
    birth = summary.birth_date
    haystack = " ".join(
        filter(
            None,
            [
                summary.name,
                case_id,
                summary.prefecture,
                birth.isoformat() if birth else None,
                f"{birth:%d/%m/%Y}" if birth else None,
            ],
        )
    ).casefold()
    return all(word in haystack for word in words)


def select(
    rows: Iterable[tuple[str, CaseSummary, bool]],
    *,
    query: str = "",
    route: str = "",
    next_kind: str = "",
    soon: bool = False,
    archived: bool = False,
) -> list[tuple[str, CaseSummary, bool]]:
    """The rows a volunteer asked for: archived or not, then each filter given."""
    chosen = []
    for case_id, summary, is_arch in rows:
        if is_arch != archived:
            continue
        if query and not matches(case_id, summary, query):
            continue
        if route and summary.route != route:
            continue
        if next_kind and summary.next_kind != next_kind:
            continue
        days = summary.days_until_expiry
        if soon and (days is None or days > 30):
            continue
        chosen.append((case_id, summary, is_arch))
    return chosen
