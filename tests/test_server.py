"""The association server through Flask's test client: set-up, accounts, cases, the
person's link, encryption at rest, erasure, audit and retention."""

from __future__ import annotations

import io
import json
import re
import shutil
import sqlite3
import zipfile
from datetime import timedelta

import pytest

from rdvletters.case import Case
from rdvletters.errors import CaseError, InputError
from rdvletters.evidence.proofs.verify import verify
from rdvletters.frdates import now_paris
from rdvletters.server import audit, retention
from rdvletters.server.config import load_config
from rdvletters.server.setup import set_up

from .conftest import EXAMPLE, run_installed
from .server_helpers import (
    PASSWORD,
    accept,
    admin_client,
    case_key,
    csrf_of,
    invite,
    login,
    make_link,
    make_server,
    new_case,
    plain_files,
    record_by_link,
    seed_example,
    write_config,
)

PNG = sorted((EXAMPLE / "pieces").glob("*.png"))[0].read_bytes()


@pytest.fixture
def server(tmp_path):
    return make_server(tmp_path)


@pytest.fixture
def admin(server):
    client, secret = admin_client(server)
    client.totp_secret = secret
    return client


@pytest.fixture
def seeded(server, admin):
    """(case id, link path) of a case holding the bundled example, with a live link."""
    case_id = new_case(admin)
    seed_example(server, case_id, EXAMPLE)
    return case_id, make_link(admin, case_id)


# --- configuration and set-up ---------------------------------------------------------------


def test_config_errors_name_the_file_and_the_field(tmp_path):
    path = write_config(tmp_path, extra="[retention]\ninactive_days = 'six mois'\n")
    with pytest.raises(InputError) as error:
        load_config(path)
    assert "rdvletters.toml" in str(error.value) and "retention.inactive_days" in str(error.value)
    path.write_text('[server]\ndata_dir = "d"\npublic_url = "https://x.fr"\ncouleur = 1\n')
    with pytest.raises(InputError, match="server.couleur"):
        load_config(path)
    path.write_text("[server\n")
    with pytest.raises(InputError, match="TOML invalide"):
        load_config(path)


def test_serve_with_a_bad_config_exits_2_without_traceback(tmp_path):
    path = write_config(tmp_path, extra="[links]\ndefault_days = 0\n")
    done = run_installed("serve", "--config", path)
    assert done.returncode == 2
    assert "links.default_days" in done.stderr and "Traceback" not in done.stderr


def test_serve_before_setup_says_how_to_set_up(tmp_path):
    path = write_config(tmp_path)
    done = run_installed("serve", "--config", path)
    assert done.returncode == 3 and "Traceback" not in done.stderr
    assert "rdvletters server setup --config" in done.stderr


def test_setup_prints_recovery_key_once_and_refuses_a_second_time(tmp_path):
    path = write_config(tmp_path)
    first = run_installed("server", "setup", "--config", path, "--admin", "Awa")
    assert first.returncode == 0, first.stderr
    assert "CLÉ DE SECOURS" in first.stdout and "/invitation/" in first.stdout
    key = re.search(r"^  ([A-Z2-7]{4}(-[A-Z2-7]{1,4})+)$", first.stdout, re.M).group(1)
    data = tmp_path / "data"
    assert oct(data.stat().st_mode & 0o777) == "0o700"
    assert key.replace("-", "").encode() not in b"".join(
        p.read_bytes() for p in data.rglob("*") if p.is_file()
    )
    again = run_installed("server", "setup", "--config", path, "--admin", "Awa")
    assert again.returncode == 3 and "déjà préparé" in again.stderr


# --- accounts ---------------------------------------------------------------------------------


def test_every_volunteer_page_needs_a_session(server):
    client = server.client()
    for url in ("/", "/admin/", "/compte", "/c/abc/status"):
        answer = client.get(url)
        assert answer.status_code == 302 and "/connexion" in answer.headers["Location"], url
    assert client.post("/nouveau", data={"nom": "x"}).status_code == 403


def test_admin_must_enrol_a_second_factor_before_anything(server):
    client = server.client()
    assert accept(client, server.invitation, "awa").status_code == 303
    answer = client.get("/")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/second-facteur")
    assert client.get("/admin/").status_code == 302


