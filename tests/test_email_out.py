"""The e-mail leaving the machine: .eml drafts, mailto: links, and real SMTP sending."""

from __future__ import annotations

import email
import hashlib
from email.policy import default

import pytest

from .conftest import EXAMPLE, journal_lines
from .smtp_process import Recorded, ServerProcess

PASSWORD = "s3cret-mot-de-passe"


@pytest.fixture
def smtp_server():
    """Starts recording SMTP servers on 127.0.0.1, each its own process (smtp_recorder.py):
    ``handler, port = smtp_server(refuse=..., smtputf8=...)``; ``handler.envelopes`` and
    ``handler.greetings`` are what the server received. Killed at the end of the test."""
    servers = []

    def start(refuse: str | None = None, smtputf8: bool = False):
        options = (["--refuse", refuse] if refuse else []) + (["--smtputf8"] if smtputf8 else [])
        server = ServerProcess("smtp_recorder.py", PASSWORD, *options)
        servers.append(server)
        return Recorded(server), server.port

    yield start
    for server in servers:
        server.stop()


def configure(case, port, security="aucune", timeout=10, user="aminata", extra=""):
    """smtp.yaml for a test server; plain-text login is allowed explicitly (127.0.0.1)."""
    login = f"utilisateur: {user}\nmot_de_passe_en_clair: oui\n" if user else ""
    (case / "smtp.yaml").write_text(
        f"serveur: 127.0.0.1\nport: {port}\nsecurite: {security}\n"
        f"{login}copie: cci\ndelai_secondes: {timeout}\n{extra}",
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
    assert "mardi 24 novembre 2026 à 9\u00a0h\u00a010" in body
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments][2] == "2026_11_24_0910_web_capture_28.png"
    piece = EXAMPLE / "pieces" / "2026-11-24_0910_web_capture_28.png"
    assert attachments[2].get_content() == piece.read_bytes()
    assert len(attachments) == 4  # the screenshots of the four attempts since the last e-mail
    assert journal_lines(case)[-1]["format"] == "eml"


def test_mailto_link_short_and_too_long(case, run):
    long = run("-C", case, "email", "--mailto")
    assert long.exit_code == 2
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


@pytest.mark.parametrize(
    ("behaviour", "text"), [("hang-up", "a coupé la connexion"), ("silent", "ne répond pas")]
)
def test_send_server_drops_or_hangs(case, run, monkeypatch, scripted_smtp, behaviour, text):
    server = scripted_smtp(behaviour)  # hangs up at once, or never answers
    configure(case, server.port, timeout=1)
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", PASSWORD)
    _assert_nothing_sent(case, run("-C", case, "email", "--send", "--yes"), text)


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


# --- hardening: addresses, envelope, EHLO, clear passwords, QUIT -------------------------

OWN = "aminata.diallo@example.org"
PREF = "pref-etrangers@example.gouv.fr"


def edit_profile(case, *replacements):
    text = (case / "profil.yaml").read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    (case / "profil.yaml").write_text(text, encoding="utf-8")


def test_name_cannot_add_a_recipient_nor_change_the_envelope(case, run, smtp_server, monkeypatch):
    edit_profile(
        case,
        ("prenom: Aminata", 'prenom: "Aminata Bcc: evil@attacker.example"'),
        ("nom: DIALLO", "nom: 'D\"IALLO, <x@attacker.example>'"),
    )
    handler, port = smtp_server()
    configure(case, port)
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", PASSWORD)
    result = run("-C", case, "email", "--send", "--yes")
    assert result.exit_code == 0, result.output + result.stderr
    [envelope] = handler.envelopes
    assert envelope.mail_from == OWN
    assert sorted(envelope.rcpt_tos) == [OWN, PREF]
    received = email.message_from_bytes(envelope.content, policy=default)
    [sender] = received["From"].addresses
    assert sender.addr_spec == OWN
    assert sender.display_name == 'Aminata Bcc: evil@attacker.example D"IALLO, <X@ATTACKER.EXAMPLE>'
    assert [a.addr_spec for a in received["To"].addresses] == [PREF]
    assert received["Bcc"] is None and received["Cc"] is None
    sent = journal_lines(case)[-1]
    assert sent["destinataires"] == [PREF, OWN]
    # the draft has the same single sender and single recipient
    [draft] = [p for p in (case / "documents").glob("*.eml") if "envoye" not in p.name]
    parsed = email.message_from_bytes(draft.read_bytes(), policy=default)
    assert [a.addr_spec for a in parsed["From"].addresses] == [OWN]
    assert [a.addr_spec for a in parsed["To"].addresses] == [PREF]


