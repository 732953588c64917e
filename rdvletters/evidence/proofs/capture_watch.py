"""What a capture records about how the page was reached (the NF Z67-147 pattern).

A commissaire de justice's web constat states the machine and its network, that
caches and cookies were cleared, whether a proxy stood in between, the path to
the page, and the start time. ``Watch`` gathers the same from the browser's own
events while the page loads: each navigation with its HTTP status and the address
the browser contacted (redirects included), the server's ``Date`` header beside
the computer's clock, the TLS certificate the browser accepted (subject, issuer,
validity and SHA-256 of the exact certificate, read through Chromium's DevTools
protocol), and, in interactive mode, which pages the person reached by hand. The
DNS answer is asked of the computer's resolver just before the load.

``conditions()`` returns plain data (JSON): it goes into the journal with the
capture, so it is chained and timestamped with it; ``provenance`` words it.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import urllib.request
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from ...frdates import PARIS, now_paris

MAX_PATH = 20  # navigations kept: a redirect loop is cut short


def proxy_setting() -> tuple[dict[str, str] | None, str]:
    """The proxy Chromium is told to use (the environment's, if any), and how it is said.

    Without one, Chromium is started with ``--no-proxy-server``: no system setting can put
    a proxy in between without it being said."""
    proxies = urllib.request.getproxies()
    server = proxies.get("https") or proxies.get("http")
    if server:
        return {"server": server}, server
    return None, ""


def dns_answer(url: str) -> dict[str, Any]:
    """The computer's resolver's answer for the page's host, asked just before the load."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        return {"hote": host, "adresses": [], "erreur": str(exc)[:200]}
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    return {"hote": host, "adresses": addresses}


class Watch:
    """The page's navigations as the browser reported them, in order."""

    def __init__(self, page: Any, context: Any) -> None:
        self.page = page
        self.navigations: list[tuple[Any, datetime, bool]] = []  # response, local time, by hand
        self.by_hand = False
        self.cdp = None
        try:  # Chromium only; without it, the certificate's fingerprint is not available
            self.cdp = context.new_cdp_session(page)
            self.cdp.send("Network.enable")
        except Exception:  # noqa: BLE001 - any failure: the sheet says « non disponible »
            self.cdp = None
        page.on("response", self._response)

    def _response(self, response: Any) -> None:
        """Called by Playwright; must not call back into it (no round trip from a handler)."""
        main = response.frame == self.page.main_frame
        if main and response.request.is_navigation_request() and len(self.navigations) < MAX_PATH:
            self.navigations.append((response, now_paris(), self.by_hand))

    def conditions(self, started: datetime, loaded: datetime) -> dict[str, Any]:
        """Everything gathered, as plain data, once the page is loaded (before closing)."""
        path = [self._step(response, at, hand) for response, at, hand in self.navigations]
        out: dict[str, Any] = {"parcours": path, "debut": iso(started), "page_chargee": iso(loaded)}
        if not self.navigations:
            return out
        final, at, _hand = self.navigations[-1]
        out["date_serveur"] = _server_date(final, at)
        if urlsplit(final.url).scheme == "https":
            out["tls"] = self._tls(final)
        return out

    @staticmethod
    def _step(response: Any, at: datetime, by_hand: bool) -> dict[str, Any]:
        step: dict[str, Any] = {"url": response.url, "statut": response.status, "heure": iso(at)}
        try:
            address = response.server_addr()
        except Exception:  # noqa: BLE001 - a closed target: the address is not known
            address = None
        if address:
            step["adresse"] = f"{address['ipAddress']}:{address['port']}"
        if by_hand:
            step["a_la_main"] = True
        return step

    def _tls(self, response: Any) -> dict[str, Any]:
        """The connection and the certificate the browser accepted for the final page."""
        tls: dict[str, Any] = {}
        try:
            details = response.security_details() or {}
        except Exception:  # noqa: BLE001
            details = {}
        for key, name in (("protocol", "protocole"), ("subjectName", "sujet"),
                          ("issuer", "emetteur")):  # fmt: skip
            if details.get(key):
                tls[name] = str(details[key])
        for key, name in (("validFrom", "valide_du"), ("validTo", "valide_au")):
            if details.get(key):
                tls[name] = iso(datetime.fromtimestamp(float(details[key]), PARIS))
        chain = self._chain(response.url)
        if chain:
            tls["certificat_sha256"] = hashlib.sha256(chain[0]).hexdigest()
            tls["chaine"] = [_subject(der) for der in chain]
        return tls

    def _chain(self, url: str) -> list[bytes]:
        if self.cdp is None:
            return []
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        try:
            answer = self.cdp.send("Network.getCertificate", {"origin": origin})
        except Exception:  # noqa: BLE001
            return []
        return [base64.b64decode(item) for item in answer.get("tableNames", [])]


def _server_date(response: Any, local: datetime) -> dict[str, Any]:
    """The server's ``Date`` header beside the computer's clock when the answer came."""
    try:
        header = response.all_headers().get("date")
    except Exception:  # noqa: BLE001
        header = None
    out: dict[str, Any] = {"horloge_locale": iso(local)}
    if not header:
        return out
    out["entete"] = header
    try:
        server = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError, OverflowError):
        return out
    if server.tzinfo is not None:
        out["ecart_secondes"] = round((local - server).total_seconds())
    return out


def _subject(der: bytes) -> str:
    """A certificate's subject, in words (cryptography reads it)."""
    from cryptography import x509

    try:
        return x509.load_der_x509_certificate(der).subject.rfc4514_string()
    except ValueError:
        return "?"


def iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")
