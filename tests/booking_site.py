"""A local copy of a préfecture booking flow, served on 127.0.0.1 for the capture tests.

Three pages, as on the real sites: a landing page behind a cookie banner with a
link to book, a page with the consent box and the « Effectuer une demande de
rendez-vous » button (a form), and the page that says there is no slot. The
server counts every request, so a test can check that nothing was loaded or
submitted twice.
"""

from __future__ import annotations

import http.server
import ssl
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

NO_SLOT = (
    "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. "
    "Veuillez recommencer ultérieurement."
)

STYLE = """
<style>
 body { font-family: sans-serif; margin: 0; padding: 20px; background: #fff; }
 #cookies { position: fixed; bottom: 0; left: 0; right: 0; background: #223; color: #fff;
            padding: 16px; }
 h1 { color: #000091; }
</style>
"""

LANDING = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Préfecture de test – Rendez-vous</title>{STYLE}</head><body>
<h1>Préfecture de test</h1>
<p>Accueil des étrangers : demande de titre de séjour.</p>
<p><a href="/demande">Prendre rendez-vous</a></p>
<div id="cookies">Ce site utilise des cookies.
 <button onclick="document.cookie='ok=1';document.getElementById('cookies').remove()">
 Accepter les cookies</button></div>
</body></html>"""

REQUEST = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Demande de rendez-vous</title>{STYLE}</head><body>
<h1>Demande de rendez-vous</h1>
<form action="/creneaux" method="post">
 <p><input type="checkbox" id="condition" name="condition" value="on">
 <label for="condition">Veuillez cocher la case pour accepter les conditions
 d'utilisation avant de continuer le processus de prise de rendez-vous.</label></p>
 <p><input type="submit" value="Effectuer une demande de rendez-vous"></p>
</form></body></html>"""

NO_SLOT_PAGE = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Créneaux</title>{STYLE}</head><body>
<h1>Demande de rendez-vous</h1>
<form><p class="error">{NO_SLOT}</p></form>
</body></html>"""

REFUSED = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Erreur</title>
</head><body><p>Vous devez accepter les conditions d'utilisation.</p></body></html>"""


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def _send(self, body: str, status: int = 200) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def date_time_string(self, timestamp=None) -> str:  # noqa: ARG002 - http.server's name
        """The server's clock is the suite's (``RDVLETTERS_NOW``), shifted by ``skew``."""
        from email.utils import format_datetime

        from rdvletters.frdates import now_paris

        return format_datetime(now_paris() + self.server.site.skew, usegmt=False)

    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        site = self.server.site
        site.record("GET", path, self.headers.get("User-Agent", ""))
        if path in REDIRECTS:
            self.send_response(REDIRECTS[path][1])
            self.send_header("Location", REDIRECTS[path][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/etat":  # a page that changes at every load
            site.loads += 1
            self._send(CHANGING.format(n=site.loads))
            return
        pages = {"/": LANDING, "/demande": REQUEST}
        if path in pages:
            self._send(pages[path])
        else:
            self._send("<html><body>introuvable</body></html>", 404)

    def do_POST(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        self.server.site.record("POST", path, self.headers.get("User-Agent", ""))
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        if path == "/creneaux" and form.get("condition") == ["on"]:
            self._send(NO_SLOT_PAGE)
        else:
            self._send(REFUSED, 400)

    def log_message(self, *args) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    site: BookingSite
    daemon_threads = True


# An old address that moved twice, as sites do: /ancien -> /rdv -> / (301, then 302).
REDIRECTS = {"/ancien": ("/rdv", 301), "/rdv": ("/", 302)}
CHANGING = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>État</title>
</head><body><p>Il n'existe plus de plage horaire libre (chargement n° {n}).</p></body></html>"""


class BookingSite:
    """The three-page flow on 127.0.0.1; use as a context manager. With ``tls`` (a
    certificate and its key), it is served over HTTPS."""

    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        self.requests: Counter[tuple[str, str]] = Counter()
        self.agents: list[str] = []
        self.tls = tls
        self.loads = 0
        self.skew = timedelta(0)  # the server's clock against the suite's

    def record(self, method: str, path: str, agent: str) -> None:
        self.requests[(method, path)] += 1
        self.agents.append(agent)

    def __enter__(self) -> BookingSite:
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.site = self
        scheme = "http"
        if self.tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


STEPS_YAML = """\
- cliquer: Accepter les cookies
- cliquer: Prendre rendez-vous
- cocher: Veuillez cocher la case pour accepter les conditions
- cliquer: Effectuer une demande de rendez-vous
"""
