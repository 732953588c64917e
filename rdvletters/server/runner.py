"""Running the server: waitress behind the reverse proxy, the jobs, the daily pass.

Waitress reads ``X-Forwarded-For``/``-Proto``/``-Host`` only from the proxy named in
the configuration (``server.trusted_proxy``, Caddy on 127.0.0.1 by default) and
clears them from anyone else: the addresses used by the rate limits and the
scheme used for secure cookies cannot be forged by a client.
"""

from __future__ import annotations

import contextlib
import sqlite3
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
    store: SqliteStore

    def serve(self) -> None:
        self.loop.run()

    def close(self) -> None:
        """Stop answering, then leave the database whole in its file: what the requests
        committed is written from the write-ahead log into ``rdvletters.sqlite3`` here,
        not left to finalizers that Python does not run at exit (``launch``), so that a
        copy of the stopped server's file holds every committed change."""
        self.stop_event.set()
        self.loop.close()
        self.jobs.stop()
        with contextlib.suppress(sqlite3.Error):  # busy, a full disk: the log stays, whole
            self.store.checkpoint()
        self.store.close()


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
    return Running(Loop(server), app, jobs, server.effective_port, stop, store)
