"""Running the server: waitress behind the reverse proxy, the jobs, the daily pass.

Waitress reads ``X-Forwarded-For``/``-Proto``/``-Host`` only from the proxy named in
the configuration (``server.trusted_proxy``, Caddy on 127.0.0.1 by default) and
clears them from anyone else: the addresses used by the rate limits and the
scheme used for secure cookies cannot be forged by a client.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from waitress import create_server

from ..web.loop import Loop
from .app import create_server_app
from .config import ServerConfig
from .jobs import Jobs
from .setup import load_secret
from .store import SqliteStore

DAY = 24 * 3600
REMINDER_TICK = 60  # seconds between two passes over the reminders due
PROXY_HEADERS = {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}


@dataclass
class Running:
    loop: Loop
    app: Any
    jobs: Jobs
    port: int
    stop_event: threading.Event

    def serve(self) -> None:
        self.loop.run()

    def close(self) -> None:
        self.stop_event.set()
        self.loop.close()
        self.jobs.stop()


def start(config: ServerConfig, port: int | None = None) -> Running:
    """Bind and build; ``serve()`` answers until ``close()`` (or Ctrl+C)."""
    load_secret(config)  # a folder never set up: said before anything is created in it
    store = SqliteStore(config.database)
    app = create_server_app(config, store)
    ctx = app.extensions["rdv_server"]
    jobs = Jobs(ctx)
    ctx.jobs = jobs
    jobs.start()
    options: dict[str, Any] = {"clear_untrusted_proxy_headers": True}
    if config.trusted_proxy:
        options.update(trusted_proxy=config.trusted_proxy, trusted_proxy_headers=PROXY_HEADERS)
    server = create_server(
        app,
        host=config.host,
        port=config.port if port is None else port,
        threads=config.threads,
        channel_timeout=60,
        max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
        **options,
    )
    stop = threading.Event()

    def daily() -> None:  # at start, then every day, until close()
        while True:
            jobs.retention_pass()
            if stop.wait(DAY):
                return

    threading.Thread(target=daily, name="rdvletters-retention", daemon=True).start()

    def every_minute() -> None:  # reminders due, sent once each
        while not stop.wait(REMINDER_TICK):
            jobs.reminders_pass()

    threading.Thread(target=every_minute, name="rdvletters-reminders", daemon=True).start()
    return Running(Loop(server), app, jobs, server.effective_port, stop)
