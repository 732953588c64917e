"""File-system edge cases: each one a located message and its exit code, never exit 70,
and nothing left half-written."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from .conftest import installed_cli, journal_lines, run_installed
from .test_email_out import PASSWORD, configure, smtp_server  # noqa: F401 - fixture

ATTACHED = "pieces/2026-11-25_1845_web_capture_29.png"  # entry 30: new since the last e-mail


def snapshot(case: Path) -> tuple[list[str], bytes]:
    """Every path in the case folder, and the journal's bytes."""
    names = sorted(str(p.relative_to(case)) for p in case.rglob("*"))
    return names, (case / "journal.jsonl").read_bytes()


def _break(path: Path, how: str) -> None:
    path.unlink()
    if how == "folder":
        path.mkdir()
    elif how == "fifo":
        os.mkfifo(path)


@pytest.mark.parametrize("how", ["missing", "folder", "fifo"])
def test_bad_proof_file_for_bundle_eml_and_send(how, case, run, tmp_path, smtp_server, monkeypatch):  # noqa: F811
    _break(case / ATTACHED, how)
    handler, port = smtp_server()
    configure(case, port)
    monkeypatch.setenv("RDVLETTERS_SMTP_PASSWORD", PASSWORD)
    before = snapshot(case)
    result = run("-C", case, "bundle", "-o", tmp_path / "dossier")
    assert result.exit_code == 2, result.output
    assert f"fichier {ATTACHED} introuvable (ou ce n'est pas un fichier)" in result.stderr
    assert "pièce n° " in result.stderr and "Remettez le fichier" in result.stderr
    assert not (tmp_path / "dossier").exists()
    for args in (["email", "--format", "eml"], ["email", "--send", "--yes"]):
        result = run("-C", case, *args)
        assert result.exit_code == 2, (args, result.output)
        assert f"entrée n° 30 : fichier {ATTACHED} introuvable" in result.stderr
        assert "Traceback" not in result.stderr
    assert handler.envelopes == []  # nothing left the machine
    assert snapshot(case) == before


@pytest.mark.parametrize("kind", ["folder", "fifo", "device", "unreadable", "missing"])
def test_record_proof_that_is_not_a_readable_file(kind, case, run, tmp_path, monkeypatch):
    proof = tmp_path / "preuve.png"
    expected = {
        "folder": "c'est un dossier",
        "fifo": "c'est un fichier spécial",
        "device": "c'est un fichier spécial",
        "unreadable": "lecture impossible (Permission denied)",
        "missing": "fichier introuvable",
    }[kind]
    if kind == "folder":
        proof.mkdir()
    elif kind == "fifo":
        os.mkfifo(proof)  # reading it would wait forever
    elif kind == "device":
        proof = Path("/dev/zero")  # reading it would never end
    elif kind == "unreadable":  # simulated: the tests may run as root, who reads everything
        proof.write_bytes(b"\x89PNG")
        real_open = os.open

        def denied(path, flags, *args, **kwargs):
            if str(path) == str(proof):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", denied)
    before = snapshot(case)
    for command in (["record", "web", "-m", "x"], ["sent", "1"]):
        result = run("-C", case, *command, "--proof", proof)
        assert result.exit_code == 2, result.output
        assert f"--proof {proof} : {expected}" in result.stderr
    assert snapshot(case) == before


ODD_NAMES = [
    "a\nb.png",
    "\x1b[2J.png",
    "-x.png",
    ".png",
    "x.",
    "sans_extension",
    " .PNG ",
    "a:b?*.png",
    "capture\u202egnp.exe",
    "é" * 120 + ".jpeg",
    "x.tar.gz",
]


