"""A volunteer's caseload: one summary per case, kept in a cache file.

Summarising a case reads its profile and journal and computes its status (a few
milliseconds); for a permanence of 1,000 cases that is seconds on every page. Each
summary is kept in one JSON file in the user's cache folder (``platformdirs``), keyed
by the case's fingerprint: the size, modification time and inode of its profile and
journal, the interface language (the next step is a sentence) and the version of
rdvletters. A case changed by the CLI, the web app or a text editor gets a new
fingerprint and is summarised again; nothing else is.

The row changes with the date too (« 3 days ago », the next step when a time limit
passes). So a case is summarised for today and for each of the next ``AHEAD - 1``
days at once, while its profile and journal are read (``overview.summarize_days``):
each day's figures are computed for that day, and kept as what differs from the
first. The first page of a new day is then read from the cache; a case untouched
for ``AHEAD`` days is summarised again. The cache holds no more than the list shows
and is private (0600); deleting it only costs time. No database to run.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path

from . import __version__
from .case import JOURNAL, PROFILE, Case
from .errors import RdvError
from .fsutil import private_dir, replace_file
from .lifecycle import MARK
from .overview import CaseSummary, summarize_days

SCHEMA = 2
AHEAD = 7  # days summarised at once: today and the next six
_DATES = {"first_attempt", "birth_date"}


def cache_file(root: Path) -> Path:
    """The cache of the caseload in ``root``: one file per caseload folder."""
    from platformdirs import user_cache_dir

    key = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:20]
    return Path(user_cache_dir("rdvletters")) / "caseload" / f"{key}.json"


def fingerprint(folder: Path, lang: str) -> str:
    """What the summary depends on, but the date, as a short string."""
    return _mark(_look(os.fspath(folder)), lang)


def _look(folder: str) -> tuple[os.stat_result | None, ...]:
    """One ``stat`` of each file a row depends on (profile, journal, archive mark): the
    fingerprint, whether the folder holds a case and whether it is archived all come
    from these (a path string: a thousand ``Path`` objects cost more than the stats)."""
    found = []
    for name in (PROFILE, JOURNAL, MARK):
        try:
            found.append(os.stat(f"{folder}{os.sep}{name}"))
        except OSError:
            found.append(None)
    return tuple(found)


def _mark(stats: tuple[os.stat_result | None, ...], lang: str) -> str:
    parts = [f"{SCHEMA}/{__version__}/{lang}"]
    for info in stats:
        parts.append("-" if info is None else f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}")
    return "|".join(parts)


def _is_file(info: os.stat_result | None) -> bool:
    return info is not None and stat.S_ISREG(info.st_mode)


_FIELDS = tuple(f.name for f in fields(CaseSummary))


def _plain(summary: CaseSummary) -> dict:
    """The row as JSON data (its fields are plain values and dates: no deep copy)."""
    data = {name: getattr(summary, name) for name in _FIELDS}
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


def _summary(data: dict) -> CaseSummary | None:
    try:
        values = {name: data[name] for name in _FIELDS}
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


def _cached(entry: dict | None, mark: str, today: date) -> CaseSummary | None:
    """Today's row from a cache entry of the same fingerprint that covers today."""
    if not entry or entry.get("fp") != mark or not isinstance(entry.get("days"), list):
        return None
    try:
        offset = (today - date.fromisoformat(entry["from"])).days
    except (KeyError, TypeError, ValueError):
        return None
    if not 0 <= offset < len(entry["days"]):
        return None
    first = entry["days"][0]
    return _summary(first if offset == 0 else {**first, **entry["days"][offset]})


def _entry(mark: str, today: date, rows: list[CaseSummary]) -> dict:
    """The cache entry of one case: the first day's row, then what differs on each next."""
    first = _plain(rows[0])
    later = [{k: v for k, v in _plain(r).items() if first[k] != v} for r in rows[1:]]
    return {"fp": mark, "from": today.isoformat(), "days": [first, *later]}


@dataclass
class _Memo:
    """This process's copy of one cache file, and the rows already made from it: a
    request reads the file again only when another process changed it, and makes a
    case's row again only when its fingerprint or the day changed. The same keys as
    the file's entries, so the copy can never hold a row the file would not give."""

    signature: tuple[int, int, int] | None = None  # the cache file's size, mtime, inode
    cases: dict = field(default_factory=dict)  # the file's entries, as read or written
    rows: dict[str, tuple[str, date, CaseSummary]] = field(default_factory=dict)


_MEMOS: dict[Path, _Memo] = {}
_LOCK = threading.Lock()  # one caseload request at a time reads or updates the copy


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


def summaries(
    root: Path, cases: Mapping[str, Case | str], now: datetime, lang: str
) -> list[tuple[str, CaseSummary, bool]]:
    """(identifier, summary, archived) of every case, from the cache where it is current.

    ``cases`` maps an identifier to its case, or to the path of a folder that may hold
    one (``Registry.folders``): such a folder is kept when it holds a profile or a journal
    (the rule of ``Registry.cases``), seen from the same ``stat`` calls as its fingerprint;
    a ``Case`` is made only for a folder that must be summarised again."""
    path = cache_file(root)
    with _LOCK:
        memo = _MEMOS.get(path)
        signature = _signature(path)
        if memo is None or signature is None or memo.signature != signature:
            memo = _MEMOS[path] = _Memo(signature, _read(path).get("cases", {}))
        cached = memo.cases
        rows, fresh, changed = [], {}, False
        today = now.date()
        for case_id, where in cases.items():
            folder = os.fspath(where.root) if isinstance(where, Case) else where
            stats = _look(folder)
            if not isinstance(where, Case) and not (_is_file(stats[0]) or _is_file(stats[1])):
                continue  # a folder without a profile or a journal is not a case
            mark = _mark(stats, lang)
            entry = cached.get(case_id)
            known = memo.rows.get(case_id)
            if known is not None and known[0] == mark and known[1] == today and entry:
                summary = known[2]
            else:
                summary = _cached(entry, mark, today)
                if summary is None:
                    case = where if isinstance(where, Case) else Case(Path(where))
                    days = summarize_days(case, now, AHEAD)
                    summary, entry, changed = days[0], _entry(mark, today, days), True
                memo.rows[case_id] = (mark, today, summary)
            fresh[case_id] = entry
            rows.append((case_id, summary, _is_file(stats[2])))
        if changed or set(fresh) != set(cached):
            _write(path, fresh)
            memo.cases, memo.signature = fresh, _signature(path)
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
