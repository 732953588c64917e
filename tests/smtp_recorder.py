"""A recording SMTP server for the sending tests, run as its own process (aiosmtpd in the
process's main thread): no server thread lives in the pytest process, whose interpreter
a thread closing its sockets at the wrong moment once crashed (a segfault in CI).

Usage: ``python smtp_recorder.py RECORD PASSWORD [--refuse ADDRESS] [--smtputf8]``.
It listens on 127.0.0.1 (a port the system picks), prints that port once listening, and
appends one JSON line per message it accepts to RECORD *before* answering 250: when the
client has its answer, the record is on disk."""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import socket
import sys

from aiosmtpd.smtp import SMTP, AuthResult


class Recorder:
    """Keeps what it received in the record file, and can refuse a recipient."""

    def __init__(self, record: str, refuse: str | None) -> None:
        self.record = record
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == self.refuse:
            return "550 5.1.1 Destinataire inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        line = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "mail_options": list(envelope.mail_options),
            "content": base64.b64encode(envelope.original_content).decode("ascii"),
            "host_name": session.host_name,
        }
        with open(self.record, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
            out.flush()
            os.fsync(out.fileno())
        return "250 2.0.0 Ok: queued as ABC123"


def _authenticator(password: bytes):
    def check(server, session, envelope, mechanism, auth_data):
        # handled=False: the server itself answers 535 to a wrong password
        return AuthResult(success=auth_data.password == password, handled=False)

    return check


async def _serve(args: argparse.Namespace) -> None:
    handler = Recorder(args.record, args.refuse)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(
            handler,
            hostname="smtp.test",
            authenticator=_authenticator(args.password.encode()),
            auth_require_tls=False,
            enable_SMTPUTF8=args.smtputf8,
        ),
        sock=listener,
    )
    print(listener.getsockname()[1], flush=True)  # listening: the fixture may connect
    await server.serve_forever()  # until the fixture kills it


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("record")
    parser.add_argument("password")
    parser.add_argument("--refuse")
    parser.add_argument("--smtputf8", action="store_true")
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
