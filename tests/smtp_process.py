"""Test SMTP servers run as child processes, never as threads of the pytest process (a
server thread closing its sockets while the main thread walked a folder once crashed the
interpreter in CI). Each server script listens on 127.0.0.1, prints its port once
listening and records what it received in a file that the test reads."""

from __future__ import annotations

import base64
import json
import selectors
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
BOUND = 60  # seconds: a bound on a server that never starts or never ends, not a speed


class ServerProcess:
    """A server script started as a child process; ``port`` once it accepts connections."""

    def __init__(self, script: str, *args: str) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="smtp-test-"))
        self.record = self.folder / "record.jsonl"
        self.record.touch()
        self.errors = (self.folder / "stderr").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / script), str(self.record), *args],
            stdout=subprocess.PIPE,
            stderr=self.errors,
            stdin=subprocess.DEVNULL,
        )
        self.port = self._ready()

    def _ready(self) -> int:
        """The port the server printed, once a connection to it is accepted."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            line = self.process.stdout.readline() if selector.select(BOUND) else b""
        if not line.strip().isdigit():
            said = self.stderr()
            self.stop()
            raise RuntimeError(f"{self.process.args[1]} did not start: {said}")
        port = int(line)
        socket.create_connection(("127.0.0.1", port), timeout=BOUND).close()
        return port

    def stderr(self) -> str:
        self.errors.flush()
        return (self.folder / "stderr").read_text(encoding="utf-8", errors="replace")

    def lines(self) -> list[dict]:
        """What the server recorded so far, one dict per line."""
        text = self.record.read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def wait(self) -> None:
        """Until the server ended on its own (a scripted one serves one session)."""
        self.process.wait(timeout=BOUND)

    def stop(self) -> None:
        """Ends the server whatever it is doing, and removes its files."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=BOUND)
        self.process.stdout.close()
        self.errors.close()
        for path in self.folder.iterdir():
            path.unlink()
        self.folder.rmdir()


class Recorded:
    """The test's view of a recording server: ``envelopes`` as aiosmtpd named them
    (mail_from, rcpt_tos, mail_options, content bytes) and the EHLO name of each."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server

    @property
    def envelopes(self) -> list[SimpleNamespace]:
        return [
            SimpleNamespace(
                mail_from=line["mail_from"],
                rcpt_tos=line["rcpt_tos"],
                mail_options=line["mail_options"],
                content=base64.b64decode(line["content"]),
            )
            for line in self.server.lines()
        ]

    @property
    def greetings(self) -> list[str]:
        return [line["host_name"] for line in self.server.lines()]


class Scripted:
    """The test's handle on a scripted server (smtp_scripted.py): ``port``, ``wait()`` for
    its one session to end, then ``commands`` (the verbs it received) and ``received``
    (the message bodies)."""

    def __init__(self, mode: str) -> None:
        self.server = ServerProcess("smtp_scripted.py", mode)
        self.port = self.server.port

    def wait(self) -> None:
        self.server.wait()

    @property
    def commands(self) -> list[str]:
        return [line["command"] for line in self.server.lines() if "command" in line]

    @property
    def received(self) -> list[bytes]:
        lines = self.server.lines()
        return [base64.b64decode(line["body"]) for line in lines if "body" in line]
