"""Checking that the journal and its files are as they were written.

Each entry stores the SHA-256 of the line before it (``precedent``), each proof
file and generated document its own SHA-256. Re-reading everything shows an
entry edited, deleted or moved, a file changed or missing, a torn last line.

rdvletters has always written ``precedent`` (with ``enregistre_le``) in every
entry. A journal made elsewhere may start without it: those first entries are
reported as unchained, and the chain starts at the first entry that has the
field. After that, an entry without it had its link removed: tampering.

The chain cannot show what happened at its end (the last entries cut off on a
line boundary, the last one edited, forged ones appended with a recomputed
chain). The journal is therefore compared with every *anchor* of the case
(``anchoring``: the person's own e-mails, dossiers, trusted timestamp tokens;
copies kept elsewhere when given), and the report says up to which entry the
journal is anchored. Tokens are checked first (``stampcheck``): only a token
whose authority is trusted counts as an anchor.

The journal is read once, line by line: memory stays flat whatever its size
(unless the command already parsed it, as ``status`` does, or the journal has
timestamps, whose per-entry dates need every entry).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...case import Case
from ...casepaths import inside, sha256_file
from ...entries import SET_ASIDE, loose_number, read_entry
from ...errors import JournalError
from ...i18n import _, ngettext
from ...journal import GENESIS, JournalState, Lines
from ...journal_file import line_hash
from . import anchoring
from .strays import unnamed

TIMESTAMP_KIND = "horodatage"
LISTED_GAP = 50  # beyond this many missing numbers, a range is given instead of a list


@dataclass
class Report:
    """What ``verify`` found: problems (the journal cannot be trusted as is) and notes."""

    entries: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    head: str = GENESIS
    files_checked: int = 0
    proven: list[str] = field(default_factory=list)  # per entry, from timestamps
    file_problems: list[str] = field(default_factory=list)  # those of ``problems`` on files
    last_n: int = 0
    anchored: int = 0  # the last entry an anchor fixes (0: none)
    last_step: int = 0  # the last entry that is not a timestamp token
    anchors: int = 0  # anchors that hold
    holding: list = field(default_factory=list)  # anchoring.Anchor that hold
    anchor_numbers: dict = field(default_factory=dict)  # Anchor -> entry it fixes
    checks: Any = None  # stampcheck.Checks, when the journal has tokens

    @property
    def ok(self) -> bool:
        return not self.problems


def _files(data: dict) -> list[tuple[str, str]]:
    """(relative path, sha256) of every file an entry vouches for."""
    files = [(p["fichier"], p["sha256"]) for p in data.get("pieces", [])]
    if data.get("fichier") and data.get("sha256"):
        files.append((data["fichier"], data["sha256"]))
    return files


Seen = tuple[int, str, "dict[str, Any] | str", int]


class _Source:
    """The journal's lines as (line, hash of the line, data or what makes it unreadable,
    the number an unreadable line claims)."""

    def __init__(self, path: Path, state: JournalState | None) -> None:
        self.state = state
        self.lines = Lines(path)

    def __iter__(self) -> Iterator[Seen]:
        if self.state is not None:  # a parsed journal: the lines repair set aside apart
            seen: list[Seen] = [(e.line or 0, e.digest, e.data, 0) for e in self.state.entries]
            seen += [(line, digest, "", n) for line, digest, n in self.state.set_aside]
            yield from sorted(seen, key=lambda item: item[0])
            return
        for number, raw in self.lines:
            if raw.strip():
                data = _data(raw)
                claimed = loose_number(raw) if isinstance(data, str) else 0
                yield number, line_hash(raw), data, claimed

    @property
    def torn_line(self) -> int | None:
        return self.state.torn_line if self.state is not None else self.lines.torn_line


def _data(raw: bytes) -> dict[str, Any] | str:
    """A line's entry, or what makes it unreadable (said with the line's number)."""
    data, problem = read_entry(raw)
    return data if data is not None else problem or "illisible"


class _Chain:
    """The checks of one pass over the journal; problems keyed by line for their order."""

    def __init__(self, root: Path, comparison: anchoring.Comparison) -> None:
        self.root = root
        self.comparison = comparison
        self.problems: list[tuple[int, str]] = []
        self.notes: list[str] = []
        self.file_problems: list[str] = []
        self.previous_hash, self.previous_n = GENESIS, 0
        self.chained = False
        self.unchained = 0
        self.entries = 0
        self.files_checked = 0
        self.gaps: list[tuple[int, int, int]] = []  # (line, first missing, last missing)
        self.late: set[int] = set()  # numbers met after a higher one
        self.breaks: list[tuple[int, int, str]] = []  # (line, n, precedent)
        self.stamps = 0
        self.unreadable: list[tuple[int, str, str]] = []  # (line, hash, problem)
        self.set_aside: dict[str, int] = {}  # hash of a line set aside -> repair's entry
        self.named: set[str] = set()  # every file an entry names

    def see(self, number: int, digest: str, data: dict[str, Any] | str, claimed: int) -> None:
        if isinstance(data, str):  # a problem, unless a later repair entry set it aside
            self.unreadable.append((number, digest, data))
            self.previous_hash, self.previous_n = digest, max(self.previous_n, claimed)
            return
        n = int(data["n"])
        self.entries += 1
        self.stamps += data.get("type") == TIMESTAMP_KIND
        if n > self.previous_n + 1:
            self.gaps.append((number, self.previous_n + 1, n - 1))
        if n <= self.previous_n:
            self.late.add(n)
            self._at(number, _("entrée n° {n} hors de sa place").format(n=n))
        self._link(number, n, data)
        self._check_files(number, n, data)
        if data.get("type") == SET_ASIDE:
            self.set_aside.update({item["sha256"]: n for item in data["lignes"]})
        self.comparison.see(n, digest, data)
        self.previous_hash, self.previous_n = digest, max(self.previous_n, n)

    def _link(self, number: int, n: int, data: dict[str, Any]) -> None:
        link = data.get("precedent")
        if link is None:
            if self.chained or "enregistre_le" in data:
                if self.chained:
                    why = _(
                        "entrée n° {n} sans lien « precedent » (les entrées précédentes sont "
                        "chaînées) : lien retiré"
                    )
                else:
                    why = _(
                        "entrée n° {n} sans lien « precedent » (rdvletters l'écrit dans chaque "
                        "entrée) : lien retiré"
                    )
                self._at(number, why.format(n=n))
            else:
                self.unchained += 1
            return
        self.chained = True
        if link != self.previous_hash:
            self.breaks.append((number, n, link))

    def _check_files(self, number: int, n: int, data: dict[str, Any]) -> None:
        for relative, expected in _files(data):
            self.named.add(relative)
            said = self._file_problem(n, relative, expected)
            if said:
                self.problems.append((number, said))
                self.file_problems.append(said)

    def _file_problem(self, n: int, relative: str, expected: str) -> str | None:
        """What is wrong with one file entry ``n`` vouches for, or None. A path that leaves
        the case or goes through a link is never opened nor counted as checked: ``verify``
        is no oracle over the user's other files."""
        path = inside(self.root, relative)
        if path is None:
            return _(
                "entrée n° {n} : chemin {path} hors du dossier ou à travers un lien "
                "symbolique ; fichier non vérifié"
            ).format(n=n, path=relative)
        self.files_checked += 1
        if not path.is_file():
            return _("entrée n° {n} : fichier manquant {path}").format(n=n, path=relative)
        try:
            same = sha256_file(path, follow=False) == expected
        except OSError as exc:  # a FIFO, a file too big: opened without waiting, refused
            return _("entrée n° {n} : fichier {path} illisible ({reason})").format(
                n=n, path=relative, reason=exc.strerror or type(exc).__name__
            )
        return (
            None if same else _("entrée n° {n} : fichier modifié {path}").format(n=n, path=relative)
        )

    def _at(self, line: int, text: str) -> None:
        self.problems.append((line, _("ligne {line} : {problem}").format(line=line, problem=text)))

    def finish(self, source: _Source) -> list[str]:
        """Problems that needed the whole file (deleted, moved), with the others, in order."""
        for number, digest, problem in self.unreadable:
            if digest in self.set_aside:
                self.notes.append(
                    _(
                        "ligne {line} : entrée illisible mise de côté par rdvletters repair "
                        "(entrée n° {n}) ; elle reste dans le journal et n'est plus lue."
                    ).format(line=number, n=self.set_aside[digest])
                )
            else:
                self._at(
                    number,
                    _("entrée illisible, modifiée à la main ? ({problem})").format(problem=problem),
                )
        gone_at: set[int] = set()
        for number, first, last in self.gaps:
            if last - first >= LISTED_GAP * 20:
                self._at(
                    number,
                    _("entrées n° {first} à {last} absentes (supprimées ou modifiées)").format(
                        first=first, last=last
                    ),
                )
                gone_at.add(number)
                continue
            gone = [m for m in range(first, last + 1) if m not in self.late]
            if gone:
                shown = ", ".join(map(str, gone[:LISTED_GAP])) + (
                    "…" if len(gone) > LISTED_GAP else ""
                )
                self._at(
                    number,
                    ngettext(
                        "entrée n° {numbers} supprimée",
                        "entrées n° {numbers} supprimées",
                        len(gone),
                    ).format(numbers=shown),
                )
                gone_at.add(number)
        where = _lines_of({link for *__, link in self.breaks}, source) if self.breaks else {}
        for number, n, link in self.breaks:
            if link in where:
                self._at(
                    number,
                    _("entrée n° {n} déplacée (elle suivait la ligne {line})").format(
                        n=n, line=where[link]
                    ),
                )
            elif number not in gone_at:
                self._at(
                    number - 1,
                    _("l'entrée qui précède l'entrée n° {n} a été modifiée").format(n=n),
                )
        self.problems.sort(key=lambda item: item[0])
        return [text for __, text in self.problems]


