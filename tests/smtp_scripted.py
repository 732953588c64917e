"""A scripted SMTP server for the sending tests: it says what a broken or hostile
server would, byte for byte (aiosmtpd is too well-behaved for that)."""

from __future__ import annotations

import socket
import struct
import threading

ESCAPES = b"\x1b[2J\x1b]0;pwned\x07\x9b31m"


class Scripted:
    """A bare SMTP server on 127.0.0.1 that answers as ``mode`` says: ``escapes`` (its
    replies carry terminal escapes), ``refuse`` (the recipient, with escapes), and after
    a 250 to the message ``drop`` (hangs up), ``error`` (421 to QUIT), ``half-reply``
    (« 250-… », then gone), ``reset`` (a TCP reset)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.received: list[bytes] = []
        self.commands: list[str] = []
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn, conn.makefile("rb") as lines:
            conn.sendall(b"220 hostile.test ESMTP " + ESCAPES + b"\r\n")
            for raw in lines:
                verb = raw.decode("ascii", "replace").strip().upper()
                self.commands.append(verb.split(" ")[0])
                if verb.startswith("EHLO"):
                    conn.sendall(b"250-hostile.test\r\n250 8BITMIME\r\n")
                elif verb.startswith("MAIL"):
                    conn.sendall(b"250 2.1.0 Ok\r\n")
                elif verb.startswith("RCPT"):
                    if self.mode == "refuse":
                        conn.sendall(b"550 5.1.1 Inconnu " + ESCAPES + b"\r\n")
                    else:
                        conn.sendall(b"250 2.1.5 Ok\r\n")
                elif verb == "DATA":
                    conn.sendall(b"354 Go\r\n")
                    self.received.append(b"".join(iter(lines.readline, b".\r\n")))
                    if self.mode in ("drop", "error"):
                        conn.sendall(b"250 2.0.0 Ok: queued as QUIT1\r\n")
                        if self.mode == "drop":
                            return
                    elif self.mode == "escapes":
                        conn.sendall(b"250 2.0.0 Ok " + ESCAPES + b" queued as E1\r\n")
                    elif self.mode == "half-reply":  # a first line, then gone
                        conn.sendall(b"250-2.0.0 Ok: queued as H1\r\n")
                        return
                    elif self.mode == "reset":  # the answer, then a TCP reset
                        conn.sendall(b"250 2.0.0 Ok: queued as R1\r\n")
                        conn.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                        )
                        return
                elif verb == "RSET":
                    conn.sendall(b"250 Ok\r\n")
                elif verb == "QUIT":
                    error = self.mode == "error"
                    conn.sendall(b"421 4.3.0 Erreur interne\r\n" if error else b"221 Bye\r\n")
                    return
                else:
                    conn.sendall(b"502 5.5.2 Non\r\n")
