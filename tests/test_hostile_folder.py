"""A case folder someone else prepared: links planted in it never turn a write (or a
read) of rdvletters into one elsewhere. Real links, through the installed command."""

from __future__ import annotations

import os
import re
import resource
import shutil
import stat
import subprocess

import pytest

from .conftest import edit_profile, run_installed, run_limited

UNREACHABLE = ["timestamp", "--tsa", "http://127.0.0.1:1/", "--timeout", "1"]


@pytest.fixture
def victim(tmp_path):
    """A file of the user's, outside the case, that a hostile case would like to overwrite."""
    path = tmp_path / "victim.txt"
    path.write_text("précieux\n", encoding="utf-8")
    path.chmod(0o644)
    return path


def _unchanged(victim) -> bool:
    return victim.read_text(encoding="utf-8") == "précieux\n" and (
        stat.S_IMODE(victim.stat().st_mode) == 0o644
    )


def test_a_link_under_the_queue_s_temporary_name_is_not_written_through(case, victim):
    (case / "horodatage").mkdir()
    (case / "horodatage" / "en_attente.json.tmp").symlink_to(victim)
    done = run_installed("-C", case, *UNREACHABLE)
    assert done.returncode == 6, done.stderr  # no authority: the request waits
    assert _unchanged(victim)
    assert '"entree": 30' in (case / "horodatage" / "en_attente.json").read_text()
    assert (case / "horodatage" / "en_attente.json.tmp").is_symlink()  # left as it was


def test_a_link_under_the_draft_s_name_is_not_written_through(case, tmp_path, victim):
    probe = tmp_path / "probe"
    shutil.copytree(case, probe)
    assert run_installed("-C", probe, "email", "--format", "eml").returncode == 0
    [name] = [p.name for p in (probe / "documents").glob("*.eml")]
    (case / "documents" / name).symlink_to(victim)
    done = run_installed("-C", case, "email", "--format", "eml")
    assert done.returncode == 0, done.stderr
    assert _unchanged(victim)
    assert (case / "documents" / name.replace(".eml", "_2.eml")).is_file()


@pytest.mark.parametrize(
    ("folder", "command"),
    [
        ("documents", ["email", "--format", "eml"]),
        ("pieces", ["record", "web", "-m", "essai", "--proof", "{proof}"]),
        ("horodatage", UNREACHABLE),
    ],
)
def test_a_linked_folder_is_neither_written_into_nor_chmoded(case, tmp_path, folder, command):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    elsewhere.chmod(0o755)
    # the profile's urgency file would be refused first, as outside the case
    edit_profile(case, ("justificatif: pieces/promesse_embauche.pdf", "justificatif:"))
    if (case / folder).exists():
        for item in (case / folder).iterdir():
            shutil.move(item, elsewhere / item.name)
        (case / folder).rmdir()
    (case / folder).symlink_to(elsewhere)
    before = sorted(p.name for p in elsewhere.iterdir())
    proof = tmp_path / "preuve.png"
    proof.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    journal = (case / "journal.jsonl").read_bytes()
    done = run_installed("-C", case, *[a.replace("{proof}", str(proof)) for a in command])
    assert done.returncode == 3, done.stdout + done.stderr
    assert "lien symbolique" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == before
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o755
    assert (case / "journal.jsonl").read_bytes() == journal


@pytest.mark.parametrize("command", [["record", "web", "-m", "essai"], ["status"], ["verify"]])
def test_a_linked_journal_is_neither_appended_to_nor_read(case, tmp_path, command):
    elsewhere = tmp_path / "autre.jsonl"
    shutil.move(case / "journal.jsonl", elsewhere)
    (case / "journal.jsonl").symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    done = run_installed("-C", case, *command)
    assert done.returncode == 4, done.stdout + done.stderr
    assert "lien symbolique" in done.stderr and "Traceback" not in done.stderr
    assert elsewhere.read_bytes() == before


def test_a_case_reached_through_a_link_the_person_typed_still_works(case, tmp_path):
    link = tmp_path / "raccourci"
    link.symlink_to(case)
    done = run_installed("-C", link, "record", "web", "-m", "essai")
    assert done.returncode == 0, done.stderr
    assert os.path.islink(link)


