"""The e-mail leaving the machine: .eml drafts, mailto: links, and real SMTP sending."""

from __future__ import annotations

import email
import hashlib
import socket
import threading
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from .conftest import EXAMPLE, journal_lines

PASSWORD = "s3cret-mot-de-passe"


def free_port() -> int:
    """aiosmtpd's Controller cannot take port 0: find a free port first."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """An SMTP handler that keeps what it received and can refuse a recipient."""

    def __init__(self, refuse: str | None = None) -> None:
        self.refuse = refuse
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refuse:
            return "550 5.1.1 Destinataire inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 2.0.0 Ok: queued as ABC123"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


@pytest.fixture
def smtp_server():
    servers = []

    def start(refuse: str | None = None):
        handler = Recorder(refuse)
        controller = Controller(
            handler,
            hostname="127.0.0.1",
            port=free_port(),
            authenticator=authenticator,
            auth_require_tls=False,
        )
        controller.start()
        servers.append(controller)
        return handler, controller.port

    yield start
    for controller in servers:
        controller.stop()


def configure(case, port, security="aucune", timeout=10):
    (case / "smtp.yaml").write_text(
        f"serveur: 127.0.0.1\nport: {port}\nsecurite: {security}\n"
        f"utilisateur: aminata\ncopie: cci\ndelai_secondes: {timeout}\n",
        encoding="utf-8",
    )


def test_eml_draft_round_trips_with_headers_and_attachments(case, run):
    profile = (case / "profil.yaml").read_text(encoding="utf-8")
    (case / "profil.yaml").write_text(
        profile.replace("prenom: Aminata", "prenom: Éloïse").replace("nom: DIALLO", "nom: NGUYỄN"),
        encoding="utf-8",
    )
    result = run("-C", case, "email", "--format", "eml")
    assert result.exit_code == 0, result.output
    [path] = (case / "documents").glob("*.eml")
    raw = path.read_bytes()
    assert raw.isascii() and b"\r\n" in raw  # 7-bit, CRLF
    message = email.message_from_bytes(raw, policy=default)
    assert message["Subject"] == (
        "Demande de rendez-vous pour le dépôt d'une demande de titre de séjour – "
        "NGUYỄN Éloïse – née le 12/04/1990 – relance n°\u00a05"
    )
    assert message["From"].addresses[0].display_name == "Éloïse NGUYỄN"
    assert message["To"] == "pref-etrangers@example.gouv.fr"
    assert message["X-Unsent"] == "1"
    assert message["Message-ID"].endswith("@example.org>")
    body = message.get_body(("plain",)).get_content()
    assert "mardi 24 novembre 2026 à 09 h 10" in body
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments][2] == "2026_11_24_0910_web_capture_28.png"
    piece = EXAMPLE / "pieces" / "2026-11-24_0910_web_capture_28.png"
    assert attachments[2].get_content() == piece.read_bytes()
    assert len(attachments) == 4  # the screenshots of the four attempts since the last e-mail
    assert journal_lines(case)[-1]["format"] == "eml"


def test_mailto_link_short_and_too_long(case, run):
    long = run("-C", case, "email", "--mailto")
    assert long.exit_code == 1
    assert "mailto" in long.stderr and "--format eml" in long.stderr
    (case / "modeles").mkdir()
    (case / "modeles" / "courriel.j2").write_text(
        "[[a]]\n{{ prefecture.courriel }}\n[[objet]]\nRendez-vous – relance {{ relance }}\n"
        "[[corps]]\nBonjour, je demande un rendez-vous.\n",
        encoding="utf-8",
    )
    short = run("-C", case, "email", "--mailto")
    assert short.exit_code == 0
    link = short.output.strip()
    assert link.startswith("mailto:pref-etrangers@example.gouv.fr?subject=Rendez-vous%20%E2%80%93")
    assert len(link) <= 1800
    assert not (case / "documents").exists() or not any((case / "documents").iterdir())


def test_send_success_records_exact_bytes(case, run, smtp_server, monkeypatch):
    handler, port = smtp_server()
    configure(case, port)
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", PASSWORD)
    result = run("-C", case, "email", "--send", "--yes")
    assert result.exit_code == 0, result.output + result.stderr
    [envelope] = handler.envelopes
    assert envelope.mail_from == "aminata.diallo@example.org"
    assert sorted(envelope.rcpt_tos) == [
        "aminata.diallo@example.org",
        "pref-etrangers@example.gouv.fr",
    ]
    sent = journal_lines(case)[-1]
    assert sent["type"] == "envoi" and sent["canal"] == "email"
    assert sent["reponse_serveur"].startswith("250 2.0.0 Ok: queued as ABC123")
    saved = (case / sent["fichier"]).read_bytes()
    assert saved == envelope.content  # byte for byte
    assert sent["sha256"] == hashlib.sha256(saved).hexdigest()
    received = email.message_from_bytes(envelope.content, policy=default)
    assert received["Message-ID"] == sent["message_id"]
    assert received["Bcc"] is None and received["X-Unsent"] is None
    assert len(list(received.iter_attachments())) == 4
    # the next e-mail is relance n° 6 and has nothing new to report
    follow = run("-C", case, "email")
    assert "relance n°\u00a06" in follow.output and "Aucune nouvelle démarche" in follow.stderr


def _assert_nothing_sent(case, result, text):
    assert result.exit_code == 6, result.output + result.stderr
    assert text in result.stderr and "Traceback" not in result.stderr
    assert all(e["type"] != "envoi" for e in journal_lines(case))
    assert len(list((case / "documents").glob("*.eml"))) == 1  # the draft stays
    assert PASSWORD not in result.stderr + result.output


def test_send_wrong_password(case, run, smtp_server, monkeypatch):
    handler, port = smtp_server()
    configure(case, port)
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", "mauvais")
    _assert_nothing_sent(
        case, run("-C", case, "email", "--send", "--yes"), "refusé l'identifiant ou le mot de passe"
    )
    assert handler.envelopes == []


def test_send_recipient_refused(case, run, smtp_server, monkeypatch):
    handler, port = smtp_server(refuse="pref-etrangers@example.gouv.fr")
    configure(case, port)
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", PASSWORD)
    _assert_nothing_sent(
        case,
        run("-C", case, "email", "--send", "--yes"),
        "refusé le destinataire : pref-etrangers@example.gouv.fr (550",
    )
    assert handler.envelopes == []


def _bad_server(behaviour: str):
    """A TCP server that hangs up at once, or never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            if behaviour == "drop":
                conn.close()
            else:
                stop.wait(5)
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener, stop, thread