def _lines_of(digests: set[str], source: _Source) -> dict[str, int]:
    """Line number of each line whose hash is in ``digests`` (a second pass, only after a
    break in the chain)."""
    found: dict[str, int] = {}
    if source.state is not None:
        for entry in source.state.entries:
            if entry.digest in digests:
                found.setdefault(entry.digest, entry.line or 0)
        return found
    for number, raw in Lines(source.lines.path):
        if raw.strip() and (digest := line_hash(raw)) in digests:
            found.setdefault(digest, number)
    return found


def verify(case: Case, copies: tuple[Path, ...] = ()) -> Report:
    """Re-read the journal and every file it names; compare it with its anchors, and with
    the ``copies`` kept elsewhere (an e-mail as received, a dossier's inventory)."""
    report = Report()
    path = case.journal.path
    if not path.exists():
        report.notes.append(_("journal vide : rien à vérifier."))
        return report
    found, unreadable = anchoring.find(case.root)
    for copy in copies:
        found += anchoring.from_copy(copy)
    comparison = anchoring.Comparison(found)
    state = case.journal.cached()
    if state is None and any(a.n is None for a in found):
        state = _parsed(case)  # timestamps: their dates per entry need every entry
    source = _Source(path, state)
    chain = _Chain(case.root, comparison)
    for seen in source:
        chain.see(*seen)
    problems = chain.finish(source)
    report.notes += chain.notes
    if source.torn_line is not None:
        problems.append(
            _(
                "ligne {line} : dernière ligne incomplète (écriture interrompue) ; "
                "rdvletters repair la met de côté."
            ).format(line=source.torn_line)
        )
    report.problems += problems
    report.file_problems += chain.file_problems
    report.entries, report.files_checked = chain.entries, chain.files_checked
    report.head, report.last_n = chain.previous_hash, comparison.last_n
    if chain.unchained:
        report.notes.append(
            ngettext(
                "{count} entrée écrite avant le chaînage : son contenu et ses fichiers sont "
                "vérifiés, pas son ordre ; le chaînage part de l'entrée suivante.",
                "{count} entrées écrites avant le chaînage : leur contenu et leurs fichiers sont "
                "vérifiés, pas leur ordre ; le chaînage part de l'entrée suivante.",
                chain.unchained,
            ).format(count=chain.unchained)
        )
    report.notes += unnamed(case, chain.named)
    checks = _timestamps(case, report, state) if chain.stamps else None
    _anchor_notes(report, comparison, unreadable, checks)
    if checks is not None:
        from .stampcheck import add_checks

        add_checks(case, report, checks)
    return report