def test_invited_volunteer_signs_in_without_totp_unless_required(server, admin):
    token = invite(admin, "Marie Bénévole")
    marie = server.client()
    assert accept(marie, token, "marie").status_code == 303
    assert marie.get("/").status_code == 200
    assert marie.get("/admin/").status_code == 403
    assert server.client().get(f"/invitation/{token}").status_code == 404  # used once
    page = admin.get("/admin/").get_data(as_text=True)
    admin.post("/admin/reglages", data={"csrf": csrf_of(page), "totp_for_all": "1"})
    again = server.client()
    answer = login(again, "marie")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/second-facteur")


def test_session_cookie_is_secure_httponly_strict_and_rotated_at_each_stage(server, admin):
    client = server.client()
    page = client.get("/connexion")
    pre = page.headers.get("Set-Cookie", "")
    assert "rdvletters_pre" in pre
    answer = login(client, "awa")  # password right: half signed in
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("__Host-rdvletters=")
    assert all(flag in cookie for flag in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"))
    half = cookie.split(";")[0].split("=", 1)[1]
    page = client.get("/connexion/code").get_data(as_text=True)
    from .server_helpers import totp_now

    done = client.post(
        "/connexion/code", data={"csrf": csrf_of(page), "code": totp_now(admin.totp_secret, 1)}
    )
    assert done.status_code == 303
    full = done.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    assert full != half
    stale = server.client()  # the half-signed-in id is dead now
    stale.set_cookie("__Host-rdvletters", half, domain="rdv.test")
    assert stale.get("/").status_code == 302


def test_idle_session_expires(server, admin):
    assert admin.get("/").status_code == 200
    with server.store.transaction() as tx:
        old = (now_paris() - timedelta(minutes=31)).isoformat(timespec="seconds")
        tx.run("UPDATE sessions SET last_seen = :o", o=old)
    assert admin.get("/").status_code == 302


def test_password_change_keeps_every_case_open(server, admin):
    case_id = new_case(admin)
    page = admin.get("/compte").get_data(as_text=True)
    new = "une autre phrase de passe, plus longue"
    answer = admin.post(
        "/compte",
        data={"csrf": csrf_of(page), "current": PASSWORD, "password": new, "password2": new},
    )
    assert answer.status_code == 303
    fresh = server.client()
    assert login(fresh, "awa", PASSWORD, admin.totp_secret, 2).status_code == 401
    assert login(fresh, "awa", new, admin.totp_secret, 1).status_code == 303
    assert fresh.get(f"/c/{case_id}/profile/situation").status_code == 200


# --- cases ----------------------------------------------------------------------------------


def test_volunteer_sees_own_cases_then_all_when_allowed_and_hands_over(server, admin):
    mine = new_case(admin, "Traore", "Kofi")
    marie = server.client()
    accept(marie, invite(admin, "Marie"), "marie")
    hers = new_case(marie, "Diallo", "Aminata")
    assert "Aminata" in marie.get("/").get_data(as_text=True)
    assert "Kofi" not in marie.get("/").get_data(as_text=True)
    assert marie.get(f"/c/{mine}/status").status_code == 404
    assert "Aminata" in admin.get("/").get_data(as_text=True)  # admins see every case
    # hand over to a third volunteer, Marie stops following
    paul = server.client()
    accept(paul, invite(admin, "Paul"), "paul")
    assert paul.get(f"/c/{hers}/profile/situation").status_code == 404
    page = marie.get(f"/c/{hers}/dossier").get_data(as_text=True)
    paul_id = re.search(r'<option value="(\d+)">Paul<', page).group(1)
    marie.post(f"/c/{hers}/suivi/confier", data={"csrf": csrf_of(page), "volunteer": paul_id})
    assert paul.get(f"/c/{hers}/profile/situation").status_code == 200
    assert marie.get(f"/c/{hers}/profile/situation").status_code == 404
    # the admin lets Marie see every case: the team key is wrapped to her
    page = admin.get("/admin/").get_data(as_text=True)
    with server.store.transaction() as tx:
        marie_id = tx.one("SELECT id FROM users WHERE login = 'marie'")["id"]
    admin.post(
        f"/admin/utilisateur/{marie_id}",
        data={"csrf": csrf_of(page), "all_cases": "1", "active": "1"},
    )
    assert marie.get(f"/c/{mine}/profile/situation").status_code == 200


def test_everything_the_local_app_does_works_on_a_server_case(server, admin, seeded):
    case_id, _link = seeded
    assert admin.get(f"/c/{case_id}/status").status_code == 200
    page = admin.get(f"/c/{case_id}/record").get_data(as_text=True)
    answer = admin.post(
        f"/c/{case_id}/record",
        data={
            "csrf": csrf_of(page),
            "f-date-day": "27",
            "f-date-month": "11",
            "f-date-year": "2026",
            "time": "08:00",
            "channel": "web",
            "message": "Aucune plage",
            "proofs": [(io.BytesIO(PNG), "capture.png")],
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    page = admin.get(f"/c/{case_id}/documents").get_data(as_text=True)
    answer = admin.post(
        f"/c/{case_id}/documents/prepare",
        data={"csrf": csrf_of(page), "kind": "courriel", "format": "text"},
    )
    assert answer.status_code == 302
    page = admin.get(f"/c/{case_id}/documents").get_data(as_text=True)
    assert "pref-etrangers" in page or "@" in page
    bundle = admin.post(f"/c/{case_id}/bundle", data={"csrf": csrf_of(page)})
    assert bundle.headers["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(bundle.data)).namelist()
    assert any(name.endswith("01_Chronologie_des_demarches.pdf") for name in names)
    files = plain_files(server, case_id)
    lines = [json.loads(x) for x in files["journal.jsonl"].decode().splitlines() if x.strip()]
    assert lines[-2]["description"] == "Aucune plage" and lines[-1]["document"] == "courriel"
    assert any(name.startswith("documents/") for name in files)


def test_export_gives_the_plain_case_folder_whose_chain_verifies(server, admin, seeded, tmp_path):
    case_id, link = seeded
    record_by_link(server.client(), link, files=[(io.BytesIO(PNG), "Screenshot.png")])
    page = admin.get(f"/c/{case_id}/dossier").get_data(as_text=True)
    answer = admin.post(f"/c/{case_id}/export", data={"csrf": csrf_of(page)})
    assert answer.headers["Content-Type"] == "application/zip"
    zipfile.ZipFile(io.BytesIO(answer.data)).extractall(tmp_path / "out")
    (folder,) = (p.parent for p in (tmp_path / "out").rglob("journal.jsonl"))
    report = verify(Case(folder))
    assert report.ok, report.problems
    lines = (folder / "journal.jsonl").read_text().splitlines()
    assert report.entries == len(lines) and "lien personnel" in lines[-1]
    assert "Screenshot" in " ".join(p.name for p in (folder / "pieces").iterdir())
    (tmp_path / "export.zip").write_bytes(answer.data)
    imported = run_installed("import", tmp_path / "export.zip", tmp_path / "ordinateur")
    assert imported.returncode == 0, imported.stderr  # back on a computer, as the CLI's own
    assert run_installed("-C", tmp_path / "ordinateur", "verify").returncode == 0


# --- the person's link ------------------------------------------------------------------------


def test_link_records_an_attempt_with_its_screenshot_and_phone_times(server, seeded):
    case_id, link = seeded
    phone = server.client()
    home = phone.get(link)
    assert home.status_code == 200
    html = home.get_data(as_text=True)
    assert "J'ai essayé, pas de rendez-vous" in html
    assert 'accept="image/*"' in html and "manifest.webmanifest" in html
    answer = record_by_link(
        phone,
        link,
        files=[(io.BytesIO(PNG), "Screenshot_2026.png")],
        client_id="0f0e0d0c-1111-2222-3333-444455556666",
        phone_time="2026-11-30T09:31:05+01:00",
        offline_since="2026-11-30T09:31:06+01:00",
    )
    assert answer.status_code == 200 and answer.json["ok"] and answer.json["pieces"] == 1
    entry = json.loads(plain_files(server, case_id)["journal.jsonl"].splitlines()[-1])
    assert entry["recu_par"] == "lien personnel"
    assert entry["date"] == "2026-11-30T09:30:00+01:00"  # taken, as stated
    assert entry["telephone"]["heure"] == "2026-11-30T09:31:05+01:00"
    assert entry["telephone"]["hors_ligne_depuis"] == "2026-11-30T09:31:06+01:00"
    assert entry["pieces"][0]["original"] == "Screenshot_2026.png"
    arrived = entry["pieces"][0]["conditions"]  # the « conditions de réception » sheet
    assert arrived["voie"] == "serveur" and arrived["serveur"] == "https://rdv.test"
    assert arrived["type_lu"] == "png" and arrived["taille"] == len(PNG)
    # a retry of the same attempt (its answer lost) is not recorded twice
    again = record_by_link(
        phone,
        link,
        files=[(io.BytesIO(PNG), "Screenshot_2026.png")],
        client_id="0f0e0d0c-1111-2222-3333-444455556666",
    )
    assert again.json["n"] == answer.json["n"]
    lines = plain_files(server, case_id)["journal.jsonl"].splitlines()
    assert sum(b"0f0e0d0c-1111" in line for line in lines) == 1


def test_link_page_shows_status_documents_and_who_opened_in_english(server, admin, seeded):
    case_id, link = seeded
    admin.get(f"/c/{case_id}/status")  # Awa opens the case
    phone = server.client()
    html = phone.get(link, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Where I stand" in html and "Awa Responsable" in html
    assert "situation consulted" in html or "status viewed" in html
    assert "Diallo" not in html.split("<main")[0]  # no name in the page's head
    assert "Bamako" not in html and "1990" not in html  # nothing of the profile's details


def test_manifest_and_worker_make_an_installable_share_target(server, seeded):
    _case_id, link = seeded
    phone = server.client()
    manifest = phone.get(f"{link}manifest.webmanifest")
    assert manifest.headers["Content-Type"].startswith("application/manifest+json")
    data = manifest.json
    assert data["start_url"] == link and data["display"] == "standalone"
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    share = data["share_target"]
    assert share["method"] == "POST" and share["enctype"] == "multipart/form-data"
    assert share["action"] == f"{link}partage" and share["params"]["files"][0]["name"] == "proofs"
    worker = phone.get("/p/sw.js")
    assert worker.headers["Service-Worker-Allowed"] == "/p/"
    assert "worker-src 'self'" in phone.get(link).headers["Content-Security-Policy"]
    icon = phone.get("/p/icon-192.png")
    assert icon.data.startswith(b"\x89PNG")


# --- what the server holds ----------------------------------------------------------------------


def test_a_copy_of_the_data_folder_reveals_no_name_no_journal_line_no_screenshot(
    server, admin, seeded, tmp_path
):
    case_id, link = seeded
    record_by_link(
        server.client(),
        link,
        files=[(io.BytesIO(PNG), "Screenshot.png")],
        message="autre",
        other="Message unique XYZZY du site",
    )
    admin.get(f"/c/{case_id}/status")
    copy = tmp_path / "copie"
    shutil.copytree(server.config.data_dir, copy)  # the folder and the database, WAL included
    blob = b"".join(p.read_bytes() for p in copy.rglob("*") if p.is_file())
    for secret in (
        b"Diallo",
        b"DIALLO",
        b"Aminata",
        b"Bamako",
        b"XYZZY",
        b"Aucune plage horaire",
        b"precedent",
        b"enregistre_le",
    ):
        assert secret not in blob, secret
    assert PNG[200:264] not in blob  # no screenshot bytes
    assert "Diallo".encode("utf-16-le") not in blob
    workspaces = list(
        server.app.extensions["rdv_server"].vault.workspace_parent.glob(
            server.app.extensions["rdv_server"].vault.prefix + "*"
        )
    )
    assert workspaces == []  # the clear workspace is gone after each request


def test_erasure_destroys_keys_and_files(server, admin, seeded):
    case_id, link = seeded
    page = admin.get(f"/c/{case_id}/dossier").get_data(as_text=True)
    refused = admin.post(f"/c/{case_id}/effacer", data={"csrf": csrf_of(page), "confirm": "oui"})
    assert refused.status_code == 303 and case_key(server, case_id) is not None
    admin.post(f"/c/{case_id}/effacer", data={"csrf": csrf_of(page), "confirm": "EFFACER"})
    with server.store.transaction() as tx:
        assert tx.rows("SELECT * FROM case_keys WHERE case_id = :c", c=case_id) == []
        assert tx.one("SELECT label_blob FROM cases WHERE id = :c", c=case_id)["label_blob"] is None
    assert not (server.config.vault_dir / case_id).exists()
    assert case_key(server, case_id) is None  # not even the recovery key opens it
    assert server.client().get(link).status_code == 404
    assert admin.get(f"/c/{case_id}/status").status_code == 404


def test_recovery_key_opens_a_case_through_the_installed_command(server, admin, seeded, tmp_path):
    import subprocess

    from .conftest import installed_cli

    case_id, _link = seeded

    def recover(out, key):
        command = ["server", "recover", "--config", str(server.config.source)]
        return subprocess.run(
            installed_cli() + command + ["--case", case_id, "-o", str(out)],
            input=key + "\n",
            capture_output=True,
            text=True,
            timeout=60,
        )

    out = tmp_path / "secours.zip"
    done = recover(out, server.recovery)
    assert done.returncode == 0, done.stderr
    names = zipfile.ZipFile(out).namelist()
    assert "cas/profil.yaml" in names and "cas/journal.jsonl" in names
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    wrong = recover(tmp_path / "x.zip", "AAAA" * 13)
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr


# --- audit and retention --------------------------------------------------------------------------


def test_audit_log_is_append_only_and_its_chain_detects_edits(server, admin, seeded):
    case_id, link = seeded
    admin.get(f"/c/{case_id}/status")
    server.client().get(link)
    events = audit.events(server.store, case_id)
    assert [e.actor for e in events][:2] == ["lien", "Awa Responsable"]
    assert audit.verify_chain(server.store) == []
    raw = sqlite3.connect(server.config.database)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("UPDATE audit SET actor = 'x' WHERE seq = 1")
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("UPDATE audit SET actor = 'quelqu''un' WHERE seq = 2")
    raw.commit()
    raw.close()
    assert audit.verify_chain(server.store) == [2]
    page = admin.get("/admin/journal").get_data(as_text=True)
    assert "a été modifié" in page


def test_retention_flags_then_erases_after_the_notice(server, admin, seeded):
    case_id, _link = seeded
    ctx = server.app.extensions["rdv_server"]
    with server.store.transaction() as tx:
        old = (now_paris() - timedelta(days=200)).isoformat(timespec="seconds")
        tx.run("UPDATE cases SET last_activity = :o WHERE id = :c", o=old, c=case_id)
    done = retention.run(ctx)
    assert done.flagged == [case_id] and done.erased == []
    assert "inactif" in admin.get("/").get_data(as_text=True)
    ctx.config = ctx.config.__class__(**{**ctx.config.__dict__, "auto_erase": True})
    with server.store.transaction() as tx:
        old = (now_paris() - timedelta(days=400)).isoformat(timespec="seconds")
        tx.run(
            "UPDATE cases SET last_activity = :o, flagged_at = :f WHERE id = :c",
            o=old,
            f=(now_paris() - timedelta(days=31)).isoformat(timespec="seconds"),
            c=case_id,
        )
    done = retention.run(ctx)
    assert done.erased == [case_id]
    assert case_key(server, case_id) is None


def test_setup_refuses_an_existing_folder(tmp_path):
    config = load_config(write_config(tmp_path))
    set_up(config, "A")
    with pytest.raises(CaseError):
        set_up(config, "B")


def test_the_deployment_examples_are_valid(tmp_path):
    from .conftest import ROOT

    for name in ("rdvletters.toml", "rdvletters-docker.toml"):
        config = load_config(ROOT / "deploy" / name)
        assert config.trusted_proxy and config.public_url.startswith("https://")
    unit = (ROOT / "deploy" / "rdvletters.service").read_text()
    for line in ("DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes", "UMask=0077"):
        assert line in unit
    if shutil.which("caddy"):
        import subprocess

        for name in ("Caddyfile", "Caddyfile.docker"):
            done = subprocess.run(
                [
                    "caddy",
                    "validate",
                    "--config",
                    str(ROOT / "deploy" / name),
                    "--adapter",
                    "caddyfile",
                ],
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stderr


def test_admin_resets_a_lost_second_factor(server, admin):
    marie = server.client()
    accept(marie, invite(admin, "Marie", role="admin"), "marie")
    from .server_helpers import enrol_totp

    enrol_totp(marie)
    with server.store.transaction() as tx:
        marie_id = tx.one("SELECT id FROM users WHERE login = 'marie'")["id"]
    page = admin.get("/admin/").get_data(as_text=True)
    assert "réinitialiser le second facteur" in page
    admin.post(
        f"/admin/utilisateur/{marie_id}",
        data={"csrf": csrf_of(page), "active": "1", "all_cases": "1", "reset_totp": "1"},
    )
    assert marie.get("/").status_code == 302  # signed out everywhere
    again = server.client()
    answer = login(again, "marie")
    assert answer.headers["Location"].endswith("/second-facteur")  # enrols a new one
