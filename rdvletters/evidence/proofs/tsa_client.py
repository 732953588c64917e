"""Asking timestamping authorities for tokens, within a time budget.

``ask`` sends one RFC 3161 request (the SHA-256 of one journal line, nothing
else) and checks the answer: same imprint, signature holding, signer chained to
a trusted root. A token that does not chain to a trusted root is refused: it
would be one more date set by someone nobody can vouch for.

``ask_many`` asks several authorities at once, each in its own thread, and
stops when enough independent ones (distinct roots) have answered or when the
budget is spent: a command never waits longer than its budget, and an authority
that is still thinking is simply left for the next time.
"""

from __future__ import annotations

import hashlib
import queue
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from ... import __version__
from ...errors import TimestampError
from ...i18n import _
from .tsa_settings import Authority

MAX_REPLY = 1 << 20  # a token is a few kilobytes
LATE_MARGIN = 0.5  # seconds a request may outlive its round's budget (its answer unused)


@dataclass
class Obtained:
    authority: Authority
    der: bytes
    token: Any  # tokens.Token
    verdict: Any  # tokens.Verdict

    @property
    def trusted(self) -> bool:
        """Vouched for by a root the person trusts (not only one the case names)."""
        return self.verdict.valid

    @property
    def root_sha256(self) -> str:
        from .tokens import fingerprint

        return fingerprint(self.verdict.root) if self.verdict.root is not None else ""


@dataclass
class Asked:
    """What a round of requests gave: tokens, failures in words, authorities left."""

    obtained: list[Obtained] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    left: list[Authority] = field(default_factory=list)  # not asked, or not answered in time
    unvouched: list[str] = field(default_factory=list)  # tokens kept, not counted: why

    @property
    def trusted(self) -> list[Obtained]:
        return [got for got in self.obtained if got.trusted]


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
        return response.read(MAX_REPLY)


