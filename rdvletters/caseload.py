"""A volunteer's caseload: one summary per case, kept in a cache file.

Summarising a case reads its profile and journal and computes its status (a few
milliseconds); for a permanence of 1,000 cases that is seconds on every page. Each
summary is kept in one JSON file in the user's cache folder (``platformdirs``), keyed
by the case's fingerprint: the size, modification time and inode of its profile and
journal and the version of rdvletters (a new version may count differently). A case
changed by the CLI, the web app or a text editor gets a new fingerprint and is
summarised again; nothing else is.

The next step is a sentence, in the interface language: a case is summarised in every
language the interface speaks at once (the figures are computed once, the words once per
language), so that another language is not a page with nothing cached.

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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path

from . import __version__, i18n
from .case import JOURNAL, PROFILE, Case
from .errors import RdvError
from .fsutil import private_dir, replace_file
from .lifecycle import MARK
from .overview import CaseSummary, summarize_days

SCHEMA = 3
AHEAD = 7  # days summarised at once: today and the next six
_DATES = {"first_attempt", "birth_date"}


def cache_file(root: Path) -> Path:
    """The cache of the caseload in ``root``: one file per caseload folder."""
    from platformdirs import user_cache_dir

    key = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:20]
    return Path(user_cache_dir("rdvletters")) / "caseload" / f"{key}.json"


def fingerprint(folder: Path) -> str:
    """What the summary depends on, but the date and the language, as a short string."""
    return _mark(_look(os.fspath(folder)))


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


def _mark(stats: tuple[os.stat_result | None, ...]) -> str:
    parts = [f"{SCHEMA}/{__version__}"]
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


def _summary(data: dict, lang: str) -> CaseSummary | None:
    """The row in ``lang`` from its cached form (a field said in words is a mapping of
    language to words); None when the entry lacks that language or a field."""
    values = {}
    for name in _FIELDS:
        value = data.get(name, _FIELDS)
        if isinstance(value, dict):
            value = value.get(lang, _FIELDS)
        if value is _FIELDS:
            return None
        values[name] = date.fromisoformat(value) if name in _DATES and value else value
    return CaseSummary(**values)


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("schema") == SCHEMA else {}


def _offset(entry: dict | None, mark: str, today: date) -> int | None:
    """Which of the entry's days ``today`` is, when the entry is of this fingerprint."""
    if not entry or entry.get("fp") != mark or not isinstance(entry.get("days"), list):
        return None
    try:
        offset = (today - date.fromisoformat(entry["from"])).days
    except (KeyError, TypeError, ValueError):
        return None
    return offset if 0 <= offset < len(entry["days"]) else None


def _cached(entry: dict | None, mark: str, today: date, lang: str) -> CaseSummary | None:
    """Today's row in ``lang`` from a cache entry of the same fingerprint that covers
    today."""
    offset = _offset(entry, mark, today)
    if offset is None:
        return None
    first = entry["days"][0]
    return _summary(first if offset == 0 else {**first, **entry["days"][offset]}, lang)


def _entry(mark: str, today: date, rows: dict[str, list[CaseSummary]]) -> dict:
    """The cache entry of one case: the first day's row, then what differs on each next;
    a field whose words differ by language holds each language's."""
    days = []
    for day in range(len(next(iter(rows.values())))):
        said = {lang: _plain(found[day]) for lang, found in rows.items()}
        merged = {}
        for name in _FIELDS:
            values = {lang: row[name] for lang, row in said.items()}
            same = len(set(values.values())) == 1  # plain values: strings, numbers, None
            merged[name] = next(iter(values.values())) if same else values
        days.append(merged)
    first = days[0]
    later = [{k: v for k, v in day.items() if first[k] != v} for day in days[1:]]
    return {"fp": mark, "from": today.isoformat(), "days": [first, *later]}


def languages(lang: str) -> list[str]:
    """The languages a case is summarised in: every one the interface speaks."""
    return sorted({*i18n.available(), lang})


@dataclass
class _Memo:
    """This process's copy of one cache file, and the rows already made from it: a
    request reads the file again only when another process changed it, and makes a
    case's row again only when its fingerprint or the day changed. The same keys as
    the file's entries, so the copy can never hold a row the file would not give."""

    signature: tuple[int, int, int] | None = None  # the cache file's size, mtime, inode
    cases: dict = field(default_factory=dict)  # the file's entries, as read or written
    rows: dict[str, tuple[str, date, str, CaseSummary]] = field(default_factory=dict)


