"""A hostile neighbour on the same machine: another local web server the person visits
must not receive the access cookie, and idle connections cannot lock the person out.
The real server (waitress) on 127.0.0.1, Debian's Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from rdvletters.web.cases import Registry
from rdvletters.web.server import start

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def served(case):
    """The real server on the example case, answering in a thread."""
    running = start(Registry(case, False))

    def serve() -> None:
        with contextlib.suppress(OSError):  # the loop's sockets closed under it at the end
            running.serve()

    threading.Thread(target=serve, daemon=True).start()
    yield running
    running.close()


class Neighbour(http.server.BaseHTTPRequestHandler):
    """Another local web server: it keeps every Cookie header the browser sends it."""

    seen: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server API
        Neighbour.seen.append(self.headers.get("Cookie", ""))
        body = b"<html><body>voisin</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _status(url: str, cookie: str = "", host: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    if host:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is needed")
def test_another_local_server_never_receives_a_usable_cookie(served):
    playwright = pytest.importorskip("playwright.sync_api")
    neighbour = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Neighbour)
    threading.Thread(target=neighbour.serve_forever, daemon=True).start()
    Neighbour.seen = []
    base = served.url.split("/?")[0]
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_context().new_page()
            page.goto(served.url)  # opens the app: the cookie is set
            page.wait_for_url(f"{base}/c/**")
            assert page.context.cookies(), "the app set its cookie"
            page.goto(f"http://127.0.0.1:{neighbour.server_address[1]}/anything")
            assert "voisin" in page.content()
            browser.close()
    finally:
        neighbour.shutdown()
    assert Neighbour.seen  # the page, and the browser's own favicon request
    received = "; ".join(c for c in Neighbour.seen if c)
    host = f"127.0.0.1:{served.port}"
    # whatever the neighbour got, replayed to the app, even at its secret path: refused
    for url in (f"http://{host}/", f"{base}/"):
        assert _status(url, received, host) == 403, received
    assert "rdvletters" not in received
    assert _status(f"http://{host}/?token={served.url.split('token=')[1]}") == 403
    assert _status(served.url) == 200  # the printed address still opens it


def test_idle_connections_do_not_lock_the_person_out(served):
    holders = []
    for _ in range(150):  # more than the server holds: the rest wait in the backlog
        sock = socket.create_connection(("127.0.0.1", served.port), timeout=5)
        sock.sendall(b"GET / HTTP/1.1\r\n")  # and never the rest of the request
        holders.append(sock)
    try:  # one request, waiting its turn behind them: answered once they are let go
        request = urllib.request.Request(served.url)
        with urllib.request.urlopen(request, timeout=60) as response:  # a bound, not a speed
            assert response.status == 200
    finally:
        for sock in holders:
            sock.close()
