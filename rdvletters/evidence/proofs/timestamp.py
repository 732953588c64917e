"""Trusted timestamps (RFC 3161) of the journal's chain head.

The journal's head (SHA-256 of its last line) fixes every entry before it:
a token from a timestamping authority (TSA) over that head proves that the
whole journal up to that line existed at the authority's time, which its
owner cannot move afterwards. ``request`` asks each configured authority,
keeps each token (``horodatage/*.tsr``) with the certificates it chains to,
and journals it as a ``horodatage`` entry. When no authority answers (no
network), the request waits in ``horodatage/en_attente.json`` and ``status``
says since when the journal is not timestamped; nothing is ever lost.

``check_tokens`` re-checks every token for ``verify`` and derives, for each
entry, the earliest trusted time at which it provably existed.

Settings (``horodatage.yaml``, case folder first, then the user's folder)::

    horodatage: auto          # auto: after each sending and capture; manuel: on demand
    delai_secondes: 10
    autorites:
      - url: https://tsa.example.org/tsr
        nom: Mon association
        certificat: ca-association.pem   # relative to the settings file
"""

from __future__ import annotations

import hashlib
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from platformdirs import user_config_dir
from pydantic import Field

from ... import __version__
from ...case import Case, ascii_slug
from ...casepaths import STATE, TOKEN, inside, read_bounded, sha256_file
from ...errors import InputError, RdvError, TimestampError
from ...frdates import PARIS, date_courte, heure, now_paris
from ...fsutil import private_dir, replace_file, write_unique
from ...i18n import N_, _, ngettext
from ...journal import Entry, JournalState
from ...localdates import short
from ...localdates import time as time_of
from ...validation import OptText, StrictModel, validate_located
from ...yamlload import load_yaml

CONFIG_NAME = "horodatage.yaml"
FOLDER = "horodatage"
QUEUE = "en_attente.json"
KIND = "horodatage"
ABSENT = N_("absent")  # a token's status when its file is gone (tokens.py has the others)
CLOCK_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class Authority:
    url: str
    name: str
    certificate: Path | None = None  # a CA to trust for this authority's tokens


# Public authorities, free of charge, checked in their own documentation:
# FreeTSA (freetsa.org, "free of charge"; its root ships in anchors/),
# DigiCert (timestamp.digicert.com, given for RFC 3161 in DigiCert's signing guides),
# Sectigo (timestamp.sectigo.com, RFC 3161; asks scripts for 15 s between requests:
# rdvletters sends one request per command).
DEFAULT_AUTHORITIES = (
    Authority("https://freetsa.org/tsr", "FreeTSA"),
    Authority("http://timestamp.digicert.com", "DigiCert"),
    Authority("http://timestamp.sectigo.com", "Sectigo"),
)


class AutoriteConfig(StrictModel):
    url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    nom: OptText = None
    certificat: OptText = None


class TimestampConfig(StrictModel):
    """``horodatage.yaml``."""

    horodatage: Literal["auto", "manuel"] = "manuel"
    delai_secondes: Annotated[int, Field(ge=1, le=120)] = 10
    autorites: list[AutoriteConfig] = []


@dataclass
class Settings:
    automatic: bool = False
    timeout: float = 10.0
    authorities: tuple[Authority, ...] = DEFAULT_AUTHORITIES
    source: Path | None = None


def config_paths(case: Case) -> list[Path]:
    return [case.root / CONFIG_NAME, Path(user_config_dir("rdvletters")) / CONFIG_NAME]


def load_settings(case: Case) -> Settings:
    """The case's settings, else the user's, else the defaults (manual, public TSAs)."""
    for path in config_paths(case):
        if path.exists():
            located = load_yaml(path, follow=path != case.root / CONFIG_NAME)  # the case's: no link
            config = validate_located(TimestampConfig, located, path)
            authorities = tuple(
                Authority(
                    a.url,
                    a.nom or (urlsplit(a.url).hostname or a.url),
                    _config_file(path, a.certificat) if a.certificat else None,
                )
                for a in config.autorites
            )
            return Settings(
                config.horodatage == "auto",
                float(config.delai_secondes),
                authorities or DEFAULT_AUTHORITIES,
                path,
            )
    return Settings()


