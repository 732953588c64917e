"""Helpers for the server's tests: a configured, set-up server and signed-in clients."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyotp
from flask.testing import FlaskClient

from rdvletters.frdates import now_paris
from rdvletters.server.app import create_server_app
from rdvletters.server.config import load_config
from rdvletters.server.setup import set_up

PUBLIC = "https://rdv.test"
PASSWORD = "une phrase de passe assez longue"


def write_config(folder: Path, public_url: str = PUBLIC, extra: str = "", port: int = 8080) -> Path:
    path = folder / "rdvletters.toml"
    path.write_text(
        f"""
[server]
data_dir = "data"
public_url = "{public_url}"
port = {port}

[security]
argon2_memory_kib = 8192
argon2_time_cost = 1
{extra}
""",
        encoding="utf-8",
    )
    return path


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def totp_now(secret: str, steps_ahead: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.at(now_paris().timestamp() + steps_ahead * totp.interval)


class ServerClient(FlaskClient):
    """Every request to the server's public address, over HTTPS."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", self.application.extensions["rdv_server"].config.public_url)
        return super().open(*args, **kwargs)


@dataclass
class Server:
    config: object
    app: object
    invitation: str
    recovery: str

    def client(self):
        self.app.test_client_class = ServerClient
        return self.app.test_client()

    @property
    def store(self):
        return self.app.extensions["rdv_server"].store


def make_server(folder: Path, extra: str = "") -> Server:
    config = load_config(write_config(folder, extra=extra))
    done = set_up(config, "Awa Responsable")
    app = create_server_app(config)
    app.config["TESTING"] = True
    return Server(config, app, done.invitation_token, done.recovery_text)


def accept(client, token: str, login: str, password: str = PASSWORD):
    page = client.get(f"/invitation/{token}")
    assert page.status_code == 200, page.status_code
    return client.post(
        f"/invitation/{token}",
        data={
            "csrf": csrf_of(page.get_data(as_text=True)),
            "login": login,
            "password": password,
            "password2": password,
        },
    )


def enrol_totp(client) -> str:
    """Enrol the second factor from the set-up page; returns the secret."""
    page = client.get("/connexion/second-facteur").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    done = client.post(
        "/connexion/second-facteur", data={"csrf": csrf_of(page), "code": totp_now(secret)}
    )
    assert done.status_code == 303, done.get_data(as_text=True)
    return secret


def login(
    client,
    login_name: str,
    password: str = PASSWORD,
    secret: str | None = None,
    steps_ahead: int = 1,
):
    page = client.get("/connexion").get_data(as_text=True)
    answer = client.post(
        "/connexion", data={"csrf": csrf_of(page), "login": login_name, "password": password}
    )
    if secret is None or answer.status_code != 303:
        return answer
    page = client.get("/connexion/code").get_data(as_text=True)
    return client.post(
        "/connexion/code", data={"csrf": csrf_of(page), "code": totp_now(secret, steps_ahead)}
    )


def admin_client(server: Server):
    """A signed-in admin (invitation accepted, second factor enrolled) and its secret."""
    client = server.client()
    assert accept(client, server.invitation, "awa").status_code == 303
    secret = enrol_totp(client)
    return client, secret


def invite(admin, name: str, role: str = "volunteer", all_cases: bool = False) -> str:
    page = admin.get("/admin/").get_data(as_text=True)
    data = {"csrf": csrf_of(page), "name": name, "role": role}
    if all_cases:
        data["all_cases"] = "1"
    answer = admin.post("/admin/invitation", data=data).get_data(as_text=True)
    return re.search(r"/invitation/([A-Za-z0-9_-]+)", answer).group(1)


def new_case(client, nom: str = "Diallo", prenom: str = "Aminata") -> str:
    page = client.get("/").get_data(as_text=True)
    answer = client.post("/nouveau", data={"csrf": csrf_of(page), "nom": nom, "prenom": prenom})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return re.search(r"/c/([0-9a-f]+)/", answer.headers["Location"]).group(1)


def case_key(server: Server, case_id: str) -> bytes:
    """The case key through the recovery key (tests only: the server never has it)."""
    from rdvletters.server import caseindex, keys

    private = keys.recovery_from_text(server.recovery)
    return caseindex.key_for_recovery(server.store, case_id, private)


def seed_example(server: Server, case_id: str, example: Path) -> None:
    """Put a bundled example's profile, journal and pieces into a server case."""
    import shutil

    vault = server.app.extensions["rdv_server"].vault
    key = case_key(server, case_id)
    with vault.locked(case_id), vault.checkout(case_id, key) as root:
        for path in example.rglob("*"):
            if path.is_file():
                target = root / path.relative_to(example)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)


def plain_files(server: Server, case_id: str) -> dict[str, bytes]:
    """The case's files in clear (through the recovery key)."""
    vault = server.app.extensions["rdv_server"].vault
    key = case_key(server, case_id)
    with vault.locked(case_id), vault.checkout(case_id, key) as root:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }


def make_link(client, case_id: str, days: int = 30) -> str:
    """A new personal link's path (``/p/<token>/``)."""
    page = client.get(f"/c/{case_id}/dossier").get_data(as_text=True)
    answer = client.post(f"/c/{case_id}/lien", data={"csrf": csrf_of(page), "days": str(days)})
    assert answer.status_code == 200
    return re.search(r'value="https?://[^/"]+(/p/[^"]+/)"', answer.get_data(as_text=True)).group(1)


def record_by_link(client, link: str, files=(), accept_json: bool = True, **fields):
    page = client.get(link).get_data(as_text=True)
    data = {
        "csrf": csrf_of(page),
        "channel": "web",
        "date": "2026-11-30",
        "time": "09:30",
        "message": "Aucune plage horaire libre pour le moment",
        **fields,
    }
    if files:
        data["proofs"] = list(files)
    headers = {"Accept": "application/json"} if accept_json else {}
    return client.post(
        f"{link}essai", data=data, headers=headers, content_type="multipart/form-data"
    )


def stored_totp(server: Server, login_name: str, password: str = PASSWORD) -> str | None:
    """The TOTP secret kept for an account, opened as the server opens it at sign-in
    (the account's private key from its password, and the server's TOTP key)."""
    from rdvletters.server import keys, secondfactor

    with server.store.transaction(write=False) as tx:
        row = tx.one("SELECT * FROM users WHERE login = :l", l=login_name)
    private = keys.open_private(bytes(row["private_blob"]), password, server.config.argon2)
    ctx = server.app.extensions["rdv_server"]
    return secondfactor.open_secret(ctx.totp_key, row["id"], private, row["totp_secret"])