def test_odd_proof_names_are_stored_safely_and_every_command_works(case, run, tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    for i, name in enumerate(ODD_NAMES):
        proof = tmp_path / name
        proof.write_bytes(png + bytes([i]))
        result = run("-C", case, "record", "web", "--at", f"2026-11-26 0{i % 10}:1{i // 10}",
                     "-m", "x", "--proof", proof)  # fmt: skip
        assert result.exit_code == 0, (name, result.output)
    stored = [e["pieces"][0]["fichier"] for e in journal_lines(case)[-len(ODD_NAMES) :]]
    for path in stored:
        name = path.removeprefix("pieces/")
        assert name.isascii() and name.isprintable() and "/" not in name, name
        assert len(name) <= 100 and Path(name).suffix, name
    assert Path(stored[3]).suffix == ".png"  # « .png »: no extension, read from the bytes
    assert Path(stored[5]).suffix == ".png"
    assert Path(stored[6]).suffix == ".png"  # « .PNG »
    for args in (
        ["bundle", "-o", tmp_path / "dossier"],
        ["log", "--csv"],
        ["verify"],
        ["status"],
        ["email", "--format", "eml"],
        ["letter", "--format", "text"],
    ):
        result = run("-C", case, *args)
        assert result.exit_code == 0, (args, result.output)


def _fail_writes(monkeypatch, case: Path, code: int) -> None:
    """Every write inside the case fails with ``code`` (full disk, read-only, permission)."""
    real_open, real_mkdir = os.open, os.mkdir

    def refused(path, *args, **kwargs):
        raise OSError(code, os.strerror(code), str(path))

    def fake_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR) and str(path).startswith(str(case)):
            refused(path)
        return real_open(path, flags, *args, **kwargs)

    def fake_mkdir(path, *args, **kwargs):
        if str(path).startswith(str(case)):
            refused(path)
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)


WRITE_ERRORS = {
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "le disque est en lecture seule",
    errno.EACCES: "permission refusée",
}


@pytest.mark.parametrize("code", list(WRITE_ERRORS))
def test_case_folder_that_cannot_be_written(code, case, run, tmp_path, monkeypatch):
    proof = tmp_path / "preuve.png"
    proof.write_bytes(b"\x89PNG")
    before = snapshot(case)
    with monkeypatch.context() as failing:
        _fail_writes(failing, case, code)
        _each_write_refused(case, run, proof, code)
    assert snapshot(case) == before


def _each_write_refused(case, run, proof, code):
    for args in (
        ["record", "web", "-m", "x", "--proof", proof],
        ["letter"],
        ["email", "--format", "eml"],
        ["bundle"],
        ["repair"],
        ["init", case / "nouveau"],
        ["log", "--csv", "-o", case / "journal.csv"],
    ):
        result = run("-C", case, *args)
        assert result.exit_code in (3, 4), (args, result.output)
        assert f"{case}" in result.stderr and WRITE_ERRORS[code] in result.stderr, result.stderr
        assert "Astuce : " in result.stderr


@pytest.mark.parametrize("command", [["record", "web", "-m", "x"], ["letter", "--format", "text"]])
def test_disk_full_while_appending_to_the_journal(command, case, run, tmp_path, monkeypatch):
    """The journal line cannot be written: the proof copy or the document goes too."""
    proof = tmp_path / "preuve.png"
    proof.write_bytes(b"\x89PNG")
    if command[0] == "record":
        command = [*command, "--proof", proof]
    before = snapshot(case)

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as failing:
        failing.setattr(os, "write", full)  # the journal appends with os.write
        result = run("-C", case, *command)
    assert result.exit_code == 4, result.output  # the journal's failure, named as such
    assert f"{case / 'journal.jsonl'} : plus de place sur le disque" in result.stderr
    assert snapshot(case) == before
    assert run("-C", case, "verify").exit_code == 0