def _config_file(config: Path, name: str) -> Path:
    path = Path(name).expanduser()
    path = path if path.is_absolute() else config.parent / path
    if not path.is_file():
        raise InputError(
            _("{path}, champ « {field} » : {message}").format(
                path=config,
                field="certificat",
                message=_("fichier {file} introuvable.").format(file=path),
            )
        )
    return path


# --- asking an authority ----------------------------------------------------
@dataclass
class Obtained:
    authority: Authority
    der: bytes
    token: Any  # tokens.Token
    verdict: Any  # tokens.Verdict


@dataclass
class Outcome:
    """What ``request`` did: tokens journaled, failures in words, queued or not."""

    entries: list[Entry] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    queued: bool = False
    covered: int = 0


def _post(url: str, body: bytes, timeout: float) -> bytes:
    request = urllib.request.Request(
        url,
        data=body,
        headers={
            "Content-Type": "application/timestamp-query",
            "Accept": "application/timestamp-reply",
            "User-Agent": f"rdvletters/{__version__} (horodatage RFC 3161)",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
        return response.read(1 << 20)


def _network_failure(exc: BaseException, authority: Authority, timeout: float) -> str:
    name = authority.name
    if isinstance(exc, urllib.error.HTTPError):
        return _("{name} a répondu HTTP {code} ({url})").format(
            name=name, code=exc.code, url=authority.url
        )
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason):
        return _("{name} ne répond pas (délai de {seconds} s dépassé)").format(
            name=name, seconds=f"{timeout:g}"
        )
    return _("{name} injoignable ({url} : {reason})").format(
        name=name, url=authority.url, reason=reason
    )


def ask(authority: Authority, line: bytes, timeout: float) -> Obtained:
    """One request to one authority for the SHA-256 of ``line`` (the journal's last line).

    Raises TimestampError with the reason, in the interface language.
    """
    from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

    from . import tokens

    imprint = hashlib.sha256(line).hexdigest()
    query = TimestampRequestBuilder().data(line).hash_algorithm(HashAlgorithm.SHA256).build()
    body = query.as_bytes()
    try:
        der = _post(authority.url, body, timeout)
    except (urllib.error.URLError, OSError) as exc:
        raise TimestampError(_network_failure(exc, authority, timeout)) from None
    try:
        token = tokens.read_token(der)
    except tokens.TokenError as exc:
        raise TimestampError(
            _("{name} : réponse qui n'est pas un jeton ({error})").format(
                name=authority.name, error=exc
            )
        ) from None
    if token.nonce is not None and query.nonce is not None and token.nonce != query.nonce:
        raise TimestampError(
            _("{name} : réponse à une autre demande (nonce différent)").format(name=authority.name)
        )
    given = tokens.load_pem(authority.certificate) if authority.certificate else []
    origin = _("certificat {path}").format(path=authority.certificate)
    verdict = tokens.verify(der, imprint, given, origin)
    said = {"name": authority.name, "status": _(verdict.status), "detail": verdict.detail}
    if verdict.status in (tokens.WRONG_IMPRINT, tokens.INVALID, tokens.UNREADABLE):
        raise TimestampError(_("{name} : jeton refusé, {status} ({detail})").format(**said))
    if authority.certificate and not verdict.valid:
        raise TimestampError(
            _(
                "{name} : jeton refusé, il n'est pas signé par une autorité issue du "
                "certificat donné ({certificate}) : {status} ({detail})"
            ).format(certificate=authority.certificate.name, **said)
        )
    return Obtained(authority, der, token, verdict)


# --- storing ------------------------------------------------------------------
def head_of(case: Case) -> tuple[int, bytes]:
    """(number of the last entry, its line): the line whose SHA-256 is the chain head.

    Read from the end of the journal: the cost does not grow with the journal."""
    tail = case.journal.tail()
    if tail.last is None:
        raise InputError(_("le journal est vide : il n'y a rien à horodater."))
    return tail.last_n, tail.last_line


def _store(case: Case, got: Obtained, covered: int, imprint: str) -> Entry:
    from . import tokens

    folder = private_dir(case.root / FOLDER)
    when = got.token.gen_time.astimezone(PARIS)
    stem = f"{when:%Y-%m-%d_%H%M%S}_{ascii_slug(got.authority.name, 20)}"
    tsr = write_unique(folder, stem, ".tsr", got.der)
    files = [(tsr, "jeton d'horodatage RFC 3161")]
    chain = [c for c in got.token.certificates if c != got.verdict.root]
    if chain:
        files.append((write_unique(folder, stem + "_chaine", ".pem", tokens.pem(chain)), "chaîne"))
    if got.verdict.root is not None:
        root = write_unique(folder, stem + "_racine", ".pem", tokens.pem([got.verdict.root]))
        files.append((root, "certificat racine"))
    pieces = [
        {
            "fichier": path.relative_to(case.root).as_posix(),
            "original": label,
            "sha256": sha256_file(path),
        }
        for path, label in files[1:]
    ]
    return case.journal.append(
        {
            "type": KIND,
            "date": when.isoformat(timespec="seconds"),
            "description": (
                f"Horodatage du journal (entrées n° 1 à {covered}) par {got.authority.name}"
            ),
            "entree": covered,
            "empreinte": imprint,
            "algorithme": "sha256",
            "autorite": got.authority.name,
            "tsa": got.authority.url,
            "heure_tsa": got.token.gen_time.isoformat(timespec="seconds"),
            "numero_serie": got.token.serial,
            "verification": got.verdict.status,
            "racine_sha256": tokens.fingerprint(got.verdict.root) if got.verdict.root else None,
            "fichier": tsr.relative_to(case.root).as_posix(),
            "sha256": sha256_file(tsr),
            "pieces": pieces,
        }
    )


def request(
    case: Case, authorities: tuple[Authority, ...] | None = None, timeout: float | None = None
) -> Outcome:
    """Ask each authority for a token over the current head; journal each token.

    Failing authorities are reported; when none succeeds the request is queued
    and ``TimestampError`` is raised. Already stored tokens are never touched.
    """
    settings = load_settings(case)
    authorities = authorities or settings.authorities
    timeout = timeout or settings.timeout
    case.journal.check_appendable()
    covered, line = head_of(case)
    imprint = hashlib.sha256(line).hexdigest()
    outcome = Outcome(covered=covered)
    obtained: list[Obtained] = []
    for authority in authorities:
        try:
            obtained.append(ask(authority, line, timeout))
        except TimestampError as exc:
            outcome.failures.append(str(exc))
    for got in obtained:
        if not got.verdict.valid:
            outcome.warnings.append(
                _(
                    "{name} : jeton gardé, mais {status} sur cet ordinateur ({detail}) ; "
                    "ajoutez le certificat de l'autorité dans {file} (champ certificat) pour "
                    "qu'il soit vérifié."
                ).format(
                    name=got.authority.name,
                    status=_(got.verdict.status),
                    detail=got.verdict.detail,
                    file=CONFIG_NAME,
                )
            )
        outcome.entries.append(_store(case, got, covered, imprint))
    if outcome.entries:
        _clear_queue(case)
        return outcome
    _enqueue(case, covered, imprint, outcome.failures)
    outcome.queued = True
    raise TimestampError(
        _("aucune autorité d'horodatage n'a donné de jeton :")
        + "\n  - "
        + "\n  - ".join(outcome.failures),
        hint=_(
            "La demande est mise en attente (rien n'est perdu) ; relancez "
            "« rdvletters timestamp » quand le réseau revient."
        ),
    )


# --- the queue ----------------------------------------------------------------
def queue_path(case: Case) -> Path:
    return case.root / FOLDER / QUEUE


def read_queue(case: Case) -> dict[str, Any] | None:
    path = queue_path(case)
    if not path.exists():
        return None
    try:
        data = json.loads(read_bounded(path, STATE))  # a FIFO, a huge file: unreadable
    except (OSError, ValueError):
        return {"depuis": None, "entree": None}
    return data if isinstance(data, dict) else None


def _write_atomic(path: Path, data: bytes) -> None:
    private_dir(path.parent)
    replace_file(path, data)  # a fresh temporary name: no link left in the way is followed


def _enqueue(case: Case, covered: int, imprint: str, reasons: list[str]) -> None:
    now = now_paris().isoformat(timespec="seconds")
    queue = read_queue(case) or {}
    queue = {
        "depuis": queue.get("depuis") or now,
        "derniere_tentative": now,
        "entree": covered,
        "empreinte": imprint,
        "raisons": reasons,
    }
    _write_atomic(queue_path(case), json.dumps(queue, ensure_ascii=False, indent=1).encode())


def _clear_queue(case: Case) -> None:
    path = queue_path(case)
    if path.exists():
        path.unlink()


def after_step(case: Case) -> str | None:
    """Automatic timestamp after a sending or a capture, when ``horodatage: auto``.

    Never fails the command that called it: returns one line to show the person.
    """
    try:
        settings = load_settings(case)
    except RdvError as exc:
        return _("horodatage automatique impossible : {error}").format(error=exc)
    if not settings.automatic:
        return None
    try:
        outcome = request(case)
    except TimestampError:
        return _(
            "horodatage automatique : aucune autorité n'a répondu ; demande mise en "
            "attente (rdvletters timestamp la relance)."
        )
    except RdvError as exc:
        return _("horodatage automatique impossible : {error}").format(error=exc)
    names = ", ".join(e.data["autorite"] for e in outcome.entries)
    return _("journal horodaté (entrées 1 à {last}) par {names}.").format(
        last=outcome.covered, names=names
    )


# --- status -------------------------------------------------------------------
def _recorded_at(entry: Entry) -> datetime:
    return datetime.fromisoformat(entry.data.get("enregistre_le") or entry.data["date"])


def status_line(case: Case, state: JournalState) -> str | None:
    """One line for ``status``: since when the journal is not timestamped, if it matters."""
    stamps = [e for e in state.entries if e.kind == KIND]
    queue = read_queue(case)
    covered = max((int(e.data["entree"]) for e in stamps), default=0)
    pending = [e for e in state.entries if e.n > covered and e.kind != KIND]
    try:
        automatic = load_settings(case).automatic
    except RdvError:
        automatic = False
    if pending and (queue or stamps or automatic):
        since = _recorded_at(pending[0]).astimezone(PARIS)
        line = ngettext(
            "journal non horodaté depuis le {date} à {time} ({n} entrée à couvrir)",
            "journal non horodaté depuis le {date} à {time} ({n} entrées à couvrir)",
            len(pending),
        ).format(date=short(since.date()), time=time_of(since), n=len(pending))
        if queue and queue.get("depuis"):
            asked = datetime.fromisoformat(queue["depuis"]).astimezone(PARIS)
            line += _(
                " ; demande en attente depuis le {date} à {time} (aucune autorité joignable)"
            ).format(date=short(asked.date()), time=time_of(asked))
        return _("{line} : rdvletters timestamp").format(line=line)
    if stamps:
        last = stamps[-1]
        when = datetime.fromisoformat(last.data["heure_tsa"]).astimezone(PARIS)
        return _(
            "journal horodaté : dernier jeton du {date} à {time} ({authority}), entrées 1 à {last}"
        ).format(
            date=short(when.date()),
            time=time_of(when),
            authority=last.data["autorite"],
            last=last.data["entree"],
        )
    return None


# --- verification ---------------------------------------------------------------
@dataclass
class TokenCheck:
    entry: Entry
    status: str
    detail: str
    gen_time: datetime | None


@dataclass
class Checks:
    tokens: list[TokenCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    proven: list[str] = field(default_factory=list)  # per entry: existed at the latest on…


def _line_hashes(state: JournalState) -> tuple[dict[int, str], dict[int, Entry]]:
    hashes: dict[int, str] = {}
    for entry in state.entries:
        hashes.setdefault(entry.n, entry.digest)
    return hashes, {e.n: e for e in state.entries}


def _check_one(case: Case, entry: Entry, hashes: dict[int, str]) -> TokenCheck:
    from . import tokens

    data = entry.data
    covered = int(data["entree"])
    path = inside(case.root, data["fichier"])
    if path is None or not path.is_file():
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
    given: list = []
    for piece in data.get("pieces", []):
        piece_path = inside(case.root, piece["fichier"])
        root = piece["original"] == "certificat racine" and piece_path and piece_path.is_file()
        try:
            kept = root and sha256_file(piece_path, TOKEN, follow=False) == piece["sha256"]
        except OSError:  # a FIFO, a huge file: not the root that was kept
            kept = False
        if kept:
            given += tokens.load_pem(piece_path)
    try:
        der = read_bounded(path, TOKEN)  # a FIFO would wait, a 3 GB file fill the memory
    except OSError as exc:
        return TokenCheck(entry, tokens.INVALID, exc.strerror or type(exc).__name__, None)
    verdict = tokens.verify(
        der,
        data["empreinte"],
        given,
        _(
            "certificat gardé avec le jeton : comparez son empreinte avec celle que publie "
            "l'autorité"
        ),
    )
    gen = datetime.fromisoformat(data["heure_tsa"]) if verdict.valid else None
    if verdict.valid:
        actual = tokens.read_token(der).gen_time
        if abs((actual - gen).total_seconds()) > 1:
            return TokenCheck(entry, tokens.INVALID, _("heure du journal ≠ heure du jeton"), None)
    return TokenCheck(entry, verdict.status, verdict.detail, gen)


def check_tokens(case: Case, state: JournalState | None = None) -> Checks:
    """Every token of the journal, re-checked; then what each entry provably dates from."""
    from . import tokens

    checks = Checks()
    state = state or case.journal.read()
    stamps = [e for e in state.entries if e.kind == KIND]
    if not stamps:
        return checks
    hashes, entries = _line_hashes(state)
    for entry in stamps:
        check = _check_one(case, entry, hashes)
        checks.tokens.append(check)
        said = {
            "n": entry.n,
            "authority": entry.data["autorite"],
            "last": entry.data["entree"],
            "status": _(check.status),
            "detail": check.detail,
        }
        if check.status == tokens.VALID:
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
    if _recorded_at(covered) - CLOCK_SLACK > gen:
        checks.notes.append(
            _(
                "entrée n° {n} : écrite le {date} selon l'ordinateur, après l'heure de "
                "l'autorité : l'horloge de l'ordinateur avançait"
            ).format(n=covered.n, date=f"{_recorded_at(covered):%d/%m/%Y %H:%M}")
        )
    if _recorded_at(check.entry) + CLOCK_SLACK < gen:
        checks.notes.append(
            _(
                "horodatage n° {n} : noté au journal avant l'heure de l'autorité : "
                "l'horloge de l'ordinateur retardait"
            ).format(n=check.entry.n)
        )


def _proven(state: JournalState, checks: Checks) -> list[str]:
    """For each step, the earliest valid token that covers it."""
    valid = sorted(
        (c for c in checks.tokens if c.gen_time is not None),
        key=lambda c: c.gen_time,  # type: ignore[arg-type, return-value]
    )
    lines = []
    for entry in state.entries:
        if entry.kind == KIND:
            continue
        first = next((c for c in valid if int(c.entry.data["entree"]) >= entry.n), None)
        what = _what(entry)
        if first is None:
            lines.append(_("{what} : pas encore couverte par un horodatage").format(what=what))
            continue
        at = first.gen_time.astimezone(PARIS)  # type: ignore[union-attr]
        lines.append(
            _("{what} : existait au plus tard le {date} à {time}, horodatage {authority}").format(
                what=what,
                date=date_courte(at.date()),
                time=heure(at),
                authority=first.entry.data["autorite"],
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


def add_checks(case: Case, report: Any, state: JournalState | None = None) -> None:
    """For ``verify``: token problems and notes, and the dates they prove per entry.

    The per-entry dates rest on the hash chain; they are given only when the
    journal itself is intact.
    """
    checks = check_tokens(case, state)
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