@pytest.mark.parametrize(
    ("behaviour", "text"), [("drop", "a coupé la connexion"), ("silent", "ne répond pas")]
)
def test_send_server_drops_or_hangs(case, run, monkeypatch, behaviour, text):
    listener, stop, thread = _bad_server(behaviour)
    configure(case, listener.getsockname()[1], timeout=1)
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", PASSWORD)
    try:
        _assert_nothing_sent(case, run("-C", case, "email", "--send", "--yes"), text)
    finally:
        stop.set()
        thread.join(6)
        listener.close()


def test_send_tls_error(case, run, smtp_server, monkeypatch):
    _, port = smtp_server()
    configure(case, port, security="ssl", timeout=5)
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", PASSWORD)
    _assert_nothing_sent(case, run("-C", case, "email", "--send", "--yes"), "TLS")


def test_send_asks_confirmation_and_no_means_nothing_sent(case, run, smtp_server, monkeypatch):
    from click.testing import CliRunner

    from rdvletters.cli import cli

    handler, port = smtp_server()
    configure(case, port)
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", PASSWORD)
    result = CliRunner().invoke(cli, ["-C", str(case), "email", "--send"], input="n\n")
    assert result.exit_code == 0
    assert "À : pref-etrangers@example.gouv.fr" in result.output
    assert "Envoyer ce courriel maintenant ?" in result.output
    assert handler.envelopes == [] and all(e["type"] != "envoi" for e in journal_lines(case))


def test_send_without_settings_says_where_to_put_them(case, run):
    result = run("-C", case, "email", "--send", "--yes")
    assert result.exit_code == 3 and "smtp.yaml" in result.stderr
    assert not (case / "documents").exists() or not any((case / "documents").iterdir())


def test_settings_from_the_user_config_folder(case, run, smtp_server, monkeypatch, isolated_home):
    handler, port = smtp_server()
    configure(case, port)
    folder = isolated_home / ".config" / "rdvletters"
    folder.mkdir(parents=True)
    (case / "smtp.yaml").rename(folder / "smtp.yaml")
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", PASSWORD)
    assert run("-C", case, "email", "--send", "--yes").exit_code == 0
    assert len(handler.envelopes) == 1


def test_bad_settings_name_file_line_and_field(case, run):
    (case / "smtp.yaml").write_text("serveur: x\nsecurite: tls\n", encoding="utf-8")
    result = run("-C", case, "email", "--send", "--yes")
    assert result.exit_code == 2
    assert "smtp.yaml, ligne 2, champ « securite »" in result.stderr
