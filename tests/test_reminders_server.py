"""Reminders on the association server, sent to a local push service that checks the VAPID
signature and decrypts the RFC 8291 payload (tests/push_endpoint.py), and the person's
calendar address."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
from icalendar import Calendar

from rdvletters.frdates import now_paris
from rdvletters.reminders import push
from rdvletters.server.reminders_send import send_due

from .conftest import EXAMPLE
from .push_endpoint import Browser, PushService, b64url
from .server_helpers import (
    admin_client,
    csrf_of,
    make_link,
    make_server,
    new_case,
    seed_example,
)


@pytest.fixture
def server(tmp_path):
    return make_server(tmp_path, extra='[reminders]\ncontact = "mailto:rappels@asso.example"\n')


@pytest.fixture
def admin(server):
    client, _secret = admin_client(server)
    return client


@pytest.fixture
def seeded(server, admin):
    case_id = new_case(admin)
    seed_example(server, case_id, EXAMPLE)
    return case_id, make_link(admin, case_id)


def ctx(server):
    return server.app.extensions["rdv_server"]


def rows(server, case_id):
    with ctx(server).store.transaction(write=False) as tx:
        return tx.rows(
            "SELECT slot, kind, due_at, sent_at FROM reminders WHERE case_id = :c ORDER BY due_at",
            c=case_id,
        )


def server_key(server) -> str:
    return push.application_server_key(push.vapid(ctx(server).config.vapid_key_path))


def consent(server, link, subscription, client=None):
    client = client or server.client()
    page = client.get(f"{link}rappels")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    answer = client.post(
        f"{link}rappels",
        data={"csrf": csrf_of(html), "consent": "1", "subscription": json.dumps(subscription)},
    )
    return html, answer


def test_consent_screen_says_how_many_and_how_to_stop(server, seeded):
    _case_id, link = seeded
    html = server.client().get(f"{link}rappels").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    found = re.search(r"Au plus (\d+) rappels par semaine", text)
    assert found and 3 <= int(found.group(1)) <= 6, text[:500]
    assert "Pour arrêter" in text and 'id="stop-form"' not in html  # nothing to stop yet
    assert f'data-key="{server_key(server)}"' in html
    assert "jamais votre nom" in text


def test_push_reminder_reaches_the_phone_signed_and_encrypted_once(server, admin, seeded):
    case_id, link = seeded
    browser = Browser()
    with PushService(browser, expected_key=server_key(server)) as service:
        _html, answer = consent(server, link, service.subscription())
        assert answer.status_code == 303
        planned = rows(server, case_id)
        assert planned and all(r["sent_at"] is None for r in planned)
        assert len({(r["slot"], r["kind"]) for r in planned}) == len(planned)
        first = planned[0]
        due = datetime.fromisoformat(first["due_at"])
        done = send_due(ctx(server), due + timedelta(minutes=1))
        assert done.push == 1 and service.refused == []
        message = service.received[0]
        assert message["tag"] == first["slot"] and message["title"]
        assert "Diallo" not in json.dumps(message) and "Aminata" not in json.dumps(message)
        assert int(service.headers[0]["ttl"]) > 0 and service.headers[0]["urgency"] == "normal"
        # never twice: the same pass again, and a later one, send nothing more for that slot
        send_due(ctx(server), due + timedelta(minutes=2))
        assert [m["tag"] for m in service.received].count(first["slot"]) == 1
        # the subscription and the texts are not readable in the database file
        data = ctx(server).config.database.read_bytes()
        assert service.endpoint.encode() not in data and browser.p256dh.encode() not in data
        assert message["title"].encode() not in data


def test_a_wrong_key_or_a_wrong_signature_is_refused_by_the_endpoint(server, seeded):
    """The endpoint is not a stub: a message signed by another VAPID key is refused."""
    _case_id, link = seeded
    browser = Browser()
    with PushService(browser, expected_key=b64url(b"\x04" + b"\x01" * 64)) as service:
        consent(server, link, service.subscription())
        due = datetime.fromisoformat(rows(server, _case_id)[0]["due_at"])
        done = send_due(ctx(server), due + timedelta(minutes=1))
        assert done.push == 0 and done.failed == 1 and service.refused == ["another key"]


@pytest.mark.parametrize(
    ("channel", "said"),
    [
        ("reply", "réponse"),
        ("appointment", "rendez-vous"),
        ("registration", "enregistrement"),
        ("ar", "avis de réception"),
    ],
)
def test_a_volunteer_noting_a_reply_tells_the_person(
    server, admin, seeded, channel, said, tmp_path, monkeypatch
):
    case_id, link = seeded
    if channel == "ar":  # an AR needs a letter sent: the example with its letter posted
        import shutil

        from rdvletters.case import Case
        from rdvletters.documents.pipeline import prepare

        shutil.copytree(EXAMPLE, tmp_path / "lettre")
        c = Case(tmp_path / "lettre")
        today = now_paris()
        monkeypatch.setenv("RDVLETTERS_NOW", (today - timedelta(days=3)).isoformat())
        c.record_sent(prepare(c, "lettre", "text").entry.n, now_paris(), "1A12345678901")
        monkeypatch.setenv("RDVLETTERS_NOW", today.isoformat())
        seed_example(server, case_id, tmp_path / "lettre")
    with PushService(Browser(), expected_key=server_key(server)) as service:
        consent(server, link, service.subscription())
        page = admin.get(f"/c/{case_id}/record").get_data(as_text=True)
        now = now_paris()
        answer = admin.post(
            f"/c/{case_id}/record",
            data={
                "csrf": csrf_of(page),
                "f-date-day": f"{now.day}",
                "f-date-month": f"{now.month}",
                "f-date-year": f"{now.year}",
                "time": "09:00",
                "channel": channel,
                "message": "Votre demande est en cours d'examen",
            },
            content_type="multipart/form-data",
        )
        assert answer.status_code == 303
        send_due(ctx(server), now_paris() + timedelta(seconds=5))
        told = [m for m in service.received if m["tag"].startswith("changement-")]
        assert len(told) == 1 and said in told[0]["body"]
        send_due(ctx(server), now_paris() + timedelta(minutes=5))
        assert len([m for m in service.received if m["tag"].startswith("changement-")]) == 1


def test_stop_and_archive_end_the_reminders(server, admin, seeded):
    case_id, link = seeded
    with PushService(Browser(), expected_key=server_key(server)) as service:
        client = server.client()
        html, _answer = consent(server, link, service.subscription(), client)
        page = client.get(f"{link}rappels").get_data(as_text=True)
        assert "Arrêter les rappels" in page
        stopped = client.post(f"{link}rappels/arret", data={"csrf": csrf_of(page)})
        assert stopped.status_code == 303 and rows(server, case_id) == []
        done = send_due(ctx(server), now_paris() + timedelta(weeks=2))
        assert done.push == 0 and service.received == []
        # again, then the case is archived: nothing remains, nothing is sent
        consent(server, link, service.subscription())
        assert rows(server, case_id)
        manage = admin.get(f"/c/{case_id}/dossier").get_data(as_text=True)
        archived = admin.post(
            f"/c/{case_id}/suivi/archiver", data={"csrf": csrf_of(manage), "archive": "1"}
        )
        assert archived.status_code == 303
        assert rows(server, case_id) == []
        assert send_due(ctx(server), now_paris() + timedelta(weeks=2)).push == 0


def test_a_gone_subscription_is_forgotten(server, seeded):
    case_id, link = seeded
    with PushService(Browser(), gone=True) as service:
        consent(server, link, service.subscription())
        due = datetime.fromisoformat(rows(server, case_id)[0]["due_at"])
        send_due(ctx(server), due + timedelta(minutes=1))
        with ctx(server).store.transaction(write=False) as tx:
            assert tx.rows("SELECT * FROM reminder_subs WHERE case_id = :c", c=case_id) == []


def test_calendar_address_opens_the_calendar_only_and_is_revocable(server, seeded):
    _case_id, link = seeded
    client = server.client()
    page = client.get(f"{link}rappels").get_data(as_text=True)
    made = client.post(f"{link}agenda", data={"csrf": csrf_of(page), "action": "new"})
    html = made.get_data(as_text=True)
    address = re.search(r'id="calendar-address" class="wide" readonly value="([^"]+)"', html)[1]
    path = address.split("://", 1)[1].split("/", 1)[1]
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in link
    feed = server.client().get(f"/{path}")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    cal = Calendar.from_ical(feed.data)
    text = feed.get_data(as_text=True)
    assert "Diallo" not in text and link.strip("/").split("/")[-1] not in text
    assert cal.get("x-wr-calname") == "rdvletters – Aminata"
    assert server.client().get(f"/p/{token}/").status_code == 404  # not a link to the case
    from rdvletters.server import audit

    read = [e for e in audit.events(ctx(server).store, _case_id, limit=50) if e.actor == "agenda"]
    assert len(read) == 1  # the audit log says the calendar was read, once per read
    revoked = client.post(f"{link}agenda", data={"csrf": csrf_of(html), "action": "revoke"})
    assert revoked.status_code == 303
    assert server.client().get(f"/{path}").status_code == 404


def test_email_reminders_by_a_volunteer_need_smtp(server, admin, seeded):
    case_id, _link = seeded
    page = admin.get(f"/c/{case_id}/dossier").get_data(as_text=True)
    assert "pas de serveur d'envoi" in page
    answer = admin.post(
        f"/c/{case_id}/rappels-courriel",
        data={"csrf": csrf_of(page), "address": "a@example.org", "consent": "1"},
    )
    assert answer.status_code == 400


def test_subscriptions_leave_nothing_after_erasure(server, admin, seeded):
    case_id, link = seeded
    with PushService(Browser()) as service:
        consent(server, link, service.subscription())
    from rdvletters.server import retention

    retention.erase_case(ctx(server), case_id, "test")
    with ctx(server).store.transaction(write=False) as tx:
        for table in ("reminders", "reminder_subs", "calendars"):
            assert tx.rows(f"SELECT * FROM {table} WHERE case_id = :c", c=case_id) == []


def test_email_reminders_go_through_the_servers_smtp_once(tmp_path):
    """A volunteer turns e-mail reminders on; the reminder reaches a real SMTP server on
    127.0.0.1, once, naming nobody; turned off, nothing more is planned."""
    from email import message_from_bytes
    from email.policy import default

    from .smtp_process import Recorded, ServerProcess

    smtp = ServerProcess("smtp_recorder.py", "unused-password")  # its own process
    handler, port = Recorded(smtp), smtp.port
    try:
        server = make_server(
            tmp_path,
            extra=(
                '[reminders]\ncontact = "mailto:rappels@asso.example"\n'
                f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
                'smtp_from = "rappels@asso.example"\n'
            ),
        )
        admin, _secret = admin_client(server)
        case_id = new_case(admin)
        seed_example(server, case_id, EXAMPLE)
        page = admin.get(f"/c/{case_id}/dossier").get_data(as_text=True)
        assert "pas de serveur d'envoi" not in page
        answer = admin.post(
            f"/c/{case_id}/rappels-courriel",
            data={"csrf": csrf_of(page), "address": "aminata@example.org", "consent": "1"},
        )
        assert answer.status_code == 303
        planned = rows(server, case_id)
        assert planned and {r["kind"] for r in planned} == {"email"}
        due = datetime.fromisoformat(planned[0]["due_at"])
        done = send_due(ctx(server), due + timedelta(minutes=1))
        assert done.email == 1 and done.failed == 0 and len(handler.envelopes) == 1
        envelope = handler.envelopes[0]
        assert envelope.rcpt_tos == ["aminata@example.org"]
        message = message_from_bytes(envelope.content, policy=default)
        assert message["Subject"].startswith("Rappel : ")
        assert message["Auto-Submitted"] == "auto-generated"
        body = message.get_content()
        assert "Diallo" not in body and "Pour ne plus recevoir ces rappels" in body
        send_due(ctx(server), due + timedelta(minutes=2))
        assert len(handler.envelopes) == 1  # never twice
        page = admin.get(f"/c/{case_id}/dossier").get_data(as_text=True)
        off = admin.post(
            f"/c/{case_id}/rappels-courriel", data={"csrf": csrf_of(page), "action": "off"}
        )
        assert off.status_code == 303 and rows(server, case_id) == []
    finally:
        smtp.stop()
