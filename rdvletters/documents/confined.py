"""Running an association's templates under a time and memory limit.

The sandbox keeps a template from running code; it does not keep it from running for
hours (three nested ``range`` loops, ``|slice(10**9)``) or from asking for gigabytes
(``'{:>1000000000}'.format(x)``, ``|center``, ``%`` widths). A template from a case's
``modeles/`` folder therefore renders in a child process (``fork``: the context is
already there, nothing to serialise) limited to ``CPU_SECONDS`` of processor time and
``MEMORY_BUDGET`` bytes of address space beyond what it starts with, and given
``WALL_SECONDS`` in all; it sends back the text, or the template's error, and nothing
else. The bundled templates, ours, render in the process itself.

Without ``fork`` (Windows) the template renders in the process, under the sandbox's
bounds only.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import time
import warnings
from collections.abc import Callable

from ..errors import TemplateError
from ..i18n import _

CPU_SECONDS = 5
WALL_SECONDS = 30
MEMORY_BUDGET = 512 * 1024**2
MAX_TEXT = 4 * 1024**2  # characters: a letter is ~10,000, the longest requête ~200,000
_MEMORY_EXIT = 3  # the child's exit code when even the error could not be sent


def available() -> bool:
    return hasattr(os, "fork") and _resource() is not None


def _resource():  # noqa: ANN202 - the module, or None where it does not exist (Windows)
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    return resource


def run(render: Callable[[], str], name: str, error: Callable[[Exception], TemplateError]) -> str:
    """``render()`` in a limited child process; its text, or the ``TemplateError`` that
    ``error`` makes of what went wrong (a limit reached is said as such)."""
    if not available():  # pragma: no cover - Windows
        return render()
    reader, writer = os.pipe()
    with warnings.catch_warnings():  # 3.12+: fork beside the web app's threads is fine here:
        warnings.simplefilter("ignore", DeprecationWarning)  # the child only renders and exits
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child: measured through its parent
        os.close(reader)
        _child(render, name, error, writer)
    os.close(writer)
    try:
        data, over = _collect(reader, pid)
    finally:
        os.close(reader)
        status = _reap(pid)
    return _outcome(data, over, status, name)


def _child(
    render: Callable[[], str], name: str, error: Callable[[Exception], TemplateError], out: int
) -> None:  # pragma: no cover - runs in the child
    """Render under the limits, write one JSON answer, and leave without any cleanup of
    the parent's (``os._exit``: no atexit, no buffered output written twice)."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent answers Ctrl-C
        _limit()
        try:
            text = render()
            answer = {"limit": "text"} if len(text) > MAX_TEXT else {"text": text}
        except MemoryError:
            answer = {"limit": "memory"}
        except RecursionError:
            answer = {"limit": "recursion"}
        except Exception as exc:  # noqa: BLE001 - any failure is the template's
            found = error(exc)
            answer = {"error": [found.template, found.line, found.detail, found.hint]}
        payload = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        view = memoryview(payload)
        while view:
            view = view[os.write(out, view) :]
    except MemoryError:
        code = _MEMORY_EXIT
    except BaseException:  # noqa: BLE001 - nothing may escape a forked child
        code = 1
    finally:
        os._exit(code)


def _limit() -> None:  # pragma: no cover - runs in the child
    resource = _resource()
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    size = _address_space()
    if size is not None:
        limit = size + MEMORY_BUDGET
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _address_space() -> int | None:  # pragma: no cover - runs in the child
    """The process's current address space in bytes (Linux), else None: no memory limit
    can be set relative to it (macOS does not enforce RLIMIT_AS anyway)."""
    try:
        with open("/proc/self/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _collect(reader: int, pid: int) -> tuple[bytes, bool]:
    """The child's answer, read as it comes (a full pipe would stop the child); the
    child is killed past ``WALL_SECONDS`` or past a few times ``MAX_TEXT`` bytes."""
    chunks: list[bytes] = []
    size, deadline = 0, time.monotonic() + WALL_SECONDS
    try:
        while True:
            left = deadline - time.monotonic()
            ready = select.select([reader], [], [], max(left, 0))[0] if left > 0 else []
            if not ready:
                _kill(pid)
                return b"", True
            chunk = os.read(reader, 1 << 16)
            if not chunk:
                return b"".join(chunks), False
            chunks.append(chunk)
            size += len(chunk)
            if size > 6 * MAX_TEXT:  # JSON escapes at most ~6 bytes per character
                _kill(pid)
                return b"", False
    except BaseException:  # Ctrl-C in the parent: the child goes too
        _kill(pid)
        raise


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap(pid: int) -> int:
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except InterruptedError:  # pragma: no cover - retried by Python since 3.5
            continue
        except ChildProcessError:  # pragma: no cover - reaped elsewhere
            return 0


def _outcome(data: bytes, over_time: bool, status: int, name: str) -> str:
    answer: dict = {}
    if data:
        try:
            answer = json.loads(data)
        except ValueError:
            answer = {}
    if "text" in answer:
        return answer["text"]
    if "error" in answer:
        template, line, detail, hint = answer["error"]
        raise TemplateError(template, line, detail, hint=hint)
    if over_time or (os.WIFSIGNALED(status) and os.WTERMSIG(status) in _CPU_SIGNALS):
        limit = _("plus de {seconds} secondes de calcul").format(seconds=CPU_SECONDS)
    elif answer.get("limit") == "text":
        limit = _("un texte de plus de {max} caractères").format(max=MAX_TEXT)
    elif answer.get("limit") == "recursion":
        limit = _("des appels imbriqués sans fin")
    else:  # MemoryError, or a child that died without a word
        limit = _("plus de {size} Mo de mémoire").format(size=MEMORY_BUDGET // 1024**2)
    raise TemplateError(
        name,
        None,
        _("le modèle demande {limit} ; il est arrêté.").format(limit=limit),
        hint=_("Simplifiez ce passage du modèle (boucles, largeurs, répétitions)."),
    )


_CPU_SIGNALS = {signal.SIGXCPU, signal.SIGKILL} if hasattr(signal, "SIGXCPU") else set()
