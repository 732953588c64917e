"""Trusted timestamps (RFC 3161) of the journal's chain head: asking for them, keeping them.

The journal's head (SHA-256 of its last line) fixes every entry before it: a
token from a timestamping authority (TSA) over that head proves that the whole
journal up to that line existed at the authority's time, which its owner cannot
move afterwards. Each token (``horodatage/*.tsr``) is kept with the certificates
it chains to and journaled as a ``horodatage`` entry.

Two ways in:

- ``request``: the person asks (``rdvletters timestamp``), with the settings'
  per-authority delay; when nothing answers, ``TimestampError`` says so;
- ``drain_queue``: with ``horodatage: auto``, every command ends with it, and so
  does each page of the web app and of the association server. It asks, within
  a budget of about a second, the authorities still missing for the last entry
  (at least two independent ones), keeps what came back and leaves the rest for
  the next time. Nothing is ever lost: what waits is said by ``status``.

Settings are in :mod:`.tsa_settings`, the requests in :mod:`.tsa_client`, what
waits in :mod:`.tsa_queue`, the checks ``verify`` runs in :mod:`.stampcheck`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ...case import Case
from ...errors import InputError, RdvError, TimestampError
from ...frdates import PARIS
from ...fsutil import deferred_interrupts, private_dir, sha256_file, write_unique
from ...i18n import _, ngettext
from ...journal import Entry
from ...proofnames import ascii_slug
from ...stampcount import TRUSTED
from . import tsa_queue
from .autostamp import BUDGET, settings_exist
from .tsa_settings import Authority, load_settings

if TYPE_CHECKING:  # the network client (urllib, ssl) loads only when authorities are asked
    from .tsa_client import Obtained

KIND = tsa_queue.KIND
FOLDER = tsa_queue.FOLDER


@dataclass
class Outcome:
    """What a round did: tokens journaled, failures in words, whether something waits.

    ``entries`` holds every token journaled, ``unvouched`` why some of them count for
    nothing (their root only the case's own settings name)."""

    entries: list[Entry] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    waiting: bool = False
    covered: int = 0
    unvouched: list[str] = field(default_factory=list)

    @property
    def trusted(self) -> list[Entry]:
        """The tokens that count: vouched for by a root the person trusts."""
        return [e for e in self.entries if e.data.get("verification") == TRUSTED]

    def said(self) -> str | None:
        """For the person: what was obtained, or that it waits, and why (one line each)."""
        if self.trusted:
            names = ", ".join(e.data["autorite"] for e in self.trusted)
            line = _("journal horodaté (entrées 1 à {last}) par {names}.").format(
                last=self.covered, names=names
            )
            if self.waiting:
                line += " " + _("Une autre autorité sera redemandée à la prochaine commande.")
        elif self.waiting:
            line = _(
                "horodatage en attente : aucune autorité n'a répondu à temps ; il sera "
                "redemandé à la prochaine commande (rdvletters status dit depuis quand)."
            )
            if self.unvouched:
                line = _(
                    "horodatage en attente : aucun jeton vérifié (rdvletters status dit "
                    "depuis quand)."
                )
        else:
            return None
        reasons = self.failures if self.waiting else []
        return "\n".join([line, *(f"  - {r}" for r in [*self.unvouched, *reasons])])


def head_of(case: Case) -> tuple[int, bytes]:
    """(number of the last entry, its line): the line whose SHA-256 is the chain head.

    Read from the end of the journal: the cost does not grow with the journal."""
    tail = case.journal.tail()
    if tail.last is None:
        raise InputError(_("le journal est vide : il n'y a rien à horodater."))
    return tail.last_n, tail.last_line


def _store(case: Case, got: Obtained, covered: int, imprint: str) -> Entry:
    """Write the token and its certificates, then journal them; on any failure (a full
    disk, Ctrl-C before the line is written) the files just written are removed."""
    from . import tokens

    folder = private_dir(case.root / FOLDER)
    when = got.token.gen_time.astimezone(PARIS)
    stem = f"{when:%Y-%m-%d_%H%M%S}_{ascii_slug(got.authority.name, 20)}"
    created: list[Path] = []
    try:
        tsr = write_unique(folder, stem, ".tsr", got.der, created)
        files = []
        chain = [c for c in got.token.certificates if c != got.verdict.root]
        if chain:
            path = write_unique(folder, stem + "_chaine", ".pem", tokens.pem(chain), created)
            files.append((path, "chaîne"))
        if got.verdict.root is not None:
            path = write_unique(
                folder, stem + "_racine", ".pem", tokens.pem([got.verdict.root]), created
            )
            files.append((path, "certificat racine"))
        pieces = [
            {"fichier": p.relative_to(case.root).as_posix(), "original": label,
             "sha256": sha256_file(p)}
            for p, label in files
        ]  # fmt: skip
        description = f"Horodatage du journal (entrées n° 1 à {covered}) par {got.authority.name}"
        if not got.trusted:  # journal data, in French like every description
            description += " (non vérifié : racine nommée seulement par le dossier)"
        with deferred_interrupts():
            return case.journal.append(
                {
                    "type": KIND,
                    "date": when.isoformat(timespec="seconds"),
                    "description": description,
                    "entree": covered,
                    "empreinte": imprint,
                    "algorithme": "sha256",
                    "autorite": got.authority.name,
                    "tsa": got.authority.url,
                    "heure_tsa": got.token.gen_time.isoformat(timespec="seconds"),
                    "numero_serie": got.token.serial,
                    "verification": got.verdict.status,
                    "racine_sha256": got.root_sha256 or None,
                    "fichier": tsr.relative_to(case.root).as_posix(),
                    "sha256": sha256_file(tsr),
                    "pieces": pieces,
                }
            )
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise


def _ask_and_store(
    case: Case,
    authorities: list[Authority],
    needed: int,
    budget: float,
    timeout: float,
    coverage: tsa_queue.Coverage,
) -> Outcome:
    """One round: ask for the current head, keep every independent token obtained, and
    remember what still waits (or that nothing does)."""
    covered, line = head_of(case)
    imprint = hashlib.sha256(line).hexdigest()
    from .tsa_client import ask_many

    asked = ask_many(authorities, line, needed, budget, timeout, coverage.roots)
    outcome = Outcome(failures=asked.failures, covered=covered, unvouched=asked.unvouched)
    outcome.entries = [_store(case, got, covered, imprint) for got in asked.obtained]
    if len(outcome.trusted) >= needed:
        tsa_queue.clear(case)
    else:
        outcome.waiting = True
        tsa_queue.note_waiting(case, coverage.last_step or covered, asked.failures)
    return outcome


def request(
    case: Case, authorities: tuple[Authority, ...] | None = None, timeout: float | None = None
) -> Outcome:
    """The person asks: tokens from the settings' authorities (the minimum of independent
    ones, trying the next on a failure), or from the one given with ``--tsa``.

    When none succeeds the request waits and ``TimestampError`` says why. Tokens already
    stored are never touched."""
    settings = load_settings(case)
    chosen = list(authorities or settings.authorities)
    needed = len(chosen) if authorities else settings.needed
    timeout = timeout or settings.timeout
    case.journal.check_appendable()
    head_of(case)  # an empty journal: said before anything is asked
    # each fallback gets a full delay; the margin lets a timeout be told as such
    budget = timeout * max(1, len(chosen) - needed + 1) + 1
    outcome = _ask_and_store(case, chosen, needed, budget, timeout, tsa_queue.coverage(case))
    if outcome.trusted:
        return outcome
    if outcome.entries:  # kept in the journal, counted by nothing: said as a failure
        raise TimestampError(
            _("aucun jeton vérifié :")
            + "\n  - "
            + "\n  - ".join([*outcome.unvouched, *outcome.failures]),
            hint=ngettext(
                "Le jeton est gardé au journal (entrée n° {numbers}) ; il comptera dès que "
                "sa racine sera parmi celles auxquelles vous faites confiance.",
                "Les jetons sont gardés au journal (entrées n° {numbers}) ; ils compteront "
                "dès que leur racine sera parmi celles auxquelles vous faites confiance.",
                len(outcome.entries),
            ).format(numbers=", ".join(str(e.n) for e in outcome.entries)),
        )
    raise TimestampError(
        _("aucune autorité d'horodatage n'a donné de jeton :")
        + "\n  - "
        + "\n  - ".join(outcome.failures),
        hint=_(
            "La demande est mise en attente (rien n'est perdu) ; relancez "
            "« rdvletters timestamp » quand le réseau revient."
        ),
    )


def drain_queue(case: Case, budget_seconds: float = BUDGET) -> Outcome:
    """Timestamp what waits, within ``budget_seconds``: the one call for the end of every
    command, each page of the web app and the association server.

    Does nothing (and reads almost nothing) unless timestamps are automatic and the
    journal's last entry lacks tokens from enough independent authorities. Never raises
    for the network: a failure is kept in the queue, said by ``status``."""
    if not settings_exist(case):
        return Outcome()
    coverage = tsa_queue.coverage(case)
    if not coverage.last_step:
        return Outcome()
    if coverage.head_is_token and tsa_queue.read_queue(case) is None:
        return Outcome()  # the last round got every token it asked for: nothing waits
    settings = load_settings(case)
    if not settings.automatic:
        return Outcome()
    missing = coverage.missing(settings.needed)
    if not missing:
        tsa_queue.clear(case)
        return Outcome()
    with tsa_queue.drain_lock(case) as mine:
        if not mine:
            return Outcome()
        case.journal.check_appendable()
        others = [a for a in settings.authorities if a.url not in coverage.urls]
        if not others:  # every authority listed has answered for this step: nothing to ask
            return Outcome()  # what still waits stays in the queue, said by ``status``
        return _ask_and_store(case, others, missing, budget_seconds, settings.timeout, coverage)


def drain_said(case: Case, budget_seconds: float = BUDGET) -> str | None:
    """``drain_queue`` for an interface: one line to show, never an exception."""
    try:
        return drain_queue(case, budget_seconds).said()
    except (RdvError, OSError) as exc:
        return _("horodatage automatique impossible : {error}").format(error=exc)
