"""``verify``'s checks of every timestamp token, and what each entry provably dates from.

A token is checked against roots trusted here: the system's trust store, the roots
shipped with the package (FreeTSA's, when the person lists FreeTSA), and the roots the
person designated, kept in their own configuration folder (``timestamp --tsa-cert``, the
user's ``horodatage.yaml``). Nothing in the case folder is trusted for being there (a
case folder is untrusted input: anyone can make a root and a token): a token that
verifies only with a root the case holds (``horodatage/racines/``, a certificate its
own ``horodatage.yaml`` names) is reported as not verified, with that reason; the
fingerprint of the root kept with the token is shown so that it can be compared with
the one the authority publishes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ...case import Case
from ...casepaths import inside, open_regular_fd
from ...frdates import PARIS, date_courte, heure
from ...i18n import N_, _
from ...journal import Entry, JournalState
from .tsa_queue import KIND

ABSENT = N_("absent")  # a token's status when its file is gone (tokens.py has the others)
CLOCK_SLACK = timedelta(minutes=5)
MAX_TOKEN = 1 << 20


@dataclass
class TokenCheck:
    entry: Entry
    status: str
    detail: str
    gen_time: datetime | None
    certificates: list = field(default_factory=list)  # the token's own, for the report

    @property
    def trusted(self) -> bool:
        return self.gen_time is not None


@dataclass
class Checks:
    tokens: list[TokenCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    proven: list[str] = field(default_factory=list)  # per entry: existed at the latest on…

    @property
    def trusted_files(self) -> set[str]:
        """Token files (case-relative) whose token checks out against a trusted root."""
        return {c.entry.data["fichier"] for c in self.tokens if c.trusted}


def read_token_file(path: Path) -> bytes:
    """A token's bytes, from a regular file only, at most ``MAX_TOKEN`` (a FIFO or a huge
    file put in its place is not waited on nor read whole)."""
    import os

    with os.fdopen(open_regular_fd(path, follow=False), "rb") as handle:  # a link: refused
        return handle.read(MAX_TOKEN)


def verify_command(
    tsr: str, digest: str, when: datetime, root: str | None, chain: str | None
) -> str:
    """The ``openssl ts -verify`` line that checks a token without rdvletters."""
    command = f"openssl ts -verify -in {tsr} -digest {digest}"
    if root:
        command += f" -CAfile {root}"
    if chain:
        command += f" -untrusted {chain}"
    return command + f" -attime {int(when.timestamp())}"


def recorded_at(entry: Entry) -> datetime:
    return datetime.fromisoformat(entry.data.get("enregistre_le") or entry.data["date"])


def configured_roots(case: Case) -> dict[str, list]:
    """Authority URL -> the roots trusted for it; under ``""``, the roots the person
    designated (``timestamp --tsa-cert``), kept in their configuration folder. Trust
    comes from the package or the user's configuration, never from the case folder: the
    case's own ``horodatage.yaml`` names only shipped roots (FreeTSA's) here
    (``tsa_settings.trusted_certificates``, which ``status`` judges tokens by too)."""
    from . import tokens
    from .tsa_settings import trusted_certificates, user_roots

    roots: dict[str, list] = {"": user_roots()}
    for url, cert in trusted_certificates(case).items():
        try:
            roots[url] = tokens.load_pem(cert)
        except tokens.TokenError:
            continue
    return roots


def _held_only(case: Case, der: bytes, imprint: str) -> str | None:
    """The case-relative name of a root held only in the case folder with which the token
    verifies, or None: such a token is not verified (anyone can make a root and a token)."""
    from . import tokens
    from .tsa_settings import case_held_roots

    for name, roots in case_held_roots(case):
        if tokens.verify(der, imprint, roots, system=False).valid:
            return name
    return None


def _check_one(
    case: Case, entry: Entry, hashes: dict[int, str], roots: dict[str, list]
) -> TokenCheck:
    from . import tokens

    data = entry.data
    covered = int(data["entree"])
    path = inside(case.root, data["fichier"])  # never a file outside the case
    try:
        if path is None:
            raise FileNotFoundError(data["fichier"])
        der = read_token_file(path)
    except OSError:
        return TokenCheck(
            entry, ABSENT, _("fichier {path} manquant").format(path=data["fichier"]), None
        )
    if hashes.get(covered) != data["empreinte"]:
        return TokenCheck(
            entry,
            tokens.WRONG_IMPRINT,
            _(
                "l'entrée n° {n} ne correspond plus à l'empreinte horodatée "
                "(entrée modifiée après l'horodatage)"
            ).format(n=covered),
            None,
        )
    given = roots.get(str(data.get("tsa")), []) + roots[""]
    verdict = tokens.verify(
        der, data["empreinte"], given, _("racine désignée par la personne (horodatage)")
    )
    try:
        token = tokens.read_token(der)
    except tokens.TokenError:
        token = None
    certificates = token.certificates if token is not None else []
    if not verdict.valid:
        detail = verdict.detail
        if verdict.status == tokens.UNRECOGNISED and (
            held := _held_only(case, der, data["empreinte"])
        ):
            detail = _(
                "non vérifié : le jeton ne se vérifie qu'avec une racine gardée dans le dossier "
                "({root}) ; un dossier ne fait pas autorité. Comparez son empreinte avec celle "
                "que publie l'autorité, puis, si elles sont identiques, copiez-la dans {folder}"
            ).format(root=held, folder=_user_folder())
            return TokenCheck(entry, verdict.status, detail, None, certificates)
        if verdict.status == tokens.UNRECOGNISED and data.get("racine_sha256"):
            detail = _(
                "{detail} ; racine gardée avec le jeton, empreinte {digest}… : absente du "
                "magasin de confiance, à comparer avec celle que publie l'autorité"
            ).format(detail=detail, digest=str(data["racine_sha256"])[:16])
        return TokenCheck(entry, verdict.status, detail, None, certificates)
    gen = datetime.fromisoformat(data["heure_tsa"])
    if token is None or abs((token.gen_time - gen).total_seconds()) > 1:
        return TokenCheck(
            entry, tokens.INVALID, _("heure du journal ≠ heure du jeton"), None, certificates
        )
    return TokenCheck(entry, verdict.status, verdict.detail, gen, certificates)


def _user_folder() -> str:
    from .tsa_settings import user_roots_folder

    return str(user_roots_folder())


def check_tokens(case: Case, state: JournalState | None = None) -> Checks:
    """Every token of the journal, re-checked; then what each entry provably dates from."""
    from . import tokens

    checks = Checks()
    state = state or case.journal.read()
    stamps = [e for e in state.entries if e.kind == KIND]
    if not stamps:
        return checks
    hashes: dict[int, str] = {}
    for entry in state.entries:
        hashes.setdefault(entry.n, entry.digest)
    entries = {e.n: e for e in state.entries}
    roots = configured_roots(case)
    for entry in stamps:
        check = _check_one(case, entry, hashes, roots)
        checks.tokens.append(check)
        said = {
            "n": entry.n,
            "authority": entry.data["autorite"],
            "last": entry.data["entree"],
            "status": _(check.status),
            "detail": check.detail,
        }
        if check.trusted:
            checks.notes.append(
                _("horodatage n° {n} ({authority}) : valide, entrées 1 à {last} ; {detail}").format(
                    **said
                )
            )
            _clock_notes(check, entries, checks)
        elif check.status in (tokens.UNRECOGNISED, tokens.UNCHECKED):
            checks.notes.append(
                _(
                    "horodatage n° {n} ({authority}) : {status} ({detail}) ; non pris en compte"
                ).format(**said)
            )
        else:
            checks.problems.append(
                _("horodatage n° {n} ({authority}) : {status} ({detail})").format(**said)
            )
    checks.proven = _proven(state, checks)
    return checks


def _clock_notes(check: TokenCheck, entries: dict[int, Entry], checks: Checks) -> None:
    """The authority's time against the journal's own times around the covered entry."""
    gen = check.gen_time
    covered = entries.get(int(check.entry.data["entree"]))
    if gen is None or covered is None:
        return
    if covered.when - CLOCK_SLACK > gen:
        checks.problems.append(
            _("entrée n° {n} : datée du {date}, après l'horodatage qui la couvre ({stamp})").format(
                n=covered.n,
                date=f"{covered.when:%d/%m/%Y %H:%M}",
                stamp=f"{gen.astimezone(PARIS):%d/%m/%Y %H:%M}",
            )
        )
    if recorded_at(covered) - CLOCK_SLACK > gen:
        checks.notes.append(
            _(
                "entrée n° {n} : écrite le {date} selon l'ordinateur, après l'heure de "
                "l'autorité : l'horloge de l'ordinateur avançait"
            ).format(n=covered.n, date=f"{recorded_at(covered):%d/%m/%Y %H:%M}")
        )
    if recorded_at(check.entry) + CLOCK_SLACK < gen:
        checks.notes.append(
            _(
                "horodatage n° {n} : noté au journal avant l'heure de l'autorité : "
                "l'horloge de l'ordinateur retardait"
            ).format(n=check.entry.n)
        )


def earliest_by_entry(state: JournalState, checks: Checks) -> dict[int, TokenCheck]:
    """Entry -> the trusted token with the earliest time among those covering it (one pass
    from the end of the journal)."""
    valid = [c for c in checks.tokens if c.gen_time is not None]
    valid.sort(key=lambda c: int(c.entry.data["entree"]), reverse=True)
    out: dict[int, TokenCheck] = {}
    best: TokenCheck | None = None
    i = 0
    for entry in reversed(state.entries):
        while i < len(valid) and int(valid[i].entry.data["entree"]) >= entry.n:
            if best is None or valid[i].gen_time < best.gen_time:  # type: ignore[operator]
                best = valid[i]
            i += 1
        if best is not None:
            out[entry.n] = best
    return out


def _proven(state: JournalState, checks: Checks) -> list[str]:
    """For each step, the earliest trusted token that covers it."""
    earliest = earliest_by_entry(state, checks)
    lines: list[str] = []
    for entry in state.entries:
        if entry.kind == KIND:
            continue
        what = _what(entry)
        best = earliest.get(entry.n)
        if best is None:
            lines.append(_("{what} : pas encore couverte par un horodatage").format(what=what))
            continue
        at = best.gen_time.astimezone(PARIS)  # type: ignore[union-attr]
        lines.append(
            _("{what} : existait au plus tard le {date} à {time}, horodatage {authority}").format(
                what=what,
                date=date_courte(at.date()),
                time=heure(at),
                authority=best.entry.data["autorite"],
            )
        )
    return lines


def _what(entry: Entry) -> str:
    """« entrée n° 4, démarche du 20/11/2026 à 09 h 15 »: said whole, for translators."""
    when = entry.when.astimezone(PARIS)
    said = {
        "n": entry.n,
        "date": date_courte(when.date()),
        "time": heure(when),
        "target": entry.data.get("corrige"),
    }
    if entry.kind == "document":
        return _("entrée n° {n}, document préparé le {date} à {time}").format(**said)
    if entry.kind == "envoi":
        return _("entrée n° {n}, envoi du {date} à {time}").format(**said)
    if entry.kind == "correction":
        return _("entrée n° {n}, correction de l'entrée n° {target} du {date} à {time}").format(
            **said
        )
    return _("entrée n° {n}, démarche du {date} à {time}").format(**said)


def add_checks(case: Case, report: Any, checks: Checks) -> None:
    """For ``verify``: token problems and notes, and the dates they prove per entry.

    The per-entry dates rest on the hash chain; they are given only when the
    journal itself is intact."""
    if not checks.tokens:
        return
    intact = not report.problems
    report.problems += checks.problems
    report.notes += checks.notes
    if intact:
        report.proven += checks.proven
    else:
        report.notes.append(
            _("journal modifié : les dates prouvées par horodatage ne sont pas établies.")
        )
