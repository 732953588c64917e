"""A scripted SMTP server for the sending tests: it says what a broken or hostile
server would, byte for byte (aiosmtpd is too well-behaved for that). It runs as its own
process (``python smtp_scripted.py RECORD MODE``, started by the ``scripted_smtp``
fixture), never as a thread of the pytest process, and records each command verb and each
message body it receives in RECORD before answering."""

from __future__ import annotations

import base64
import json
import socket
import struct
import sys

ESCAPES = b"\x1b[2J\x1b]0;pwned\x07\x9b31m"


def _record(path: str, **line: str) -> None:
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


def _session(conn: socket.socket, mode: str, record: str) -> None:
    """One SMTP session answered as ``mode`` says: ``escapes`` (its replies carry terminal
    escapes), ``refuse`` (the recipient, with escapes), and after a 250 to the message
    ``drop`` (hangs up), ``error`` (421 to QUIT), ``half-reply`` (« 250-… », then gone),
    ``reset`` (a TCP reset)."""
    with conn, conn.makefile("rb") as lines:
        conn.sendall(b"220 hostile.test ESMTP " + ESCAPES + b"\r\n")
        for raw in lines:
            verb = raw.decode("ascii", "replace").strip().upper()
            _record(record, command=verb.split(" ")[0])
            if verb.startswith("EHLO"):
                conn.sendall(b"250-hostile.test\r\n250 8BITMIME\r\n")
            elif verb.startswith("MAIL"):
                conn.sendall(b"250 2.1.0 Ok\r\n")
            elif verb.startswith("RCPT"):
                if mode == "refuse":
                    conn.sendall(b"550 5.1.1 Inconnu " + ESCAPES + b"\r\n")
                else:
                    conn.sendall(b"250 2.1.5 Ok\r\n")
            elif verb == "DATA":
                conn.sendall(b"354 Go\r\n")
                body = b"".join(iter(lines.readline, b".\r\n"))
                _record(record, body=base64.b64encode(body).decode("ascii"))
                if mode in ("drop", "error"):
                    conn.sendall(b"250 2.0.0 Ok: queued as QUIT1\r\n")
                    if mode == "drop":
                        return
                elif mode == "escapes":
                    conn.sendall(b"250 2.0.0 Ok " + ESCAPES + b" queued as E1\r\n")
                elif mode == "half-reply":  # a first line, then gone
                    conn.sendall(b"250-2.0.0 Ok: queued as H1\r\n")
                    return
                elif mode == "reset":  # the answer, then a TCP reset
                    conn.sendall(b"250 2.0.0 Ok: queued as R1\r\n")
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
            elif verb == "RSET":
                conn.sendall(b"250 Ok\r\n")
            elif verb == "QUIT":
                error = mode == "error"
                conn.sendall(b"421 4.3.0 Erreur interne\r\n" if error else b"221 Bye\r\n")
                return
            else:
                conn.sendall(b"502 5.5.2 Non\r\n")


def main(record: str, mode: str) -> None:
    """Listens on 127.0.0.1, prints the port, then serves. ``hang-up`` closes every
    connection at once and ``silent`` holds each one without a word, until killed; the
    other modes serve the fixture's readiness probe, then one session, and end."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    print(listener.getsockname()[1], flush=True)
    held = []
    probed = False
    while True:
        conn, _ = listener.accept()
        if mode == "hang-up":
            conn.close()
        elif mode == "silent":
            held.append(conn)
        elif not probed:  # the fixture's connection that checks the server is up
            probed = True
            conn.close()
        else:
            _session(conn, mode, record)
            return


if __name__ == "__main__":
    main(*sys.argv[1:])
