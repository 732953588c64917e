"""Shared fixtures: an isolated HOME, a fresh copy of the example case, a CLI runner."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rdvletters.cli import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "aminata"  # route rdv, first application
EXAMPLE_ANEF = ROOT / "examples" / "kofi"  # route anef, renewal inside the R. 431-5 window
# The suite's « now », for this process and every process a test starts (frdates.now_paris):
# the bundled examples' last steps are a few days before it. A test that needs another
# « now » sets RDVLETTERS_NOW itself. CI runs the suite again under faketime, a year on,
# to catch a test that reads the real clock.
NOW = "2026-11-30T10:00:00+01:00"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """No test reads or writes the real user's folders, nor depends on today's date."""
    monkeypatch.setenv("RDVLETTERS_NOW", NOW)
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("HOME", ""),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    # French, the source language, whatever the developer's or the CI's locale
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return home


@pytest.fixture
def run():
    """Invoke the CLI in-process; returns click's Result (stdout and stderr apart)."""
    runner = CliRunner()

    def invoke(*args: str | os.PathLike):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def case(tmp_path, run) -> Path:
    """A case folder initialised from the bundled example."""
    folder = tmp_path / "aminata"
    result = run("init", "--example", folder)
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def anef_case(tmp_path, run) -> Path:
    """A case folder initialised from the bundled ANEF renewal example."""
    folder = tmp_path / "kofi"
    result = run("init", "--example", "anef", folder)
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def scripted_smtp():
    """``scripted_smtp(mode)``: a hostile or broken SMTP server on 127.0.0.1, its own
    process (smtp_scripted.py, modes named there); every one is killed at the end."""
    from .smtp_process import Scripted

    servers: list[Scripted] = []

    def start(mode: str) -> Scripted:
        servers.append(Scripted(mode))
        return servers[-1]

    yield start
    for server in servers:
        server.server.stop()


def edit_profile(folder: Path, *replacements: tuple[str, str]) -> None:
    """Apply text replacements to a case's profil.yaml, each of which must match."""
    path = folder / "profil.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, f"{old!r} not in the profile"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def journal_lines(folder: Path) -> list[dict]:
    """Parsed journal entries of a case."""
    text = (folder / "journal.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


needs_pdf_tools = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("qpdf")),
    reason="LibreOffice, poppler-utils and qpdf are installed by .ci/run",
)


def pdf_text(path: Path, layout: bool = False) -> str:
    """The text of a PDF, as poppler's pdftotext reads it."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def chronology_of(root: Path):
    """What ``bundle`` draws as piece 1 (intro, weeks, tables), before it is drawn."""
    from rdvletters.case import Case
    from rdvletters.court.dossier.bundle import chronology, header
    from rdvletters.court.pieces import plan
    from rdvletters.facts import Facts

    case = Case(root)
    profile, state = case.load().profile, case.journal.read()
    facts = Facts.from_journal(state)
    pieces = plan(profile, facts, case.root, state)
    return chronology(header(profile), profile, facts, state, pieces)


def installed_cli() -> list[str]:
    """The installed ``rdvletters`` command next to this interpreter."""
    exe = Path(sys.executable).parent / "rdvletters"
    found = str(exe) if exe.exists() else shutil.which("rdvletters")
    assert found, "the rdvletters command is not installed (pip install -e '.[test]')"
    return [found]


def run_installed(
    *args: str | os.PathLike, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """The installed command in a subprocess; ``env`` adds to the (isolated) environment."""
    return subprocess.run(
        installed_cli() + [str(a) for a in args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def modules_after(*args: str | os.PathLike) -> tuple[set[str], str]:
    """The modules a command imported (run in a fresh interpreter, as the installed
    command would), and what it printed. The command must succeed."""
    code = (
        "import json, sys\n"
        "from rdvletters.cli import main\n"
        f"sys.argv = ['rdvletters', *{[str(a) for a in args]!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "sys.stderr.write('\\nMODULES=' + json.dumps(sorted(sys.modules)) + '\\n')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    listed = done.stderr.rsplit("MODULES=", 1)[1]
    return set(json.loads(listed)), done.stdout


def run_limited(
    *args: str | os.PathLike, limits: dict[int, int] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """The installed command under resource limits (``{resource.RLIMIT_AS: bytes}``…) and a
    time limit: a hostile file must neither fill the memory nor make it wait forever."""
    import resource

    def apply() -> None:
        for which, value in (limits or {}).items():
            resource.setrlimit(which, (value, value))

    return subprocess.run(
        installed_cli() + [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=apply,
    )


def append_chained(folder: Path, **fields) -> bytes:
    """Append to a case's journal a line with a genuine chain link (the hash of the last
    line) and ``fields`` as given, unchecked: what a hand edit, an older version or a
    hostile case folder can hold. Returns the line."""
    import hashlib

    path = folder / "journal.jsonl"
    last = path.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1]
    entry = {
        "n": json.loads(last)["n"] + 1,
        "type": "tentative",
        "canal": "web",
        "date": "2026-11-29T10:00:00+01:00",
        **fields,
        "enregistre_le": "2026-11-29T10:00:00+01:00",
        "precedent": hashlib.sha256(last).hexdigest(),
    }
    line = json.dumps(entry, ensure_ascii=False, separators=(", ", ": ")).encode()
    with open(path, "ab") as handle:
        handle.write(line + b"\n")
    return line
