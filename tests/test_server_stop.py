"""The association server, stopped: every committed change is in ``rdvletters.sqlite3``
itself, not left in its write-ahead log for finalizers that do not run at exit."""

from __future__ import annotations

import shutil
import sqlite3
import threading

from rdvletters.server.config import load_config
from rdvletters.server.runner import start
from rdvletters.server.setup import set_up

from .caddy_proxy import free_port
from .server_helpers import write_config


def test_a_stopped_server_leaves_every_change_in_its_database_file(tmp_path):
    port = free_port()
    config = load_config(write_config(tmp_path, public_url=f"http://127.0.0.1:{port}", port=port))
    set_up(config, "Awa")
    running = start(config)
    threading.Thread(target=running.serve, daemon=True).start()

    def request_thread() -> None:  # a connection of its own, as each of waitress's threads
        with running.app.extensions["rdv_server"].store.transaction() as tx:
            tx.run("INSERT INTO settings (name, value) VALUES ('probe', 'committed')")

    writer = threading.Thread(target=request_thread)
    writer.start()
    writer.join()
    running.close()
    copy = tmp_path / "copy.sqlite3"  # a backup that copies the file alone
    shutil.copyfile(config.database, copy)
    connection = sqlite3.connect(copy)
    try:
        found = connection.execute("SELECT value FROM settings WHERE name = 'probe'").fetchall()
    finally:
        connection.close()
    assert found == [("committed",)]
