"""The dossier's files reach the disk all at once, before the folder takes its name: a
disk that refuses that last flush leaves no dossier and no work folder behind."""

from __future__ import annotations

import errno
import os

from rdvletters import fsutil


def _full(*_args):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_refused_final_flush_leaves_no_dossier(case, run, monkeypatch):
    before = sorted(p.name for p in case.iterdir())
    with monkeypatch.context() as failing:
        failing.setattr(fsutil, "_syncfs", _full)  # Linux: one syncfs for the whole folder
        failing.setattr(os, "fsync", _full)  # elsewhere: each file's fsync
        result = run("-C", case, "bundle", "-o", case / "dossier")
    assert result.exit_code == 3, result.output
    assert "plus de place sur le disque" in result.stderr
    assert sorted(p.name for p in case.iterdir()) == before  # nor dossier nor work folder


def test_the_dossier_is_flushed_before_it_takes_its_name(case, run, monkeypatch):
    flushed: list[list[str]] = []
    real = fsutil.sync_folder

    def watched(folder):
        flushed.append(sorted(p.name for p in folder.iterdir()))
        assert not (case / "dossier").exists()  # not renamed yet
        real(folder)

    monkeypatch.setattr(fsutil, "sync_folder", watched)
    monkeypatch.setattr("rdvletters.court.dossier.bundle.sync_folder", watched)
    assert run("-C", case, "bundle", "-o", case / "dossier").exit_code == 0
    assert flushed == [sorted(p.name for p in (case / "dossier").iterdir())]
