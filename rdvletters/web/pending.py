"""Proof files of a form that was refused, kept so that nobody has to capture again.

When the record form (or « mark as sent ») is refused, the files that passed the checks
are kept in the case's private waiting area (``.rdvletters-attente/<ref>/``, 0700, files
0600) under a short-lived reference that the page sends back in a hidden field. The
next submission of the form takes them with whatever is added; success, or an hour of
silence, removes them. A reference is looked up among the folders there, never joined
to a path as given.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from pathlib import Path

from ..fsutil import private_dir, write_new
from ..proofnames import ProofFile

AREA = ".rdvletters-attente"
LIFETIME = 3600  # seconds a kept file waits for the form to come back
_REF = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_INDEX = "liste.json"
_TIME = "ecrit_le.json"


def _folder(root: Path, ref: str) -> Path | None:
    """The folder of ``ref``, if it is one of ours; never a path from the request."""
    if not _REF.match(ref or ""):
        return None
    area = root / AREA
    if not area.is_dir():
        return None
    return next((p for p in area.iterdir() if p.name == ref and p.is_dir()), None)


def purge(root: Path, now: float | None = None) -> None:
    """Remove what waited longer than ``LIFETIME``."""
    area = root / AREA
    if not area.is_dir():
        return
    now = time.time() if now is None else now
    for folder in area.iterdir():
        if folder.is_dir() and now - _written(folder) > LIFETIME:
            shutil.rmtree(folder, ignore_errors=True)


def _written(folder: Path) -> float:
    """When the files of ``folder`` were last kept, by this program's clock (noted in its
    list: the file system's times may follow another clock)."""
    try:
        return float(json.loads((folder / _TIME).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return 0.0


def kept(root: Path, ref: str) -> list[ProofFile]:
    """The files kept under ``ref``, in the order they were given."""
    folder = _folder(root, ref)
    if folder is None:
        return []
    try:
        listed = json.loads((folder / _INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = []
    for item in listed:
        path = folder / str(item.get("fichier", ""))
        if path.parent == folder and path.is_file():
            files.append(ProofFile(path, str(item.get("nom", path.name))))
    return files


def keep(root: Path, ref: str, files: list[tuple[str, str, bytes]], keep_only=None) -> str:
    """Add checked uploads (``(extension, name, bytes)``) to what ``ref`` keeps (those of
    its files whose index is in ``keep_only``, when given); returns the reference."""
    purge(root)
    old = kept(root, ref)
    if keep_only is not None:
        old = [f for i, f in enumerate(old) if i in keep_only]
    if not old and not files:
        drop(root, ref)
        return ""
    folder = _folder(root, ref)
    if folder is None:
        ref = secrets.token_urlsafe(24)
        folder = private_dir(private_dir(root / AREA) / ref)
    listed = [{"fichier": f.path.name, "nom": f.name} for f in old]
    used = {f.path.name for f in old}
    for path in folder.iterdir():
        if path.name not in (_INDEX, _TIME) and path.name not in used:
            path.unlink()
    start = max([int(re.sub(r"\D", "", n) or 0) for n in used] + [0]) + 1
    for i, (suffix, name, data) in enumerate(files, start=start):
        write_new(folder / f"piece-{i}{suffix}", data)
        listed.append({"fichier": f"piece-{i}{suffix}", "nom": name})
    for name, data in ((_INDEX, listed), (_TIME, time.time())):
        (folder / name).unlink(missing_ok=True)
        write_new(folder / name, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    return ref


def drop(root: Path, ref: str) -> None:
    """Remove what ``ref`` kept (the step was journaled: the copies are in ``pieces/``)."""
    folder = _folder(root, ref)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    area = root / AREA
    if area.is_dir() and not any(area.iterdir()):
        area.rmdir()


def gather(root: Path, form, uploaded) -> tuple[str, list[ProofFile], list[str]]:
    """The proof files of a submission: those kept from the last try (the ones still
    ticked) and the new uploads that pass; with the reference that keeps them until the
    step is journaled, and a message for each upload refused."""
    from .uploads import check_uploads

    checked, problems = check_uploads(uploaded)
    ticked = {int(i) for i in form.getlist("keep") if i.isdigit()}
    ref = keep(root, form.get("pending", ""), checked, ticked)
    return ref, kept(root, ref), problems
