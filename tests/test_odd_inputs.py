"""Inputs that used to end in « erreur inattendue » (exit 70) or an HTTP 500: each now
gets a clear message and its exit code, or simply works. Through the installed command."""

from __future__ import annotations

import resource
import subprocess

import pytest

from .conftest import append_chained, edit_profile, installed_cli, journal_lines, run_installed
from .test_web import EML, csrf, make_client, upload

OVERFLOWING_DATE = (
    b"From: a@example.org\r\nTo: pref-etrangers@example.gouv.fr\r\nSubject: x\r\n"
    b"Date: Mon, 03 Mar 99999999999 10:00:00 +0100\r\n\r\nBonjour\r\n"
)
NESTED = (
    b"From: " + b"(" * 20000 + b"a" + b")" * 20000 + b" <a@example.org>\r\n"
    b"To: " + b"(" * 20000 + b"pref@example.gouv.fr\r\nSubject: x\r\n"
    b"Date: Mon, 23 Nov 2026 10:00:00 +0100\r\n\r\nBonjour\r\n"
)


def _no_crash(done: subprocess.CompletedProcess) -> None:
    both = done.stdout + done.stderr
    assert done.returncode != 70 and "Traceback" not in both and "inattendue" not in both, both


def test_a_name_of_260_characters_makes_every_document(case):
    edit_profile(case, ("prenom: Aminata", "prenom: " + "A" * 260))
    for command in (["letter"], ["referral"], ["recours"], ["bundle"]):
        done = run_installed("-C", case, *command)
        _no_crash(done)
        assert done.returncode == 0, (command, done.stderr)


def test_a_noncharacter_in_a_name_is_refused_by_check(case):
    edit_profile(case, ("prenom: Aminata", 'prenom: "Ami\\uffffnata"'))
    for command in (["check"], ["letter"]):
        done = run_installed("-C", case, *command)
        _no_crash(done)
        assert done.returncode == 2 and "demandeur.prenom" in done.stderr
        assert "U+FFFF" in done.stderr