def test_line_break_in_a_name_cannot_open_a_header():
    from rdvletters.delivery.eml import build
    from rdvletters.documents.model import Document

    doc = Document("courriel", {"objet": ["Objet"], "corps": ["Bonjour."]})
    doc.email_from = ("Aminata\r\nBcc: evil@attacker.example", OWN)
    doc.email_to = PREF
    built = build(doc, draft=False, copy="cci")
    parsed = email.message_from_bytes(built.message.as_bytes(), policy=default)
    assert parsed["Bcc"] is None and parsed["Cc"] is None
    assert [a.addr_spec for a in parsed["From"].addresses] == [OWN]
    assert [a.addr_spec for a in built.recipients] == [PREF, OWN]


@pytest.mark.parametrize(
    "address",
    ["aminata.diallo@example.org", "a+rdv@sous.domaine.fr", "élodie@exemple.fr", "x@café.fr"],
)
def test_valid_addresses(address):
    from rdvletters.validation import email_problem

    assert email_problem(address) is None


@pytest.mark.parametrize(
    "address",
    [
        "evil,pref@example.gouv.fr",  # a comma makes two addresses in a header
        "pref@example.gouv.fr,evil@x.org",
        '"a b"@example.fr',
        "Aminata <a@example.fr>",
        "a@b",
        "a@@b.fr",
        "a..b@c.fr",
        ".a@c.fr",
        "a@-c.fr",
        "a@c.123",
        "a@c..fr",
        "a b@c.fr",
        "a\u00a0b@c.fr",
        "a@c_d.fr",
        "sans-arobase.fr",
        "x" * 65 + "@c.fr",
    ],
)
def test_invalid_addresses(address):
    from rdvletters.validation import email_problem

    assert email_problem(address)


def test_check_names_file_line_and_field_of_a_bad_address(case, run):
    edit_profile(case, (f"courriel: {PREF}", "courriel: evil,pref@example.gouv.fr"))
    result = run("-C", case, "check")
    assert result.exit_code == 2
    line = (
        (case / "profil.yaml")
        .read_text(encoding="utf-8")
        .split("\n")
        .index("  courriel: evil,pref@example.gouv.fr")
    )
    assert f"profil.yaml, ligne {line + 1}, champ « prefecture.courriel » : adresse" in (
        result.stderr
    )
    assert "evil" not in result.stderr  # the value itself is not echoed


def test_check_validates_smtp_settings_too(case, run):
    (case / "smtp.yaml").write_text(
        "serveur: smtp.example.org\nexpediteur: moi@example.org, evil@x.org\n", encoding="utf-8"
    )
    result = run("-C", case, "check")
    assert result.exit_code == 2
    assert "smtp.yaml, ligne 2, champ « expediteur » : adresse électronique invalide" in (
        result.stderr
    )
    (case / "smtp.yaml").write_text("serveur: smtp.example.org\n", encoding="utf-8")
    good = run("-C", case, "check")
    assert good.exit_code == 0 and "Réglages d'envoi valides" in good.output


def test_accented_address_goes_out_with_smtputf8(case, run, smtp_server, monkeypatch):
    edit_profile(case, (f"courriel: {OWN}", "courriel: élodie@exemple.fr"))
    handler, port = smtp_server(smtputf8=True)
    configure(case, port)
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", PASSWORD)
    result = run("-C", case, "email", "--send", "--yes")
    assert result.exit_code == 0, result.output + result.stderr
    [envelope] = handler.envelopes
    assert envelope.mail_from == "élodie@exemple.fr"
    assert "SMTPUTF8" in envelope.mail_options
    assert sorted(envelope.rcpt_tos) == ["pref-etrangers@example.gouv.fr", "élodie@exemple.fr"]
    received = email.message_from_string(envelope.content.decode("utf-8"), policy=default)
    assert [a.addr_spec for a in received["From"].addresses] == ["élodie@exemple.fr"]
    assert journal_lines(case)[-1]["type"] == "envoi"


def test_accented_address_refused_when_server_lacks_smtputf8(case, run, smtp_server, monkeypatch):
    edit_profile(case, (f"courriel: {OWN}", "courriel: élodie@exemple.fr"))
    handler, port = smtp_server(smtputf8=False)
    configure(case, port)
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", PASSWORD)
    result = run("-C", case, "email", "--send", "--yes")
    _assert_nothing_sent(case, result, "l'adresse élodie@exemple.fr contient des caractères")
    assert "SMTPUTF8" in result.stderr and handler.envelopes == []


