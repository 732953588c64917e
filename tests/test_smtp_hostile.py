"""A hostile or broken SMTP server on 127.0.0.1: what it says never carries a control
character to the terminal or the journal, and a message it accepted (250 after DATA) is
recorded as sent even when it hangs up in the middle of its reply."""

from __future__ import annotations

import pytest

from .conftest import journal_lines, run_installed


def _configure(case, port: int) -> None:
    (case / "smtp.yaml").write_text(
        f"serveur: 127.0.0.1\nport: {port}\nsecurite: aucune\ncopie: non\ndelai_secondes: 10\n",
        encoding="utf-8",
    )


def _clean(text: str) -> bool:
    return not any(c in text for c in "\x1b\x07\x9b")


@pytest.mark.parametrize("mode", ["escapes", "refuse"])
def test_what_a_server_says_reaches_neither_terminal_nor_journal_raw(case, scripted_smtp, mode):
    server = scripted_smtp(mode)
    _configure(case, server.port)
    done = run_installed("-C", case, "email", "--send", "--yes")
    server.wait()
    assert _clean(done.stdout) and _clean(done.stderr), repr(done.stdout + done.stderr)
    assert _clean((case / "journal.jsonl").read_text(encoding="utf-8"))
    if mode == "escapes":
        assert done.returncode == 0, done.stderr
        assert journal_lines(case)[-1]["reponse_serveur"] == (
            "250 2.0.0 Ok [2J ]0;pwned \ufffd31m queued as E1"  # the lone byte 0x9b: U+FFFD
        )
    else:
        assert done.returncode == 6 and "Inconnu" in done.stderr
        assert all(e["type"] != "envoi" for e in journal_lines(case))


@pytest.mark.parametrize(("mode", "queued"), [("half-reply", "H1"), ("reset", "R1")])
def test_a_message_accepted_before_the_server_hung_up_is_recorded_as_sent(
    case, scripted_smtp, mode, queued
):
    server = scripted_smtp(mode)
    _configure(case, server.port)
    done = run_installed("-C", case, "email", "--send", "--yes")
    server.wait()
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Envoyé : 250 2.0.0 Ok: queued as {queued}" in done.stdout
    [body] = server.received
    sent = journal_lines(case)[-1]
    assert sent["type"] == "envoi" and sent["reponse_serveur"].endswith(queued)
    saved = (case / sent["fichier"]).read_bytes()
    assert saved.replace(b"\r\n..", b"\r\n.") == body  # the exact bytes it accepted
