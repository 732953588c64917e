"""The waitress loop shared by the local app and the association server ends on
``close()`` from another thread, even when its trigger can no longer be pulled."""

from __future__ import annotations

import os
import threading
import urllib.request

from waitress import create_server

from rdvletters.web.loop import Loop


def _hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def _running() -> tuple[Loop, threading.Thread, int]:
    server = create_server(_hello, host="127.0.0.1", port=0, threads=1)
    loop = Loop(server)
    thread = threading.Thread(target=loop.run, daemon=True)
    thread.start()
    port = server.effective_port
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as answer:
        assert answer.read() == b"ok"  # the loop is answering before it is closed
    return loop, thread, port


def test_close_from_another_thread_ends_the_loop():
    loop, thread, port = _running()
    loop.close()
    thread.join(30)
    assert not thread.is_alive()


def test_close_when_the_trigger_is_already_closed_still_ends_the_loop():
    loop, thread, _ = _running()
    os.close(loop.server.trigger.trigger)  # its write end, as a stray close elsewhere would
    loop.close()  # no OSError: the loop is closed from here instead
    thread.join(30)
    assert not thread.is_alive()