# --- reads: confined to the case, regular files, bounded sizes (holes 5 and 8) -----------
def _run(*args, limit_memory: bool = False) -> subprocess.CompletedProcess:
    """The installed command with a short time limit (a FIFO read would wait forever) and,
    if asked, 1 GB of address space (a 3 GB file read whole would fail)."""
    limits = {resource.RLIMIT_AS: 1024**3} if limit_memory else {}
    return run_limited(*args, limits=limits, timeout=60)


@pytest.mark.parametrize("name", ["profil.yaml", "smtp.yaml"])
def test_a_linked_profile_or_smtp_settings_is_not_read(case, tmp_path, name):
    if name == "smtp.yaml":
        (case / name).write_text("serveur: 127.0.0.1\nport: 2525\nsecurite: aucune\n")
    elsewhere = tmp_path / f"autre-{name}"
    shutil.move(case / name, elsewhere)
    (case / name).symlink_to(elsewhere)
    done = _run("-C", case, "check")
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{name} est un lien symbolique" in done.stderr and "Traceback" not in done.stderr


def _append_piece(case, relative: str, digest: str) -> None:
    """A journal entry naming ``relative`` as its proof, chained like any other (a hostile
    case can hold such a line: the chain is public arithmetic)."""
    from rdvletters.case import Case

    Case(case).journal.append(
        {
            "type": "tentative",
            "canal": "web",
            "date": "2026-11-29T10:00:00+01:00",
            "description": "x",
            "pieces": [{"fichier": relative, "original": "x", "sha256": digest}],
        }
    )


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("how", ["absolute", "dotdot", "linked-file", "linked-folder"])
def test_verify_is_no_oracle_over_the_user_s_files(case, tmp_path, how):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"mot de passe\n")
    relative = {
        "absolute": str(secret),
        "dotdot": "pieces/../../secret.txt",
        "linked-file": "pieces/lien.txt",
        "linked-folder": "autres/secret.txt",
    }[how]
    if how == "linked-file":
        (case / "pieces" / "lien.txt").symlink_to(secret)
    if how == "linked-folder":
        (case / "autres").symlink_to(tmp_path)
    baseline = re.search(r"(\d+) fichiers vérifiés", _run("-C", case, "verify").stdout)[0]
    outputs = []
    for digest in (_sha(b"mot de passe\n"), _sha(b"autre chose\n")):
        copy = tmp_path / f"copie-{digest[:6]}"
        shutil.copytree(case, copy, symlinks=True)
        _append_piece(copy, relative, digest)
        done = _run("-C", copy, "verify")
        assert done.returncode == 1, done.stdout + done.stderr
        assert f"chemin {relative} hors du dossier ou à travers un lien" in done.stdout
        outputs.append(done.stdout.replace(str(copy), "CASE").split("Note : empreinte")[0])
        status = _run("-C", copy, "status")
        assert status.returncode == 0, status.stderr
    assert outputs[0] == outputs[1]  # the right hash and a wrong one read the same
    assert baseline in done.stdout  # the file outside was not counted as checked


def test_fifos_in_horodatage_are_never_waited_on(case):
    folder = case / "horodatage"
    folder.mkdir()
    os.mkfifo(folder / "en_attente.json")
    os.mkfifo(folder / "jeton.tsr")
    for command in (["status"], ["verify"], ["timestamp", "--tsa", "http://127.0.0.1:1/"]):
        done = _run("-C", case, *command)
        assert done.returncode in (0, 6), (command, done.stdout + done.stderr)
        assert "Traceback" not in done.stderr
    verified = _run("-C", case, "verify")
    assert "horodatage/jeton.tsr illisible" in verified.stdout


def test_a_3_gb_token_is_refused_by_its_size_not_read(case):
    folder = case / "horodatage"
    folder.mkdir()
    with open(folder / "enorme.tsr", "wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: no disk used
    done = _run("-C", case, "verify", limit_memory=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "horodatage/enorme.tsr illisible" in done.stdout and "trop gros" in done.stdout
