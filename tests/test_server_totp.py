"""Volunteers' TOTP secrets at rest: sealed in the database under a key file kept apart
and the account's own key, sealed at start when an older version left them in clear,
and a lost key file said with its name (exit 2) and recovered from by forgetting the
second factors (``rdvletters server reset-totp``)."""

from __future__ import annotations

import base64
import http.cookiejar
import os
import re
import signal
import sqlite3
import stat
import subprocess
import urllib.parse
import urllib.request

import pytest

from rdvletters.errors import InputError
from rdvletters.frdates import now_paris
from rdvletters.server.app import create_server_app
from rdvletters.server.config import load_config
from rdvletters.server.secondfactor import KEY_FILE
from rdvletters.server.setup import set_up
from rdvletters.server.store import SqliteStore

from .caddy_proxy import free_port
from .conftest import installed_cli, run_installed
from .server_helpers import (
    PASSWORD,
    Server,
    accept,
    admin_client,
    csrf_of,
    enrol_totp,
    invite,
    login,
    make_server,
    stored_totp,
    totp_now,
    write_config,
)


def _traces(secret: str) -> list[bytes]:
    """Every form a TOTP secret could take in a file: base32 (as typed, grouped, lower
    case), the raw key it encodes, and that key in hex and base64."""
    raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return [
        secret.encode(),
        secret.lower().encode(),
        grouped.encode(),
        raw,
        raw.hex().encode(),
        base64.b64encode(raw),
    ]


def _database_bytes(server) -> bytes:
    """The database as a backup would copy it: the file and its write-ahead log."""
    folder = server.config.data_dir
    return b"".join(p.read_bytes() for p in folder.glob("rdvletters.sqlite3*") if p.is_file())


def _assert_nowhere(server, secret: str) -> None:
    dump = "\n".join(sqlite3.connect(server.config.database).iterdump())
    raw_file = _database_bytes(server)
    for trace in _traces(secret):
        assert trace.decode("latin-1") not in dump
        assert trace not in raw_file


def _reopen(server):
    """The same data folder served by a new process (as after a restart)."""
    server.store.close()
    app = create_server_app(server.config)
    app.config["TESTING"] = True
    server.app = app
    return server


def _admin_and_marie(tmp_path):
    """A server, its admin's secret, and Marie (a volunteer) signed in with her own
    second factor: (server, admin secret, Marie's client, Marie's secret)."""
    server = make_server(tmp_path)
    admin, admin_secret = admin_client(server)
    token = invite(admin, "Marie Bénévole")
    marie = server.client()
    assert accept(marie, token, "marie").status_code == 303
    return server, admin_secret, marie, enrol_totp(marie)


def test_secrets_are_sealed_and_sign_in_still_works(tmp_path):
    server, admin_secret, _, marie_secret = _admin_and_marie(tmp_path)
    server.store.checkpoint()
    key_file = server.config.data_dir / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(key_file.read_bytes()) == 32
    for secret in (admin_secret, marie_secret):
        _assert_nowhere(server, secret)
    with server.store.transaction(write=False) as tx:
        values = [r["totp_secret"] for r in tx.rows("SELECT totp_secret FROM users")]
    assert all(v.startswith("sealed1:") for v in values) and len(set(values)) == 2
    assert stored_totp(server, "awa") == admin_secret
    assert stored_totp(server, "marie") == marie_secret

    _reopen(server)  # after a restart, with the same key file
    fresh = server.client()
    answer = login(fresh, "awa", PASSWORD, admin_secret)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    assert fresh.get("/").status_code == 200
    wrong = server.client()
    assert login(wrong, "marie", PASSWORD, admin_secret).status_code == 401  # not hers


def test_a_sealed_secret_copied_to_another_account_does_not_open(tmp_path):
    server, admin_secret, _, _ = _admin_and_marie(tmp_path)
    with server.store.transaction() as tx:
        tx.run(
            "UPDATE users SET totp_secret ="
            " (SELECT totp_secret FROM users WHERE login = 'awa') WHERE login = 'marie'"
        )
    assert stored_totp(server, "marie") is None
    assert login(server.client(), "marie", PASSWORD, admin_secret).status_code == 401


