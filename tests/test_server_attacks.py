"""Attacks on the association server: IDOR, guessed, revoked and expired links, brute
force, TOTP replay, CSRF, XSS through every field, lying uploads, path traversal."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest

from rdvletters.frdates import now_paris

from .conftest import EXAMPLE, EXAMPLE_ANEF
from .server_helpers import (
    PASSWORD,
    accept,
    admin_client,
    csrf_of,
    invite,
    login,
    make_link,
    make_server,
    new_case,
    plain_files,
    record_by_link,
    seed_example,
    stored_totp,
    totp_now,
)

PNG = sorted((EXAMPLE / "pieces").glob("*.png"))[0].read_bytes()
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def two(tmp_path):
    """A server with two cases (A: Aminata, B: Kofi) and a link for each."""
    server = make_server(tmp_path)
    admin, secret = admin_client(server)
    admin.totp_secret = secret
    a, b = new_case(admin, "Diallo", "Aminata"), new_case(admin, "Mensah", "Kofi")
    seed_example(server, a, EXAMPLE)
    seed_example(server, b, EXAMPLE_ANEF)
    return server, admin, (a, make_link(admin, a)), (b, make_link(admin, b))


def test_link_of_case_a_opens_nothing_of_case_b(two):
    server, admin, (a, link_a), (b, link_b) = two
    phone = server.client()
    # B has documents; A's link asks for them by number
    page = admin.get(f"/c/{b}/documents").get_data(as_text=True)
    admin.post(
        f"/c/{b}/documents/prepare",
        data={"csrf": csrf_of(page), "kind": "courriel", "format": "text"},
    )
    b_entries = [json.loads(x) for x in plain_files(server, b)["journal.jsonl"].splitlines()]
    doc_n = b_entries[-1]["n"]
    b_doc = phone.get(f"{link_b}document/{doc_n}")
    assert b_doc.status_code == 200 and b"Mensah" in b_doc.data.replace(b"MENSAH", b"Mensah")
    a_doc = phone.get(f"{link_a}document/{doc_n}")
    assert a_doc.status_code == 404 or b"Mensah" not in a_doc.data.replace(b"MENSAH", b"Mensah")
    for url in (f"/c/{b}/status", f"/c/{b}/piece/1/0", f"/c/{b}/dossier", "/", "/admin/"):
        answer = phone.get(url)  # no session: the link is no account
        assert answer.status_code == 302 and "/connexion" in answer.headers["Location"], url
    html = phone.get(link_a).get_data(as_text=True)
    assert "Kofi" not in html and "Mensah" not in html
    # A's page form posted with B's path and A's CSRF: refused
    answer = phone.post(f"{link_b}essai", data={"csrf": csrf_of(html), "channel": "web"})
    assert answer.status_code == 403


def test_guessed_revoked_and_expired_links_get_the_same_404_and_guessing_is_slowed(two):
    server, admin, (a, link_a), _ = two
    phone = server.client()
    assert phone.get("/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/").status_code == 404
    other = "y" if link_a[-2] == "x" else "x"  # one character changed, whatever it was
    assert phone.get(link_a[:-2] + other + "/").status_code == 404
    page = admin.get(f"/c/{a}/dossier").get_data(as_text=True)
    import re

    token_hash = re.search(r"/lien/([0-9a-f]{64})/revoquer", page).group(1)
    admin.post(f"/c/{a}/lien/{token_hash}/revoquer", data={"csrf": csrf_of(page)})
    assert phone.get(link_a).status_code == 404
    fresh = make_link(admin, a, days=1)
    assert phone.get(fresh).status_code == 200
    with server.store.transaction() as tx:
        tx.run(
            "UPDATE links SET expires_at = :e", e=(now_paris() - timedelta(minutes=1)).isoformat()
        )
    assert phone.get(fresh).status_code == 404
    codes = {phone.get(f"/p/guess{i:028d}/").status_code for i in range(40)}
    assert 429 in codes


def test_login_brute_force_is_rate_limited_even_with_the_right_password(tmp_path):
    server = make_server(tmp_path)
    admin, secret = admin_client(server)
    attacker = server.client()
    for _ in range(5):
        assert login(attacker, "awa", "mauvais mot de passe").status_code == 401
    assert login(attacker, "awa", "mauvais mot de passe").status_code == 429
    assert login(attacker, "awa", PASSWORD).status_code == 429  # locked for the window
    assert login(attacker, "personne", "x").status_code in (401, 429)


def test_totp_code_is_accepted_once_only(tmp_path):
    server = make_server(tmp_path)
    admin, secret = admin_client(server)  # enrolment used the current step
    first = server.client()
    assert login(first, "awa", PASSWORD, secret, 1).status_code == 303
    replay = server.client()
    answer = login(replay, "awa", PASSWORD, secret, 1)  # the same code again
    assert answer.status_code == 401
    assert replay.get("/").status_code == 302  # still only half signed in
    wrong = server.client()
    login(wrong, "awa", PASSWORD)
    page = wrong.get("/connexion/code").get_data(as_text=True)
    for _ in range(5):
        wrong.post("/connexion/code", data={"csrf": csrf_of(page), "code": "000000"})
    answer = wrong.post(
        "/connexion/code", data={"csrf": csrf_of(page), "code": totp_now(secret, 1)}
    )
    assert answer.status_code == 429


def test_an_enrolled_second_factor_cannot_be_replaced_from_a_session(tmp_path):
    server = make_server(tmp_path)
    admin, secret = admin_client(server)
    answer = admin.get("/connexion/second-facteur")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/compte")
    with server.store.transaction() as tx:
        before = tx.one("SELECT totp_secret FROM users WHERE login = 'awa'")["totp_secret"]
    page = admin.get("/compte").get_data(as_text=True)
    admin.post("/connexion/second-facteur", data={"csrf": csrf_of(page), "code": "123456"})
    with server.store.transaction() as tx:
        stored = tx.one("SELECT totp_secret FROM users WHERE login = 'awa'")["totp_secret"]
    assert stored == before and stored_totp(server, "awa") == secret


def test_a_session_id_planted_before_login_is_never_used_after(tmp_path):
    server = make_server(tmp_path)
    admin_client(server)
    victim = server.client()
    victim.set_cookie("rdvletters_sid", "planted", domain="rdv.test")
    victim.set_cookie("__Host-rdvletters", "planted", domain="rdv.test")
    answer = login(victim, "awa")
    assert "planted" not in answer.headers["Set-Cookie"]
    with server.store.transaction() as tx:
        from rdvletters.server.keys import token_hash

        assert (
            tx.one("SELECT 1 AS x FROM sessions WHERE sid_hash = :h", h=token_hash("planted"))
            is None
        )


def test_forms_without_the_right_csrf_token_are_refused(two):
    server, admin, (a, link_a), _ = two
    assert admin.post("/nouveau", data={"nom": "X", "prenom": "Y"}).status_code == 403
    assert (
        admin.post("/nouveau", data={"csrf": "0" * 64, "nom": "X", "prenom": "Y"}).status_code
        == 403
    )
    other, _secret = admin, None
    page = admin.get("/").get_data(as_text=True)
    foreign = admin.post(
        "/nouveau",
        data={"csrf": csrf_of(page), "nom": "X", "prenom": "Y"},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    assert server.client().post(f"{link_a}essai", data={"channel": "web"}).status_code == 403
    anonymous = server.client()
    assert (
        anonymous.post("/connexion", data={"login": "awa", "password": PASSWORD}).status_code == 403
    )
    del other


def test_text_from_every_field_is_shown_escaped(two):
    server, admin, (a, link_a), _ = two
    phone = server.client()
    answer = record_by_link(
        phone, link_a, files=[(io.BytesIO(PNG), f"{XSS}.png")], message="autre", other=XSS
    )
    assert answer.status_code == 200
    page = admin.get(f"/c/{a}/record").get_data(as_text=True)
    recorded = admin.post(
        f"/c/{a}/record",
        data={
            "csrf": csrf_of(page),
            "f-date-day": "29",
            "f-date-month": "11",
            "f-date-year": "2026",
            "time": "10:00",
            "channel": "counter",
            "message": XSS,
            "witness": XSS,
            "reference": XSS,
        },
    )
    assert recorded.status_code == 303  # the text really went into the journal
    token = invite(admin, XSS)
    marie = server.client()
    accept(marie, token, "marie")
    for client, url in (
        (phone, link_a),
        (admin, f"/c/{a}/status"),
        (admin, f"/c/{a}/recu"),
        (admin, "/admin/"),
        (admin, "/admin/journal"),
        (admin, f"/c/{a}/dossier"),
    ):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, url
    assert "&lt;script&gt;" in admin.get(f"/c/{a}/recu").get_data(as_text=True)


def test_uploads_lying_about_their_type_are_refused_and_nothing_is_written(two):
    server, _admin, (a, link_a), _ = two
    before = plain_files(server, a)
    phone = server.client()
    for data, name in (
        (b"<html><script>x</script></html>", "capture.png"),
        (b"MZ\x90\x00 executable", "photo.jpg"),
        (b"GIF89a....", "anim.png"),
        (b"", "vide.png"),
    ):
        answer = record_by_link(phone, link_a, files=[(io.BytesIO(data), name)])
        assert answer.status_code == 400 and not answer.json["ok"], name
    assert plain_files(server, a) == before
    ok = record_by_link(phone, link_a, files=[(io.BytesIO(PNG), "capture.jpg")])  # a PNG named .jpg
    entry = json.loads(plain_files(server, a)["journal.jsonl"].splitlines()[-1])
    assert ok.status_code == 200 and entry["pieces"][0]["fichier"].endswith(".png")


def test_paths_in_addresses_never_reach_the_disk(two):
    server, admin, (a, link_a), _ = two
    for url in (
        "/c/..%2F..%2Fetc/status",
        "/c/../../etc/passwd",
        f"/c/{a}/piece/1/../../x",
        f"/c/{a}%2F..%2F/status",
        "/s/../secret.key",
        "/s/%2e%2e/secret.key",
        "/static/../server/keys.py",
    ):
        answer = admin.get(url)
        assert answer.status_code in (400, 404, 308), (url, answer.status_code)
        assert b"PRIVATE" not in answer.data and b"def seal" not in answer.data
    phone = server.client()
    for url in (
        f"{link_a}document/..%2F..%2Fsecret.key",
        f"{link_a}../../c/{a}/status",
        "/p/..%2F..%2Fsecret.key/",
    ):
        assert phone.get(url).status_code in (302, 404), url


def test_volunteer_cannot_reach_a_case_by_its_id_or_the_admin_pages(two):
    server, admin, (a, _), (b, _) = two
    paul = server.client()
    accept(paul, invite(admin, "Paul"), "paul")
    for url in (
        f"/c/{a}/status",
        f"/c/{a}/dossier",
        f"/c/{a}/recu",
        f"/c/{a}/documents",
        f"/c/{a}/profile/situation",
        f"/c/{b}/piece/1/0",
    ):
        assert paul.get(url).status_code == 404, url
    page = paul.get("/").get_data(as_text=True)
    for url in (f"/c/{a}/export", f"/c/{a}/effacer", f"/c/{a}/lien"):
        assert (
            paul.post(
                url, data={"csrf": csrf_of(page), "confirm": "EFFACER", "days": "9"}
            ).status_code
            == 404
        ), url
    assert paul.get("/admin/journal").status_code == 403
    assert (
        paul.post("/admin/invitation", data={"csrf": csrf_of(page), "name": "x"}).status_code == 403
    )


def test_forwarded_headers_count_only_from_the_configured_proxy(tmp_path):
    """Through the real waitress: a client that sends its own X-Forwarded-For is not
    believed (the proxy is another address), so it cannot dodge the per-address limit."""
    import http.client
    import threading

    from rdvletters.server.config import load_config
    from rdvletters.server.runner import start
    from rdvletters.server.setup import set_up

    from .caddy_proxy import free_port
    from .server_helpers import write_config

    port = free_port()
    path = write_config(tmp_path, public_url=f"http://127.0.0.1:{port}", port=port, extra="")
    path.write_text(path.read_text().replace("port = ", 'trusted_proxy = "10.9.9.9"\nport = ', 1))
    config = load_config(path)
    assert config.trusted_proxy == "10.9.9.9"
    set_up(config, "Awa")
    running = start(config)
    threading.Thread(target=running.serve, daemon=True).start()
    try:
        statuses = []
        for i in range(25):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/connexion", headers={"X-Forwarded-For": f"203.0.113.{i}"})
            page = connection.getresponse()
            cookie = page.getheader("Set-Cookie").split(";")[0]
            csrf = csrf_of(page.read().decode())
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request(
                "POST",
                "/connexion",
                body=f"csrf={csrf}&login=inconnu{i}&password=x",
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": cookie,
                    "X-Forwarded-For": f"203.0.113.{i}",
                },
            )
            statuses.append(connection.getresponse().status)
            connection.close()
    finally:
        running.close()
    assert statuses[:20] == [401] * 20 and set(statuses[20:]) == {429}
