"""Caddy in front of the server, as in production: HTTPS with its internal CA on
127.0.0.1 (``tls internal``), its state in a folder of ours (``storage``), the system's
trust store untouched (``skip_install_trust``), no admin endpoint, no port 80."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

CADDY = shutil.which("caddy")

CADDYFILE = """{{
	admin off
	skip_install_trust
	storage file_system {storage}
	auto_https disable_redirects
	http_port {http_port}
	https_port {https_port}
}}
https://127.0.0.1:{https_port} {{
	tls internal
	encode gzip
	request_body {{
		max_size 210MB
	}}
	reverse_proxy 127.0.0.1:{backend}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Caddy:
    """``with Caddy(folder, backend_port) as caddy``: ``caddy.url``, ``caddy.root_ca``."""

    def __init__(self, folder: Path, backend: int, https_port: int | None = None) -> None:
        self.folder = folder
        self.backend = backend
        self.port = https_port or free_port()
        self.url = f"https://127.0.0.1:{self.port}"

    @property
    def root_ca(self) -> Path:
        return self.folder / "storage" / "pki" / "authorities" / "local" / "root.crt"

    def __enter__(self) -> Caddy:
        self.folder.mkdir(parents=True, exist_ok=True)
        config = self.folder / "Caddyfile"
        config.write_text(
            CADDYFILE.format(
                storage=self.folder / "storage",
                http_port=self._other_port(),
                https_port=self.port,
                backend=self.backend,
            )
        )
        self.log = (self.folder / "caddy.log").open("wb")
        self.process = subprocess.Popen(
            [CADDY, "run", "--config", str(config), "--adapter", "caddyfile"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait()
        return self

    def _other_port(self) -> int:
        """A free port for Caddy's (unused) HTTP listener, never the HTTPS one: both are
        picked free then released, so the system may hand out the same number twice, which
        Caddy refuses (« scheme and port violate convention »)."""
        port = free_port()
        while port in (self.port, self.backend):
            port = free_port()
        return port

    def _wait(self) -> None:
        import ssl

        for _ in range(200):
            if self.process.poll() is not None:
                raise RuntimeError((self.folder / "caddy.log").read_text()[-2000:])
            if self.root_ca.exists():
                # Only « does it answer? »: under faketime a year on, OpenSSL would find
                # Caddy's fresh certificate not yet valid (faketime does not move Caddy, a Go program).
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                try:
                    urllib.request.urlopen(f"{self.url}/sante", context=context, timeout=2)
                    return
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError("Caddy did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()
