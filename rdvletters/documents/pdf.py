"""PDF through LibreOffice in headless mode, so the PDF matches the DOCX exactly.

The conversions share a LibreOffice profile kept in the user's cache, one conversion
at a time; a second conversion at the same moment gets a fresh profile of its own
(``office_profile``): two LibreOffices on one profile would fight and fail silently. The PDF is
PDF/A-1b (PDF 1.4, fonts embedded), the form La Poste's online registered
letter and archival validators expect.

The letter is personal data, and LibreOffice writes copies of it while it
works. So the conversion happens in a private (0700) temporary folder, and
LibreOffice runs with a 0077 umask, so that anything it creates, even a folder
it recreates after we removed ours, is readable by its owner only. It runs in
its own session (process group), and the whole group is stopped on every way
out: done, failed, timed out, Ctrl-C or SIGTERM. No LibreOffice is left behind
to write a copy of a letter after the command has ended.

Even when rdvletters itself is killed outright (``kill -9``: no way out runs), on
POSIX: LibreOffice is started by a small guard in the same group, which holds the
read end of a pipe whose write end only rdvletters has. When rdvletters ends, however
it ends, the system closes that end; the guard sees the pipe close and kills the
group, itself and LibreOffice with it.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

from ..errors import RdvError, ToolMissingError
from ..fsutil import WorkDir, write_new
from ..i18n import _
from .office_profile import FRESH, discard, profile_for

PDF_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"1"}}'
TIMEOUT = 180
SOFFICE_ENV = "RDVLETTERS_SOFFICE"  # names the LibreOffice program when it is elsewhere
MACOS_APP = Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")
WINDOWS_ROOTS = ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")
CHILD_UMASK = 0o077
STOP_WAIT = 10  # seconds to wait for a killed LibreOffice to be gone
# Runs LibreOffice (its arguments) in the guard's own group, and kills the group when
# its standard input closes: rdvletters ended, even by SIGKILL. The line to rdvletters
# is kept as descriptor 3 (a background job's own input would be /dev/null); once
# LibreOffice is done, the watcher is stopped and reaped, so the group is empty when
# the guard exits with LibreOffice's exit code (128 + N when signal N ended it). A
# POSIX shell, not a second Python: it starts in a few milliseconds instead of thirty.
GUARD = (
    "exec 3<&0; "
    "(read -r line <&3; kill -s KILL 0) & watcher=$!; "
    '"$@" 3<&- </dev/null & wait $!; code=$?; '
    "kill -s KILL $watcher; wait $watcher; exit $code"
)


def install_places(platform: str, environ: Mapping[str, str]) -> list[Path]:
    """Where LibreOffice's own installers put the program on ``platform``."""
    if platform == "win32":
        roots = dict.fromkeys(environ[v] for v in WINDOWS_ROOTS if environ.get(v))
        return [Path(root) / "LibreOffice" / "program" / "soffice.exe" for root in roots]
    if platform == "darwin":
        return [MACOS_APP, Path.home() / MACOS_APP.relative_to("/")]
    return []


