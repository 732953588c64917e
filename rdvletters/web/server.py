"""Serving the app with waitress: a real multi-threaded WSGI server, pure Python.

``start`` binds the socket (a free port when ``port`` is 0) and wires the app to
the address it got: the cookie's name carries the port, so two cases open at once
on the same machine do not share a cookie, and on loopback only the Host headers
of this address are accepted (against DNS rebinding).

A browser sends a cookie of ``127.0.0.1`` to every port of ``127.0.0.1``: any other
local server the person visits would receive the access cookie. So the app lives
under a path drawn at random for each run (``/<secret>/``), and its cookies are set
for that path only: the browser sends them nowhere else, and a request without the
path is refused (403) before the app sees it.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
import threading
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, TemplateNotFound, meta
from waitress import create_server
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from .. import i18n
from ..caseprep import Preparation
from .app import create_app
from .cases import Registry
from .loop import Loop

# waitress: 4 threads answer; at most 100 connections are held, and one that stays idle
# (a client that connects and sends nothing, or too slowly) is closed after 10 s, checked
# every 2 s: a neighbour holding connections open cannot lock the person out for long.
LIMITS = {"threads": 4, "connection_limit": 100, "channel_timeout": 10, "cleanup_interval": 2}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_address() -> str:
    """This machine's address on the local network, for the URL printed to a phone.
    No packet is sent: a UDP socket's ``connect`` only picks the outgoing interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed to anyone
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


@dataclass
class Running:
    """A bound server: its address, the URL that opens it (with the token), the app."""

    loop: Loop
    host: str
    port: int
    url: str
    app: Any

    def serve(self) -> None:
        self.loop.run()

    def close(self) -> None:
        """Stop answering first: a page still being answered may renew the preparation
        (the first of a new day), and the one it leaves is the one stopped here."""
        self.loop.close()
        preparation = self.app.config.get("RDV_PREPARATION")  # today's: pages renew it
        if preparation is not None:
            preparation.close()


def _forbidden(_environ: dict, start_response: Any) -> list[bytes]:
    """Any path outside the run's secret one: refused, with nothing to learn."""
    start_response("403 Forbidden", [("Content-Type", "text/plain"), ("Cache-Control", "no-store")])
    return [b"403 Forbidden\n"]


def start(
    registry: Registry, host: str = "127.0.0.1", port: int = 0, lang: str | None = None
) -> Running:
    """Bind the server and build the app; ``serve()`` then answers until ``close()``."""
    token = secrets.token_urlsafe(32)
    prefix = "/" + secrets.token_hex(16)  # the app's path for this run only
    app = create_app(registry, token=token, lang=lang)
    mounted = DispatcherMiddleware(_forbidden, {prefix: app})
    server = create_server(
        mounted, host=host, port=port, clear_untrusted_proxy_headers=True, **LIMITS
    )
    bound = server.effective_port
    app.config["RDV_COOKIE"] = f"rdvletters_{bound}"
    app.config["SESSION_COOKIE_NAME"] = f"rdvletters_{bound}_session"
    app.config["SESSION_COOKIE_PATH"] = f"{prefix}/"
    if is_loopback(host):
        names = {"127.0.0.1", "localhost", "[::1]", host}
        app.config["RDV_HOSTS"] = {f"{name}:{bound}" for name in names}
        shown = "127.0.0.1" if host in ("localhost", "127.0.0.1") else host
    else:
        shown = lan_address() if host in ("0.0.0.0", "::") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    first = "cases.html" if registry.many else "status.html"
    warming = threading.Thread(target=warm_templates, args=(app.jinja_env, first), daemon=True)
    warming.start()
    if registry.many:  # the caseload's summaries, made ready before the first page asks
        preparation = Preparation(registry.root, registry.folders, lang or i18n.SOURCE)
        app.config["RDV_PREPARATION"] = preparation.start(after=warming)
    url = f"http://{shown}:{bound}{prefix}/?token={token}"
    return Running(Loop(server), host, bound, url, app)


def warm_templates(env: Environment, first: str) -> None:
    """Compile the first page's template and those it extends, imports and includes,
    while the browser starts: Jinja compiles a template on its first use, about 0.1 s
    for the caseload's, which the person's first page would otherwise wait for. What is
    compiled is what the page would load itself; a failure here only leaves it to the
    page (which then shows the error as it would have)."""
    seen: set[str] = set()
    waiting = [first]
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source = env.loader.get_source(env, name)[0] if env.loader else ""
            waiting += [n for n in meta.find_referenced_templates(env.parse(source)) if n]
            env.get_template(name)
        except TemplateNotFound:
            continue  # an ``include … ignore missing`` of the other front end
        except Exception:  # noqa: BLE001 - the page itself will meet it and say so
            return
