"""Faults: timestamps on receipt (authority up, down, back), a crash while a case is
written back, and a server killed in the middle of an upload."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid

import pytest

from rdvletters.server.jobs import Jobs

from .conftest import EXAMPLE, installed_cli
from .server_helpers import (
    admin_client,
    case_key,
    make_link,
    make_server,
    new_case,
    plain_files,
    record_by_link,
    seed_example,
    write_config,
)
from .tsa_server import LocalTSA, closed_port_url, make_pki

PNG = sorted((EXAMPLE / "pieces").glob("*.png"))[0].read_bytes()
needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl absent")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


def _with_jobs(server):
    ctx = server.app.extensions["rdv_server"]
    ctx.jobs = Jobs(ctx)
    ctx.jobs.start()
    return ctx.jobs


def _journal(server, case_id):
    return [json.loads(x) for x in plain_files(server, case_id)["journal.jsonl"].splitlines()]


@needs_openssl
def test_each_proof_received_is_timestamped_and_the_volunteer_sees_three_times(tmp_path, pki):
    with LocalTSA(pki) as tsa:
        extra = (
            f'[timestamp]\nauthorities = [{{ url = "{tsa.url}", name = "TSA de test", '
            f'certificate = "{pki.ca}" }}]\n'
        )
        server = make_server(tmp_path, extra=extra)
        jobs = _with_jobs(server)
        admin, _secret = admin_client(server)
        case_id = new_case(admin)
        seed_example(server, case_id, EXAMPLE)
        link = make_link(admin, case_id)
        answer = record_by_link(
            server.client(),
            link,
            files=[(io.BytesIO(PNG), "c.png")],
            phone_time="2026-11-30T09:31:00+01:00",
        )
        assert jobs.wait(60)
        jobs.stop()
    n = answer.json["n"]
    entries = _journal(server, case_id)
    stamps = [e for e in entries if e["type"] == "horodatage"]
    assert stamps and stamps[-1]["entree"] >= n and stamps[-1]["autorite"] == "TSA de test"
    html = admin.get(f"/c/{case_id}/recu").get_data(as_text=True)
    row = html[html.index(f'id="recu-{n}"') :].split("</tr>")[0]
    assert "TSA de test" in row and "30 nov. 2026, 09:30" in row and "09:31" in row


@needs_openssl
def test_authority_down_keeps_the_case_pending_and_the_next_visit_stamps_it(tmp_path, pki):
    down = closed_port_url()
    extra = (
        f'[timestamp]\nauthorities = [{{ url = "{down}", name = "TSA" }}]\ntimeout_seconds = 2\n'
    )
    server = make_server(tmp_path, extra=extra)
    jobs = _with_jobs(server)
    admin, _secret = admin_client(server)
    case_id = new_case(admin)
    seed_example(server, case_id, EXAMPLE)
    link = make_link(admin, case_id)
    record_by_link(server.client(), link, files=[(io.BytesIO(PNG), "c.png")])
    assert jobs.wait(60)
    with server.store.transaction() as tx:
        assert tx.one("SELECT case_id FROM stamp_pending")["case_id"] == case_id
    assert "en_attente.json" in " ".join(plain_files(server, case_id))
    with LocalTSA(pki) as tsa:
        ctx = server.app.extensions["rdv_server"]
        from rdvletters.server.config import Authority

        ctx.config = ctx.config.__class__(
            **{**ctx.config.__dict__, "authorities": (Authority(tsa.url, "TSA", pki.ca),)}
        )
        admin.get(f"/c/{case_id}/status")  # a volunteer opens the case: the retry is scheduled
        assert jobs.wait(60)
        jobs.stop()
    with server.store.transaction() as tx:
        assert tx.one("SELECT case_id FROM stamp_pending") is None
    assert any(e["type"] == "horodatage" for e in _journal(server, case_id))


def test_a_crash_before_the_manifest_is_replaced_leaves_the_old_case_whole(tmp_path, monkeypatch):
    server = make_server(tmp_path)
    admin, _secret = admin_client(server)
    case_id = new_case(admin)
    seed_example(server, case_id, EXAMPLE)
    before = plain_files(server, case_id)
    vault = server.app.extensions["rdv_server"].vault
    blobs = vault.folder(case_id) / "blobs"
    count = len(list(blobs.iterdir()))

    def crash(*args, **kwargs):
        raise OSError("power cut")

    monkeypatch.setattr(vault, "_write_manifest", crash)
    with (
        pytest.raises(OSError),
        vault.locked(case_id),
        vault.checkout(case_id, case_key(server, case_id)) as root,
    ):
        (root / "journal.jsonl").write_bytes(b"half a journal")
        (root / "pieces" / "new.png").write_bytes(PNG)
    assert len(list(blobs.iterdir())) == count + 2  # new blobs written, never named
    monkeypatch.undo()
    assert plain_files(server, case_id) == before  # the old manifest: the old case
    assert len(list(blobs.iterdir())) == count  # and the orphans are gone


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(config_path):
    process = subprocess.Popen(
        installed_cli() + ["serve", "--config", str(config_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()  # « rdvletters écoute sur … »
    assert "127.0.0.1" in line, process.stderr.read()
    return process


def test_server_killed_mid_upload_writes_nothing_and_the_phone_retry_lands_once(tmp_path):
    from rdvletters.server.app import create_server_app
    from rdvletters.server.config import load_config
    from rdvletters.server.setup import set_up

    from .server_helpers import Server

    port = _free_port()
    path = write_config(tmp_path, public_url=f"http://127.0.0.1:{port}", port=port)
    config = load_config(path)
    done = set_up(config, "Awa")
    app = create_server_app(config)
    server = Server(config, app, done.invitation_token, done.recovery_text)

    admin, _secret = admin_client(server)
    case_id = new_case(admin)
    seed_example(server, case_id, EXAMPLE)
    link = make_link(admin, case_id)
    before = plain_files(server, case_id)
    process = _start(path)
    try:
        token_page = _http(port, "GET", link)
        csrf = re.search(rb'name="csrf" value="([0-9a-f]+)"', token_page).group(1).decode()
        client_id = str(uuid.uuid4())
        body, boundary = _multipart(csrf, client_id)
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(_head(port, f"{link}essai", boundary, len(body)))
            sock.sendall(body[: len(body) // 2])  # half of the screenshot…
            time.sleep(0.3)
            process.send_signal(signal.SIGKILL)  # …and the server dies
            process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert plain_files(server, case_id) == before  # nothing half-written
    leftovers = list(
        server.app.extensions["rdv_server"].vault.workspace_parent.glob(
            server.app.extensions["rdv_server"].vault.prefix + "*"
        )
    )
    process = _start(path)  # the phone retries once the server is back
    try:
        assert not any(p.exists() for p in leftovers)
        for _ in range(2):  # the second time, as if the first answer had been lost
            reply = _http(port, "POST", f"{link}essai", body, boundary)
            assert b'"ok":true' in reply.replace(b" ", b"")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    entries = _journal(server, case_id)
    assert sum(e.get("telephone", {}).get("id") == client_id for e in entries) == 1
    assert entries[-1]["pieces"][0]["sha256"]


def _multipart(csrf: str, client_id: str) -> tuple[bytes, str]:
    boundary = "rdvletters" + uuid.uuid4().hex
    fields = {
        "csrf": csrf,
        "channel": "web",
        "date": "2026-11-30",
        "time": "09:00",
        "message": "Aucune plage horaire libre pour le moment",
        "client_id": client_id,
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="proofs"; '
        f'filename="capture.png"\r\nContent-Type: image/png\r\n\r\n'.encode()
        + PNG
        + os.urandom(300_000)
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), boundary


def _head(port: int, path: str, boundary: str, length: int) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode()


def _http(port: int, method: str, path: str, body: bytes = b"", boundary: str = "") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        if method == "GET":
            sock.sendall(
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Connection: close\r\n\r\n".encode()
            )
        else:
            sock.sendall(_head(port, path, boundary, len(body)) + body)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)