def _parsed(case: Case) -> JournalState | None:
    try:
        return case.journal.read()
    except JournalError:
        return None  # an unreadable line: reported by the pass itself


def _anchor_notes(
    report: Report, comparison: anchoring.Comparison, unreadable: list[str], checks: Any
) -> None:
    outcome = comparison.outcome(checks.trusted_files if checks is not None else set())
    anchored, holding = outcome.anchored, outcome.holding
    report.problems += outcome.problems
    report.notes += unreadable + outcome.notes
    report.anchored, report.anchors, report.holding = anchored, len(holding), holding
    report.last_step = comparison.last_step_n
    report.anchor_numbers = {a: comparison.number_of(a) for a in holding}
    last = report.last_n
    report.notes.append(
        _("empreinte actuelle (entrée n° {n}) : {head}").format(n=last, head=report.head)
    )
    count = len(holding)
    if not outcome.counted and not outcome.problems:
        report.notes.append(
            _(
                "aucune ancre dans le dossier (courriel envoyé, dossier de pièces, horodatage) : "
                "rien ne montrerait que des entrées ont été retirées de la fin du journal, ou la "
                "dernière modifiée. Un courriel envoyé, rdvletters bundle ou rdvletters "
                "timestamp en créent une."
            )
        )
    elif anchored >= last and holding:
        report.notes.append(
            ngettext(
                "journal ancré jusqu'à sa dernière entrée (n° {last}) ; {count} ancre concordante.",
                "journal ancré jusqu'à sa dernière entrée (n° {last}) ; {count} ancres "
                "concordantes.",
                count,
            ).format(last=last, count=count)
        )
    elif anchored and anchored >= comparison.last_step_n:
        report.notes.append(
            ngettext(
                "journal ancré jusqu'à l'entrée n° {anchored} ({count} ancre concordante) ; "
                "les entrées n° {since} à {last} sont ses horodatages, dont le retrait se "
                "verrait (jeton sans entrée).",
                "journal ancré jusqu'à l'entrée n° {anchored} ({count} ancres concordantes) ; "
                "les entrées n° {since} à {last} sont ses horodatages, dont le retrait se "
                "verrait (jeton sans entrée).",
                count,
            ).format(anchored=anchored, count=count, since=anchored + 1, last=last)
        )
    elif anchored:
        report.notes.append(
            ngettext(
                "journal ancré jusqu'à l'entrée n° {anchored} ({count} ancre concordante) ; à "
                "partir de l'entrée n° {since}, il n'est pas ancré : un retrait ou une "
                "modification de ces entrées ne se verrait pas.",
                "journal ancré jusqu'à l'entrée n° {anchored} ({count} ancres concordantes) ; "
                "à partir de l'entrée n° {since}, il n'est pas ancré : un retrait ou une "
                "modification de ces entrées ne se verrait pas.",
                count,
            ).format(anchored=anchored, count=count, since=anchored + 1)
        )
    else:
        report.notes.append(
            _("aucune ancre ne concorde avec le journal : il n'est ancré nulle part.")
        )
    if comparison.anchors and not (anchored >= comparison.last_step_n and holding):
        report.notes.append(
            _(
                "« ancré » veut dire qu'une copie de l'état du journal est gardée hors de votre "
                "contrôle ; pour ancrer les dernières entrées, envoyez le courriel de la "
                "semaine, préparez le dossier de pièces (rdvletters bundle) ou faites-le "
                "horodater (rdvletters timestamp)."
            )
        )


def _timestamps(case: Case, report: Report, state: JournalState | None) -> Any:
    """The tokens' checks (``stampcheck``), or None when the journal cannot be parsed."""
    from .stampcheck import check_tokens  # proof: RFC 3161 tokens, dates they prove

    state = state or _parsed(case)
    if state is None:
        report.notes.append(_("horodatages non vérifiés : le journal a une ligne illisible."))
        return None
    report.checks = check_tokens(case, state)
    return report.checks