def _network_failure(exc: BaseException, authority: Authority, timeout: float) -> str:
    name = authority.name
    if isinstance(exc, urllib.error.HTTPError):
        return _("{name} a répondu HTTP {code} ({url})").format(
            name=name, code=exc.code, url=authority.url
        )
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason):
        return _("{name} ne répond pas (délai de {seconds} s dépassé)").format(
            name=name, seconds=f"{round(timeout, 1):g}"
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
    try:
        der = _post(authority.url, query.as_bytes(), timeout)
    except (urllib.error.URLError, OSError, ValueError) as exc:
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
    pinned = authority.certificate is not None  # that root only, for that authority
    verdict = tokens.verify(der, imprint, given, origin, system=not pinned)
    said = {"name": authority.name, "status": _(verdict.status), "detail": verdict.detail}
    if pinned and verdict.status == tokens.UNRECOGNISED:
        raise TimestampError(
            _(
                "{name} : jeton refusé, il n'est pas signé par une autorité issue du "
                "certificat donné ({certificate}) : {status} ({detail})"
            ).format(certificate=authority.certificate.name, **said)
        )
    if verdict.status == tokens.UNRECOGNISED:
        raise TimestampError(
            _(
                "{name} : jeton refusé, son certificat ne remonte à aucune racine de confiance "
                "({detail}) ; une date que personne ne garantit ne compte pas. Si vous faites "
                "confiance à cette autorité, donnez son certificat racine (horodatage.yaml, "
                "champ certificat)."
            ).format(**said)
        )
    if not verdict.valid:
        raise TimestampError(_("{name} : jeton refusé, {status} ({detail})").format(**said))
    if authority.case_named:
        verdict = _vouched(der, imprint, verdict)
    return Obtained(authority, der, token, verdict)


def _vouched(der: bytes, imprint: str, pinned: Any) -> Any:
    """A token checked against a root only the case's own ``horodatage.yaml`` names, checked
    again as ``verify`` will: against the roots the person trusts (their ``racines/``) and
    the system's store. Not vouched for, it is kept but marked ``UNRECOGNISED`` (what
    ``verify`` says of it), with the case's root so its fingerprint can be compared."""
    from . import tokens
    from .tsa_settings import user_roots

    origin = _("racine désignée par la personne (horodatage)")
    again = tokens.verify(der, imprint, user_roots(), origin, system=True)
    if again.valid:
        return again
    return tokens.Verdict(tokens.UNRECOGNISED, pinned.detail, pinned.root, pinned.origin)


def unvouched_said(got: Obtained) -> str:
    """Why a token is kept but not counted, and how the person can come to trust it: the
    words ``verify`` uses for it."""
    from .tsa_settings import user_roots_folder

    return _(
        "{name} : jeton gardé mais non vérifié : il ne se vérifie qu'avec une racine que nomme "
        "le horodatage.yaml du dossier ({root}, empreinte {digest}…) ; un dossier ne fait pas "
        "autorité, ce jeton ne date rien. Comparez son empreinte avec celle que publie "
        "l'autorité, puis, si elles sont identiques, copiez-la dans {folder}"
    ).format(
        name=got.authority.name,
        root=got.authority.certificate.name if got.authority.certificate else "",
        digest=got.root_sha256[:16],
        folder=user_roots_folder(),
    )


def ask_many(
    authorities: list[Authority],
    line: bytes,
    needed: int,
    budget: float,
    timeout: float | None = None,
    roots: set[str] | None = None,
) -> Asked:
    """Ask authorities in order until ``needed`` independent tokens are in hand.

    ``needed`` requests start at once; each failure starts the next authority in
    the list, while the budget lasts. Tokens whose root is in ``roots`` (already
    held for this entry) or repeats one just obtained are not independent: they
    are dropped. Threads still waiting when the budget ends are left behind
    (daemons: a command exits without them); their answers are never used."""
    deadline = time.monotonic() + budget
    answers: queue.Queue = queue.Queue()
    pending = list(authorities)
    running: list[Authority] = []
    asked = Asked()
    seen = set(roots or ())

    def start(authority: Authority) -> None:
        # past the budget by a margin: within a budget, the budget's end speaks first
        wait = max(0.1, min(timeout or budget, deadline - time.monotonic() + LATE_MARGIN))

        def work() -> None:
            try:
                answers.put((authority, ask(authority, line, wait)))
            except TimestampError as exc:
                answers.put((authority, exc))
            except Exception as exc:  # noqa: BLE001 - a thread must always answer
                answers.put((authority, TimestampError(f"{authority.name} : {exc}")))

        running.append(authority)
        threading.Thread(target=work, name=f"tsa-{authority.name}", daemon=True).start()

    while len(asked.trusted) < needed:
        while pending and len(running) < needed - len(asked.trusted):
            start(pending.pop(0))
        left = deadline - time.monotonic()
        if not running or left <= 0:
            break
        try:
            authority, outcome = answers.get(timeout=left)
        except queue.Empty:
            break
        running.remove(authority)
        if isinstance(outcome, TimestampError):
            asked.failures.append(str(outcome))
        elif not outcome.trusted:  # kept for the person, never counted: the next is asked
            asked.obtained.append(outcome)
            asked.unvouched.append(unvouched_said(outcome))
        elif outcome.root_sha256 in seen:
            asked.failures.append(
                _(
                    "{name} : jeton non retenu, même racine de confiance qu'une autorité déjà "
                    "obtenue (elles ne sont pas indépendantes)"
                ).format(name=authority.name)
            )
        else:
            seen.add(outcome.root_sha256)
            asked.obtained.append(outcome)
    for authority in running:
        asked.failures.append(
            _("{name} n'a pas répondu à temps ; la demande reste en attente").format(
                name=authority.name
            )
        )
    order = {a.url: i for i, a in enumerate(authorities)}  # the journal in the list's order
    asked.obtained.sort(key=lambda got: order.get(got.authority.url, 0))
    asked.left = running + pending
    return asked