_MEMOS: dict[Path, _Memo] = {}
_LOCK = threading.Lock()  # one caseload request at a time reads or updates the copy


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


def _current(path: Path) -> _Memo:
    """This process's copy of the cache file, read again if another process changed it
    (called with ``_LOCK`` held)."""
    memo = _MEMOS.get(path)
    signature = _signature(path)
    if memo is None or signature is None or memo.signature != signature:
        memo = _MEMOS[path] = _Memo(signature, _read(path).get("cases", {}))
    return memo


def _listing(cases: Mapping[str, Case | str]) -> Iterator[tuple[str, Case | str, tuple]]:
    """(identifier, case or folder, stats) of each folder that holds a case.

    ``cases`` maps an identifier to its case, or to the path of a folder that may hold
    one (``Registry.folders``): such a folder is kept when it holds a profile or a journal
    (the rule of ``Registry.cases``), seen from the same ``stat`` calls as its fingerprint."""
    for case_id, where in cases.items():
        stats = _look(os.fspath(where.root) if isinstance(where, Case) else where)
        if isinstance(where, Case) or _is_file(stats[0]) or _is_file(stats[1]):
            yield case_id, where, stats


def summaries(
    root: Path, cases: Mapping[str, Case | str], now: datetime, lang: str
) -> list[tuple[str, CaseSummary, bool]]:
    """(identifier, summary, archived) of every case of ``cases`` (see ``_listing``), from
    the cache where it is current; a ``Case`` is made only for a folder that must be
    summarised again."""
    path = cache_file(root)
    with _LOCK:
        memo = _current(path)
        cached = memo.cases
        rows, fresh, changed = [], {}, False
        today = now.date()
        for case_id, where, stats in _listing(cases):
            mark = _mark(stats)
            entry = cached.get(case_id)
            known = memo.rows.get(case_id)
            if known is not None and known[:3] == (mark, today, lang) and entry:
                summary = known[3]
            else:
                summary = _cached(entry, mark, today, lang)
                if summary is None:
                    case = where if isinstance(where, Case) else Case(Path(where))
                    days = summarize_days(case, now, AHEAD, languages(lang))
                    summary, entry, changed = days[lang][0], _entry(mark, today, days), True
                memo.rows[case_id] = (mark, today, lang, summary)
            fresh[case_id] = entry
            rows.append((case_id, summary, _is_file(stats[2])))
        if changed or set(fresh) != set(cached):
            _write(path, fresh)
            memo.cases, memo.signature = fresh, _signature(path)
        return rows


def pending(
    root: Path, cases: Mapping[str, Case | str], now: datetime, langs: Sequence[str]
) -> tuple[int, list[tuple[str, str, str]]]:
    """How many cases ``cases`` holds, and (identifier, folder, fingerprint) of each whose
    cache entry does not give today's row in every language of ``langs``: the work a
    first page would do. The fingerprint is taken before the case is read, so a case
    changed meanwhile is summarised again by the page that finds it changed."""
    with _LOCK:
        cached = _current(cache_file(root)).cases
    today, count, todo = now.date(), 0, []
    for case_id, where, stats in _listing(cases):
        count += 1
        mark, entry = _mark(stats), cached.get(case_id)
        if any(_cached(entry, mark, today, lang) is None for lang in langs):
            folder = os.fspath(where.root) if isinstance(where, Case) else where
            todo.append((case_id, folder, mark))
    return count, todo


def entry_for(
    folder: str, mark: str, now: datetime, langs: Sequence[str], days: int = AHEAD
) -> dict:
    """The cache entry of the case in ``folder`` for ``days`` days from ``now`` on
    (``pending`` gave its fingerprint): what the first page would compute, done ahead."""
    return _entry(mark, now.date(), summarize_days(Case(Path(folder)), now, days, langs))


def store(root: Path, entries: Mapping[str, dict]) -> None:
    """Add entries made ahead to the cache (file and this process's copy)."""
    path = cache_file(root)
    with _LOCK:
        memo = _current(path)
        fresh = {**memo.cases, **entries}
        _write(path, fresh)
        memo.cases, memo.signature = fresh, _signature(path)


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
