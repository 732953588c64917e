"""Serving the app with waitress: a real multi-threaded WSGI server, pure Python.

``start`` binds the socket (a free port when ``port`` is 0) and wires the app to
the address it got: the cookie's name carries the port, so two cases open at once
on the same machine do not share a cookie, and on loopback only the Host headers
of this address are accepted (against DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from dataclasses import dataclass
from typing import Any

from waitress import create_server

from .app import create_app
from .cases import Registry


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

    server: Any
    host: str
    port: int
    url: str
    app: Any

    def serve(self) -> None:
        self.server.run()

    def close(self) -> None:
        self.server.close()


def start(
    registry: Registry, host: str = "127.0.0.1", port: int = 0, lang: str | None = None
) -> Running:
    """Bind the server and build the app; ``serve()`` then answers until ``close()``."""
    token = secrets.token_urlsafe(32)
    app = create_app(registry, token=token, lang=lang)
    server = create_server(app, host=host, port=port, threads=4, clear_untrusted_proxy_headers=True)
    bound = server.effective_port
    app.config["RDV_COOKIE"] = f"rdvletters_{bound}"
    app.config["SESSION_COOKIE_NAME"] = f"rdvletters_{bound}_session"
    if is_loopback(host):
        names = {"127.0.0.1", "localhost", "[::1]", host}
        app.config["RDV_HOSTS"] = {f"{name}:{bound}" for name in names}
        shown = "127.0.0.1" if host in ("localhost", "127.0.0.1") else host
    else:
        shown = lan_address() if host in ("0.0.0.0", "::") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return Running(server, host, bound, f"http://{shown}:{bound}/?token={token}", app)