def test_disk_full_in_the_middle_of_a_file_leaves_no_half_file(case, run, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    before = snapshot(case)
    with monkeypatch.context() as failing:
        failing.setattr(os, "fsync", full)  # the document's bytes cannot reach the disk
        result = run("-C", case, "letter")
    assert result.exit_code == 3 and "plus de place" in result.stderr
    assert snapshot(case) == before


def test_things_in_the_wrong_place(case, run, tmp_path):
    shutil.rmtree(case / "pieces")
    (case / "pieces").write_text("x", encoding="utf-8")
    proof = tmp_path / "p.png"
    proof.write_bytes(b"\x89PNG")
    result = run("-C", case, "record", "web", "-m", "x", "--proof", proof)
    assert result.exit_code == 3
    assert f"{case / 'pieces'} : c'est un fichier ; un dossier est attendu" in result.stderr
    shutil.rmtree(case / "documents")
    (case / "documents").write_text("x", encoding="utf-8")
    assert run("-C", case, "letter").exit_code == 3
    (case / "journal.jsonl").unlink()
    (case / "journal.jsonl").mkdir()
    for args in (["log"], ["status"], ["record", "web", "-m", "x"], ["verify"]):
        result = run("-C", case, *args)
        assert result.exit_code == 4, (args, result.output)
        assert "journal.jsonl : c'est un dossier" in result.stderr
    file = tmp_path / "un_fichier"
    file.write_text("x", encoding="utf-8")
    result = run("init", file / "dossier")
    assert result.exit_code == 2 and "un élément du chemin est un fichier" in result.stderr


def test_case_folder_that_is_a_file_through_the_installed_command(tmp_path):
    file = tmp_path / "dossier"
    file.write_text("x", encoding="utf-8")
    result = run_installed("-C", file, "status")
    assert result.returncode == 2
    assert (
        "Erreur : valeur invalide pour '-C'" in result.stderr and "Traceback" not in result.stderr
    )


@pytest.mark.parametrize("args", [["status"], ["verify"], ["record", "web", "-m", "x"]])
def test_journal_replaced_by_a_fifo_is_refused_without_waiting(args, case, tmp_path):
    """A FIFO in place of the journal made every command wait forever for a writer."""
    (case / "journal.jsonl").unlink()
    os.mkfifo(case / "journal.jsonl")
    # in a subprocess: before the fix the command blocked on open() and hit the timeout
    result = subprocess.run(
        [*installed_cli(), "-C", str(case), *args], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 4, result.stderr
    assert "journal.jsonl : c'est un fichier spécial (tube, périphérique…)" in result.stderr
    assert "Traceback" not in result.stderr
    assert stat.S_ISFIFO((case / "journal.jsonl").lstat().st_mode)  # left as it was


def test_proof_that_is_a_symlink_loop_is_refused_as_a_link(case, run, tmp_path):
    """A proof in pieces/ replaced by a link to itself made ``bundle`` exit 70."""
    piece = case / "pieces" / "2026-09-14_0905_web_capture_00.png"
    piece.unlink()
    piece.symlink_to(piece.name)
    result = run("-C", case, "bundle", "-o", tmp_path / "dossier")
    assert result.exit_code == 2, result.output
    assert "pieces/2026-09-14_0905_web_capture_00.png sort du dossier" in result.stderr
    assert "lien symbolique" in result.stderr
    assert not (tmp_path / "dossier").exists()
    verified = run("-C", case, "verify")
    assert verified.exit_code == 1 and "2026-09-14_0905_web_capture_00.png" in verified.output


@pytest.mark.parametrize("where", ["pieces/x.eml", "dossier_x/00_Inventaire.txt"])
def test_anchor_file_replaced_by_a_fifo_is_noted_without_waiting(where, case):
    """``verify`` reads e-mails and inventories for anchors: a FIFO there made it wait
    forever; it is now an anchor noted as unreadable."""
    target = case / where
    target.parent.mkdir(exist_ok=True)
    os.mkfifo(target)
    result = subprocess.run(
        [*installed_cli(), "-C", str(case), "verify"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert f"{where} illisible" in result.stdout and "ancre ignorée" in result.stdout