def _as_an_older_version_left_it(server, login_name: str, secret: str) -> None:
    """What a server before this change kept: the same schema, the secret in clear in
    ``users.totp_secret``, and no key file."""
    server.store.close()
    with sqlite3.connect(server.config.database) as raw:
        raw.execute("UPDATE users SET totp_secret = ? WHERE login = ?", (secret, login_name))
    (server.config.data_dir / KEY_FILE).unlink()


def test_clear_secrets_of_an_older_version_are_sealed_at_start(tmp_path):
    server = make_server(tmp_path)
    _, secret = admin_client(server)
    _as_an_older_version_left_it(server, "awa", secret)
    with sqlite3.connect(server.config.database) as raw:
        stored = raw.execute("SELECT totp_secret FROM users WHERE login = 'awa'").fetchone()
    assert stored == (secret,)  # the fixture is what the old code stored

    _reopen(server)
    key_file = server.config.data_dir / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    _assert_nowhere(server, secret)
    assert stored_totp(server, "awa") == secret
    client = server.client()
    assert login(client, "awa", PASSWORD, secret).status_code == 303
    assert client.get("/admin/").status_code == 200


def test_a_lost_key_file_is_named_and_the_second_factors_can_be_forgotten(tmp_path):
    server = make_server(tmp_path)
    _, secret = admin_client(server)
    server.store.close()
    key_file = server.config.data_dir / KEY_FILE
    key_file.unlink()
    config_path = server.config.source

    with pytest.raises(InputError) as error:
        create_server_app(load_config(config_path))
    assert str(key_file) in str(error.value) and "reset-totp" in error.value.hint
    done = run_installed("serve", "--config", config_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert str(key_file) in done.stderr and "reset-totp --config" in done.stderr
    assert not key_file.exists()  # nothing made that would hide the loss

    refused = run_installed("server", "reset-totp", "--config", config_path)
    assert refused.returncode == 2 and "--all" in refused.stderr
    forgot = run_installed("server", "reset-totp", "--config", config_path, "--all")
    assert forgot.returncode == 0, forgot.stderr
    assert "1 second facteur oublié" in forgot.stdout

    _reopen(server)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    client = server.client()
    answer = login(client, "awa", PASSWORD)  # the password, then a new second factor
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/second-facteur")
    new_secret = enrol_totp(client)
    assert new_secret != secret and stored_totp(server, "awa") == new_secret


def test_reset_totp_for_one_login(tmp_path):
    server, _, marie, _ = _admin_and_marie(tmp_path)
    server.store.checkpoint()
    path = server.config.source
    unknown = run_installed("server", "reset-totp", "--config", path, "--login", "personne")
    assert unknown.returncode == 2 and "personne" in unknown.stderr
    done = run_installed("server", "reset-totp", "--config", path, "--login", "marie")
    assert done.returncode == 0, done.stderr
    assert stored_totp(server, "marie") is None and stored_totp(server, "awa") is not None
    page = marie.get("/compte")
    assert page.status_code == 302  # signed out everywhere


def test_a_key_file_that_is_not_a_key_is_refused_with_its_name(tmp_path):
    server = make_server(tmp_path)
    server.store.close()
    key_file = server.config.data_dir / KEY_FILE
    key_file.write_bytes(b"short")
    with pytest.raises(InputError, match=str(key_file)):
        create_server_app(server.config)


def test_the_key_file_can_live_outside_the_data_folder(tmp_path):
    outside = tmp_path / "etc"
    outside.mkdir(mode=0o700)
    server = make_server(tmp_path, extra='totp_key_file = "etc/totp.key"\n')
    assert server.config.totp_key_file == outside / "totp.key"
    admin, secret = admin_client(server)
    assert not (server.config.data_dir / KEY_FILE).exists()
    assert stat.S_IMODE((outside / "totp.key").stat().st_mode) == 0o600
    assert stored_totp(server, "awa") == secret
    page = admin.get("/compte").get_data(as_text=True)
    assert csrf_of(page)


def _http_sign_in(base: str, login_name: str, secret: str) -> tuple[str, str]:
    """Sign in over HTTP as a browser does (cookies, CSRF, redirects followed): the
    address reached and the page's text."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def post(path: str, **fields: str):
        page = opener.open(f"{base}{path}", timeout=30).read().decode()
        data = urllib.parse.urlencode({"csrf": csrf_of(page), **fields}).encode()
        return opener.open(f"{base}{path}", data=data, timeout=30)

    answer = post("/connexion", login=login_name, password=PASSWORD)
    assert answer.url.startswith(f"{base}/connexion/code"), answer.url  # the password: right
    answer = post("/connexion/code", code=totp_now(secret, 1))
    return answer.url, answer.read().decode()


def test_sign_in_through_the_installed_server_after_an_older_version(tmp_path):
    """A data folder left by an older version (secret in clear, no key file), served by
    the installed ``rdvletters serve``: the secret is sealed at start, the volunteer
    signs in with the codes of the phone enrolled before, and the files keep no trace."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = load_config(write_config(tmp_path, public_url=base, port=port))
    done = set_up(config, "Awa Responsable")
    app = create_server_app(config)
    app.config["TESTING"] = True
    server = Server(config, app, done.invitation_token, done.recovery_text)
    _, secret = admin_client(server)
    _as_an_older_version_left_it(server, "awa", secret)

    # the suite's clock runs on from its first reading in each process: the server starts
    # its own at this process's « now », so that both compute the same TOTP step
    process = subprocess.Popen(
        [*installed_cli(), "serve", "--config", str(config.source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RDVLETTERS_NOW": now_paris().isoformat()},
    )
    try:
        for line in process.stdout:
            if "écoute sur" in line:
                break
        url, page = _http_sign_in(base, "awa", secret)
        assert url == f"{base}/" and "<h1>Dossiers</h1>" in page
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    assert process.returncode == 0
    key_file = config.data_dir / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    store = SqliteStore(config.database)
    try:
        server.app.extensions["rdv_server"].store = store
        server.app.extensions["rdv_server"].totp_key = key_file.read_bytes()
        assert stored_totp(server, "awa") == secret
    finally:
        store.close()
    _assert_nowhere(server, secret)


def test_setup_with_the_key_file_in_a_missing_folder_can_be_tried_again(tmp_path):
    path = write_config(tmp_path, extra='totp_key_file = "etc/totp.key"\n')
    first = run_installed("server", "setup", "--config", path, "--admin", "Awa")
    assert first.returncode == 2 and "Traceback" not in first.stderr
    assert str(tmp_path / "etc" / "totp.key") in first.stderr
    assert "CLÉ DE SECOURS" not in first.stdout  # nothing half made: no key was shown
    (tmp_path / "etc").mkdir(mode=0o700)
    again = run_installed("server", "setup", "--config", path, "--admin", "Awa")
    assert again.returncode == 0, again.stderr
    assert stat.S_IMODE((tmp_path / "etc" / "totp.key").stat().st_mode) == 0o600


def test_the_secret_being_enrolled_never_shows_in_the_session_cookie(tmp_path):
    """Between the set-up page and its answer, the secret travels in Flask's session
    cookie, which is signed but readable: it is sealed under the server's key and bound
    to the account, so the cookie shows none of its forms, and the same secret is shown
    again on a second load."""
    server = make_server(tmp_path)
    client = server.client()
    assert accept(client, server.invitation, "awa").status_code == 303
    page = client.get("/connexion/second-facteur").get_data(as_text=True)
    shown = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    again = client.get("/connexion/second-facteur").get_data(as_text=True)
    assert shown in again.replace(" ", "")
    cookie = client.get_cookie(server.app.config["SESSION_COOKIE_NAME"], domain="rdv.test")
    serializer = server.app.session_interface.get_signing_serializer(server.app)
    carried = serializer.loads(cookie.value)  # what anyone holding the cookie reads
    readable = repr(carried).encode() + cookie.value.encode()
    assert not any(trace in readable for trace in _traces(shown))
    assert "totp_pending" in carried
    done = client.post(
        "/connexion/second-facteur", data={"csrf": csrf_of(page), "code": totp_now(shown)}
    )
    assert done.status_code == 303
    after = client.get_cookie(cookie.key, domain="rdv.test")
    assert after is None or "totp_pending" not in serializer.loads(after.value)
