"""Case folders encrypted at rest, checked out in clear only for one request.

On disk, a case is ``cases/<id>/``: ``manifest.bin`` (sealed JSON: each file's
path in the plain case folder -> its blob and SHA-256) and ``blobs/*.bin`` (each
file sealed with the case key; the associated data names the case and the
blob, so blobs cannot be swapped between cases). File names, which hold the
person's name, are only inside the sealed manifest.

``checkout`` takes the case's lock (a thread lock and an ``flock``, so a CLI
command on the same data waits too), decrypts the folder into a private 0700
workspace in memory (``/dev/shm`` when there is one), and yields it to the
library, which works on plain case folders as always. On leaving, every file
that changed is sealed into a new blob, written and synced, and only then the
new manifest replaces the old one in one ``rename``: a crash leaves the old
state or the new one, never half of it. Blobs no manifest names (a crash
between the two) are removed at the next checkout.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from ..fsutil import private_dir
from . import keys

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: the server runs on Linux
    fcntl = None  # type: ignore[assignment]

MANIFEST = "manifest.bin"
# The date of every checked-out file (1980-01-03, ZIP's earliest year, in nanoseconds):
# any write by the library dates a file now, which the write-back sees at any clock
# granularity.
CHECKED_OUT = 315_705_600 * 10**9
BLOBS = "blobs"
SHM = Path("/dev/shm")


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_synced(path: Path, data: bytes) -> None:
    """Write to a temporary name, sync, then rename: the file is whole or absent."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _identity(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


class Vault:
    """All cases of the server, under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = private_dir(root, follow=True)  # the configured folder: its choice
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.workspace_parent = SHM if SHM.is_dir() and os.access(SHM, os.W_OK) else None
        # this server's workspaces only: another server on the machine keeps its own
        self.prefix = f"rdvletters-ws-{hashlib.sha256(str(root).encode()).hexdigest()[:10]}-"

    def remove_leftovers(self) -> int:
        """Workspaces left by a killed server (plain files, in memory): removed at start."""
        parent = self.workspace_parent or Path(tempfile.gettempdir())
        found = [p for p in parent.glob(f"{self.prefix}*") if p.is_dir()]
        for path in found:
            shutil.rmtree(path, ignore_errors=True)
        return len(found)

    def folder(self, case_id: str) -> Path:
        if not case_id.isalnum():  # ids are made here (hex); never a path from outside
            raise ValueError("bad case id")
        return self.root / case_id

    def exists(self, case_id: str) -> bool:
        return (self.folder(case_id) / MANIFEST).exists()

    def create(self, case_id: str, key: bytes) -> None:
        folder = private_dir(self.folder(case_id))
        private_dir(folder / BLOBS)
        self._write_manifest(case_id, key, {})

    # --- locking ------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self, case_id: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(case_id, threading.Lock())
        with lock:
            folder = private_dir(self.folder(case_id))
            fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)

    # --- manifest -------------------------------------------------------------------
    def _aad(self, case_id: str, what: str) -> bytes:
        return f"rdvletters case {case_id} {what}".encode()

    def read_manifest(self, case_id: str, key: bytes) -> dict[str, dict[str, str]]:
        sealed = (self.folder(case_id) / MANIFEST).read_bytes()
        return json.loads(keys.unseal(key, sealed, self._aad(case_id, "manifest")))

    def _write_manifest(self, case_id: str, key: bytes, files: dict[str, dict[str, str]]) -> None:
        data = json.dumps(files, ensure_ascii=False, sort_keys=True).encode()
        folder = self.folder(case_id)
        _write_synced(folder / MANIFEST, keys.seal(key, data, self._aad(case_id, "manifest")))
        _sync_dir(folder)

    def _blob_path(self, case_id: str, blob: str) -> Path:
        return self.folder(case_id) / BLOBS / f"{blob}.bin"

    def read_file(self, case_id: str, key: bytes, blob: str) -> bytes:
        sealed = self._blob_path(case_id, blob).read_bytes()
        return keys.unseal(key, sealed, self._aad(case_id, f"blob {blob}"))

    def _collect_garbage(self, case_id: str, files: dict[str, dict[str, str]]) -> None:
        wanted = {f"{entry['blob']}.bin" for entry in files.values()}
        for path in (self.folder(case_id) / BLOBS).iterdir():
            if path.name not in wanted:
                path.unlink(missing_ok=True)

    # --- checkout -------------------------------------------------------------------
    @contextlib.contextmanager
    def checkout(self, case_id: str, key: bytes) -> Iterator[Path]:
        """The plain case folder for the time of the ``with`` block, written back after.

        The caller holds ``locked(case_id)``. The folder is written back when the block
        ends, by an exception too: the library leaves a case whole after any error it
        raises (an entry with its proofs, or neither)."""
        files = self.read_manifest(case_id, key)
        self._collect_garbage(case_id, files)
        workspace = Path(tempfile.mkdtemp(prefix=self.prefix, dir=self.workspace_parent))
        try:
            root = workspace / "cas"
            root.mkdir(mode=0o700)
            written: dict[str, tuple[int, int, int]] = {}
            for relative, entry in files.items():
                target = root / relative
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(self.read_file(case_id, key, entry["blob"]))
                os.utime(target, ns=(CHECKED_OUT, CHECKED_OUT))  # a write dates it now
                written[relative] = _identity(target)
            try:
                yield root
            finally:
                self._write_back(case_id, key, root, files, written)
        finally:
            shutil.rmtree(workspace, ignore_errors=True)

    def _write_back(
        self,
        case_id: str,
        key: bytes,
        root: Path,
        before: dict[str, dict[str, str]],
        written: dict[str, tuple[int, int, int]],
    ) -> None:
        """Seal what changed. Checked-out files are dated 1980: one whose inode, size and
        modification time are still those was not written (a write dates it now, whatever
        the clock's granularity) and keeps its blob without being read again."""
        after: dict[str, dict[str, str]] = {}
        changed = False
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.is_symlink():
                continue
            relative = path.relative_to(root).as_posix()
            if relative in before and written.get(relative) == _identity(path):
                after[relative] = before[relative]
                continue
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            old = before.get(relative)
            if old is not None and old["sha256"] == digest:
                after[relative] = old
                continue
            blob = secrets.token_hex(16)
            sealed = keys.seal(key, data, self._aad(case_id, f"blob {blob}"))
            _write_synced(self._blob_path(case_id, blob), sealed)
            after[relative] = {"blob": blob, "sha256": digest}
            changed = True
        if changed or set(after) != set(before):
            _sync_dir(self.folder(case_id) / BLOBS)
            self._write_manifest(case_id, key, after)
            self._collect_garbage(case_id, after)

    # --- erasure --------------------------------------------------------------------
    def erase(self, case_id: str) -> None:
        """Remove the case's files (its keys are destroyed in the database)."""
        shutil.rmtree(self.folder(case_id), ignore_errors=True)
