"""A disk that fills up in the middle of a journal line leaves the journal as it was:
the append is cut back to the previous size (a real file-size limit, RLIMIT_FSIZE, makes
the kernel stop the write half-way, as a full disk does)."""

from __future__ import annotations

import resource
import subprocess

from .conftest import run_installed, run_limited


def _under_size_limit(limit: int, *args) -> subprocess.CompletedProcess:
    # Python ignores SIGXFSZ: past the limit, the write fails with EFBIG instead
    return run_limited(*args, limits={resource.RLIMIT_FSIZE: limit})


def test_a_line_cut_by_a_full_disk_is_taken_back(case, tmp_path):
    journal = case / "journal.jsonl"
    before = journal.read_bytes()
    pieces = sorted(p.name for p in (case / "pieces").iterdir())
    proof = tmp_path / "capture.png"
    proof.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    message = "Aucun créneau " * 100  # a line of ~1.8 KB, of which ~200 bytes fit
    done = _under_size_limit(
        len(before) + 200, "-C", case, "record", "web", "-m", message, "--proof", proof
    )
    assert journal.read_bytes() == before  # no torn line
    assert done.returncode == 4, done.stdout + done.stderr
    assert "journal.jsonl" in done.stderr and "trop gros pour le disque" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in (case / "pieces").iterdir()) == pieces  # nor orphan copy
    assert "rien à réparer" in run_installed("-C", case, "repair").stdout
    assert run_installed("-C", case, "verify").returncode == 0
    assert run_installed("-C", case, "record", "web", "-m", "ensuite").returncode == 0