def _raw(*args: str | bytes, cwd=None) -> subprocess.CompletedProcess:
    """The installed command with arguments given as bytes (a Latin-1 terminal's)."""
    argv = [a if isinstance(a, bytes) else str(a).encode() for a in (*installed_cli(), *args)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.mark.parametrize("option", ["-m", "--witness"])
def test_latin_1_bytes_in_a_text_option_are_refused_in_words(case, option):
    args = ["record", "counter", "-m", "x", option, b"Jos\xe9"]
    if option == "-m":
        args = ["record", "web", "-m", b"caf\xe9"]
    before = journal_lines(case)
    done = _raw("-C", case, *args)
    _no_crash(done)
    assert done.returncode == 2 and "UTF-8" in done.stderr
    assert journal_lines(case) == before


def test_a_proof_whose_name_is_latin_1_is_recorded(case, tmp_path):
    proof = tmp_path.as_posix().encode() + b"/preuve\xe9.png"
    with open(proof, "wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    done = _raw("-C", case, "record", "web", "-m", "x", "--proof", proof)
    _no_crash(done)
    assert done.returncode == 0, done.stderr
    assert journal_lines(case)[-1]["pieces"][0]["original"] == "preuve\ufffd.png"
    assert run_installed("-C", case, "status").returncode == 0


def test_a_png_decompression_bomb_is_a_proof_like_another(case, tmp_path):
    """13,000 × 13,000 pixels in 650 KB: under Pillow's own bomb limit, 700 MB decoded."""
    from PIL import Image

    bomb = tmp_path / "bombe.png"
    Image.new("RGBA", (13000, 13000)).save(bomb, optimize=True)

    def two_gigabytes() -> None:  # as the attack scripts run every command
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    for command in (["record", "web", "-m", "x", "--proof", bomb], ["status"], ["bundle"]):
        done = subprocess.run(
            [*installed_cli(), "-C", str(case), *map(str, command)],
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=two_gigabytes,
        )
        _no_crash(done)
        assert done.returncode == 0, (command, done.stderr)
        assert "DecompressionBombWarning" not in done.stderr
    assert "169 millions de pixels, 60 au plus" in done.stderr  # kept as it is, and said


@pytest.mark.parametrize("data", [OVERFLOWING_DATE, NESTED], ids=["overflowing-date", "nested"])
def test_a_hostile_e_mail_proof_is_read_as_far_as_it_can_be(case, tmp_path, data):
    proof = tmp_path / "courriel.eml"
    proof.write_bytes(data)
    (case / "documents" / "recu.eml").write_bytes(data)  # where verify looks for anchors
    for command in (
        ["record", "email", "--proof", proof],
        ["status"],
        ["verify"],
        ["bundle"],
    ):
        done = run_installed("-C", case, *command)
        _no_crash(done)
        assert done.returncode == 0, (command, done.stdout + done.stderr)


def test_a_hostile_e_mail_in_the_web_form_is_no_server_error(case):
    _, client = make_client(case)
    for data in (OVERFLOWING_DATE, NESTED, EML):
        before = len(journal_lines(case))
        form = {"date": "2026-11-27", "time": "10:00", "channel": "email", "message": "x"}
        form["csrf"] = csrf(client, "/c/cas/record")
        form["proofs"] = [upload(data, "courriel.eml")]
        page = client.post("/c/cas/record", data=form, content_type="multipart/form-data")
        text = page.get_data(as_text=True)
        if page.status_code == 303:  # recorded, with its proof
            assert len(journal_lines(case)) == before + 1
        else:  # the form's own error, nothing written
            assert page.status_code == 400 and "Rien n'a été noté" in text, text[:300]
            assert len(journal_lines(case)) == before


def test_a_template_nested_5000_deep_is_a_problem_of_templates_check(case):
    (case / "modeles").mkdir()
    (case / "modeles" / "courriel.j2").write_text(
        "[[objet]]\nx\n[[corps]]\n" + "{% if true %}" * 5000 + "x" + "{% endif %}" * 5000
    )
    done = run_installed("-C", case, "templates", "check")
    _no_crash(done)
    assert done.returncode == 2 and "blocs imbriqués trop profondément" in done.stdout


def test_a_hand_made_timestamp_entry_without_its_authority_is_named(case):
    from rdvletters.case import Case

    line = Case(case).journal
    data = {
        "type": "horodatage",
        "date": "2026-11-29T10:00:00+01:00",
        "entree": 30,
        "heure_tsa": "2026-11-29T10:00:00+01:00",
        "autorite": "X",
        "empreinte": "0" * 64,
        "fichier": "horodatage/x.tsr",
    }
    with pytest.raises(Exception, match="« tsa » manquant"):
        line.append(data)  # rdvletters never writes it
    append_chained(case, **data)  # by hand, then
    done = run_installed("-C", case, "bundle")
    _no_crash(done)
    assert done.returncode == 4 and "ligne 31" in done.stderr and "tsa" in done.stderr


def test_an_urgency_file_name_too_long_for_the_system_is_named_where_it_is(case):
    """A ``justificatif`` longer than the file system allows is bad input like another:
    the profile's file, line and field, exit 2, and the case left as it was."""
    journal = (case / "journal.jsonl").read_bytes()
    too_long = "pieces/" + "p" * 300 + ".pdf"
    edit_profile(case, ("justificatif: pieces/promesse_embauche.pdf", f"justificatif: {too_long}"))
    line = next(
        n
        for n, text in enumerate((case / "profil.yaml").read_text("utf-8").splitlines(), 1)
        if too_long in text
    )
    for command in (["status"], ["email", "--format", "text"]):
        done = run_installed("-C", case, *command)
        _no_crash(done)
        assert done.returncode == 2, done.stderr
        assert (
            f"profil.yaml, ligne {line}, champ « demande.urgence.0.justificatif » : "
            "chemin inutilisable (File name too long)." in done.stderr
        ), done.stderr
    assert (case / "journal.jsonl").read_bytes() == journal
