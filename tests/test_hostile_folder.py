"""A case folder someone else prepared: links planted in it never turn a write (or a
read) of rdvletters into one elsewhere. Real links, through the installed command."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from .conftest import edit_profile, run_installed

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
