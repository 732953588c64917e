"""A waitress server's loop that any thread may stop.

Waitress polls its sockets in one thread. Closing them from another thread (a test's
teardown, a second front end) races with that poll: the loop then reads a file
descriptor that is already closed, or already reused by someone else. So ``close``
hands the closing to the loop itself, through waitress's trigger, and waits for the
loop to end; called from the loop's own thread (after Ctrl+C), it closes at once.
"""

from __future__ import annotations

import threading
from typing import Any

from waitress import wasyncore


class Loop:
    """One waitress server: ``run()`` answers until ``close()``, from whatever thread."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self._thread: int | None = None
        self._ended = threading.Event()
        self._closing = threading.Lock()
        self._closed = False

    def run(self) -> None:
        self._thread = threading.get_ident()
        try:
            self.server.run()
        finally:
            self._ended.set()

    def close(self, timeout: float = 10.0) -> None:
        if self._thread is None or self._thread == threading.get_ident() or self._ended.is_set():
            self._close_all()
            return
        try:
            self.server.trigger.pull_trigger(self._close_all)  # runs inside the loop
        except OSError:  # the trigger is gone (closed under the loop): close from here
            self._close_all()
        self._ended.wait(timeout)

    def _close_all(self) -> None:
        """Stop the workers, then close every socket of the loop: it ends when none is left.

        Once only: a trigger closed under the loop can both refuse the pull (the caller
        then closes) and wake the loop, which runs the thunk queued before the refusal."""
        with self._closing:
            if self._closed:
                return
            self._closed = True
            self.server.task_dispatcher.shutdown()
            sockets = getattr(self.server, "_map", None)
            wasyncore.close_all(self.server.map if sockets is None else sockets)