def test_accented_domain_is_sent_in_ascii_form(case, run, smtp_server, monkeypatch):
    edit_profile(case, (f"courriel: {OWN}", "courriel: aminata@café.fr"))
    handler, port = smtp_server(smtputf8=False)
    configure(case, port)
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", PASSWORD)
    assert run("-C", case, "email", "--send", "--yes").exit_code == 0
    [envelope] = handler.envelopes
    assert envelope.mail_from == "aminata@xn--caf-dma.fr"
    assert envelope.content.isascii()


def test_password_in_clear_is_refused_unless_said_explicitly(case, run, smtp_server, monkeypatch):
    handler, port = smtp_server()
    (case / "smtp.yaml").write_text(
        f"serveur: 127.0.0.1\nport: {port}\nsecurite: aucune\nutilisateur: aminata\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", PASSWORD)
    refused = run("-C", case, "email", "--send", "--yes")
    assert refused.exit_code == 2
    assert "smtp.yaml, ligne 3, champ « securite »" in refused.stderr
    assert "mot de passe en clair" in refused.stderr and "mot_de_passe_en_clair: oui" in (
        refused.stderr
    )
    assert handler.envelopes == [] and not list((case / "documents").glob("*.eml"))
    assert run("-C", case, "check").exit_code == 2
    with (case / "smtp.yaml").open("a", encoding="utf-8") as f:
        f.write("mot_de_passe_en_clair: oui\n")
    allowed = run("-C", case, "email", "--send", "--yes")
    assert allowed.exit_code == 0, allowed.stderr
    assert "Attention : smtp.yaml : securite: aucune" in allowed.stderr
    assert "en clair" in allowed.stderr and PASSWORD not in allowed.stderr + allowed.output
    assert len(handler.envelopes) == 1


def test_ehlo_before_mail_even_without_login(case, run, smtp_server):
    # aiosmtpd answers « 503 Error: send HELO first » to a MAIL before EHLO/HELO
    handler, port = smtp_server()
    configure(case, port, user=None)
    result = run("-C", case, "email", "--send", "--yes")
    assert result.exit_code == 0, result.output + result.stderr
    assert len(handler.envelopes) == 1 and handler.greetings[0]


@pytest.mark.parametrize("behaviour", ["drop", "error"])
def test_message_accepted_then_trouble_on_quit_is_journaled_as_sent(
    case,
    run,
    scripted_smtp,
    behaviour,
):
    server = scripted_smtp(behaviour)
    configure(case, server.port, user=None)
    result = run("-C", case, "email", "--send", "--yes")
    server.wait()
    assert result.exit_code == 0, result.output + result.stderr
    assert "Envoyé : 250 2.0.0 Ok: queued as QUIT1" in result.output
    [body] = server.received
    sent = journal_lines(case)[-1]
    assert sent["type"] == "envoi" and sent["reponse_serveur"] == "250 2.0.0 Ok: queued as QUIT1"
    saved = (case / sent["fichier"]).read_bytes()
    assert saved.replace(b"\r\n..", b"\r\n.") == body  # the exact bytes, dot-unstuffed
    assert sent["sha256"] == hashlib.sha256(saved).hexdigest()
    if behaviour == "error":
        assert "QUIT" in server.commands and "Note : le serveur a mal répondu" in result.output


def test_sent_but_not_journaled_says_so_and_keeps_the_copy(case, run, smtp_server, monkeypatch):
    from rdvletters.case import Case
    from rdvletters.errors import JournalError

    handler, port = smtp_server()
    configure(case, port, user=None)

    def locked(*_args, **_kwargs):
        raise JournalError("journal verrouillé par un autre programme.")

    monkeypatch.setattr(Case, "record_sent", locked)
    result = run("-C", case, "email", "--send", "--yes")
    assert result.exit_code == 4
    assert "le courriel EST parti" in result.stderr and "Ne le renvoyez pas" in result.stderr
    [envelope] = handler.envelopes
    [copy] = (case / "documents").glob("*_envoye.eml")
    assert copy.read_bytes() == envelope.content and str(copy) in result.stderr
    assert f"sent {journal_lines(case)[-1]['n']}" in result.stderr  # the draft's number