def _runnable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_soffice(platform: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The LibreOffice program: ``RDVLETTERS_SOFFICE``, then PATH, then install places."""
    platform = platform or sys.platform
    environ = os.environ if environ is None else environ
    named = environ.get(SOFFICE_ENV, "").strip()
    if named:
        path = Path(named).expanduser()
        if not _runnable(path):
            raise ToolMissingError(
                _("{variable} désigne {path}, qui n'est pas un programme exécutable.").format(
                    variable=SOFFICE_ENV, path=path
                ),
                hint=_(
                    "Indiquez le chemin complet de soffice (soffice.exe sous Windows), ou "
                    "retirez la variable pour chercher LibreOffice à sa place habituelle."
                ),
            )
        return str(path)
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    for path in install_places(platform, environ):
        if _runnable(path):
            return str(path)
    raise ToolMissingError(
        _("LibreOffice est nécessaire pour produire un PDF, et il n'est pas installé."),
        hint=_(
            "Debian/Ubuntu : sudo apt-get install --no-install-recommends libreoffice-writer ; "
            "macOS : brew install --cask libreoffice ; Windows : https://fr.libreoffice.org. "
            "Installé ailleurs ? Donnez son chemin dans la variable {variable}. Sinon, utilisez "
            "--format docx et « Enregistrer en PDF » dans votre traitement de texte."
        ).format(variable=SOFFICE_ENV),
    )


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while LibreOffice is stopped and its folder removed.

    A second Ctrl-C must not cut the cleanup short; it is raised afterwards.
    Only the main thread can set signal handlers: elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    names = [signal.SIGINT] + ([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])
    previous = {s: signal.signal(s, lambda number, _frame: held.append(number)) for s in names}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in dict.fromkeys(held):  # now act on what was held, as it would have
            handler = previous[number]
            if callable(handler):
                handler(number, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(number)


def _start(command: list[str], folder: Path) -> subprocess.Popen:
    """LibreOffice in its own session (POSIX) or process group (Windows), umask 077.

    Its temporary files go into ``folder`` too, so that they are removed with it
    even when LibreOffice is killed before it can clean up after itself.
    """
    options: dict = {
        "stdin": subprocess.DEVNULL,
        # No pipes: a helper process keeping them open would make us wait for nothing.
        "stdout": subprocess.DEVNULL,
        "stderr": subprocess.DEVNULL,
        "env": {**os.environ, "TMPDIR": str(folder), "TMP": str(folder), "TEMP": str(folder)},
    }
    if os.name == "posix":
        return subprocess.Popen(
            ["/bin/sh", "-c", GUARD, "rdvletters-guard", *command],
            start_new_session=True,
            umask=CHILD_UMASK,
            **{**options, "stdin": subprocess.PIPE},  # the guard's line to rdvletters
        )
    return subprocess.Popen(
        command,
        creationflags=subprocess.CREATE_NEW_PROCESS_GROUP,  # type: ignore[attr-defined]
        **options,
    )


def _wait(process: subprocess.Popen, timeout: float) -> int | None:
    """The exit code, None after ``timeout`` seconds. ``Popen.wait(timeout)`` polls with
    sleeps growing to 50 ms, which a conversion would pay after LibreOffice is done;
    where the system can say when a process ends (Linux's pidfd), this waits for that."""
    try:
        fd = os.pidfd_open(process.pid)  # type: ignore[attr-defined]
    except (AttributeError, OSError):  # not Linux, or an older kernel
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
    try:
        ended = select.poll()
        ended.register(fd, select.POLLIN)
        if not ended.poll(timeout * 1000):
            return None
    finally:
        os.close(fd)
    return process.wait()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def stop_group(process: subprocess.Popen) -> None:
    """Kill LibreOffice and everything it started, and wait until they are gone."""
    if process.stdin is not None:  # the guard's line: closing it stops the group too
        with suppress(OSError):
            process.stdin.close()
    if os.name == "posix":
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    elif process.poll() is None:
        subprocess.run(
            ["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False
        )
    if process.returncode is None:
        with suppress(subprocess.TimeoutExpired, OSError):
            process.wait(timeout=STOP_WAIT)
    if os.name == "posix":
        # Grandchildren (soffice.bin) die asynchronously; a zombie no one reaps keeps
        # the group alive but can write nothing, so the wait is bounded.
        for _tick in range(STOP_WAIT * 20):
            if not _group_alive(process.pid) or _only_zombies(process.pid):
                break
            time.sleep(0.05)


def _only_zombies(pgid: int) -> bool:
    """True when every process left in group ``pgid`` is a zombie (Linux /proc only)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return False
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return False
    return True


def docx_to_pdf(docx: bytes) -> bytes:
    """Convert DOCX bytes to PDF bytes."""
    return office_to_pdf(docx, ".docx")


def office_to_pdf(data: bytes, suffix: str) -> bytes:
    """Convert a text document (``suffix``: .docx, .odt, .doc or .rtf) to PDF bytes.

    The suffix matters: LibreOffice picks its import filter from it.
    """
    return office_batch_to_pdf([(data, suffix)])[0]


def office_batch_to_pdf(documents: list[tuple[bytes, str]]) -> list[bytes]:
    """Convert (bytes, suffix) documents to PDF bytes with one LibreOffice start.

    Starting LibreOffice costs seconds; a dossier's documents share one start, and the
    conversions share a profile kept in the user's cache (``office_profile``).
    """
    if not documents:
        return []
    soffice = find_soffice()
    work = WorkDir("rdvletters-")  # one a killed run left is removed first
    folder = work.path
    try:
        sources = [  # scratch copies, removed afterwards: no flush to disk
            write_new(folder / f"document{f'-{i}' if i else ''}{suffix}", data, sync=False)
            for i, (data, suffix) in enumerate(documents)
        ]
        targets = [source.with_suffix(".pdf") for source in sources]
        with profile_for(folder) as (profile, kept):
            code = _convert(soffice, profile, sources, folder)
            if kept and (code != 0 or not all(t.is_file() for t in targets)):
                discard(profile)  # a kept profile LibreOffice failed with: again, afresh
                code = _convert(soffice, folder / FRESH, sources, folder)
        if code is None:
            raise RdvError(
                _("LibreOffice n'a pas fini la conversion en {seconds} s.").format(seconds=TIMEOUT)
            )
        if code != 0 or not all(t.is_file() for t in targets):
            raise RdvError(
                _("LibreOffice n'a pas produit de PDF (code {code}).").format(code=code),
                hint=_("Essayez --format docx, puis « Enregistrer en PDF » dans LibreOffice."),
            )
        return [target.read_bytes() for target in targets]
    finally:
        with _signals_held():
            work.remove()


def _convert(soffice: str, profile: Path, sources: list[Path], folder: Path) -> int | None:
    """Run one LibreOffice over ``sources`` (PDFs next to them) with ``profile``: its exit
    code, None when it did not finish in time. It is stopped, with everything it started,
    on every way out."""
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        PDF_FILTER,
        "--outdir",
        str(folder),
        *map(str, sources),
    ]
    process: subprocess.Popen | None = None
    try:
        with _signals_held():  # Ctrl-C inside Popen would lose the group to stop
            process = _start(command, folder)
        return _wait(process, TIMEOUT * len(sources))
    finally:
        with _signals_held():
            if process is not None:
                stop_group(process)
