"""``rdvletters web`` as installed: it serves, asks for its token, stops on Ctrl-C; the
rest of the CLI never loads the web stack; the wheel carries pages and catalogs."""

from __future__ import annotations

import signal
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from .conftest import ROOT, installed_cli, modules_after


def _start(*args: str | Path) -> tuple[subprocess.Popen, list[str]]:
    process = subprocess.Popen(
        [*installed_cli(), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        if "token=" in line:
            break
    return process, lines


def _stop(process: subprocess.Popen) -> tuple[str, str]:
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    return out, err


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_installed_web_command_serves_on_loopback_and_stops_cleanly(case):
    process, lines = _start("-C", case, "web", "--no-browser")
    try:
        url = next(line.strip() for line in lines if "token=" in line)
        assert url.startswith("http://127.0.0.1:")
        base = url.split("/?")[0]
        assert _status(base + "/") == 403
        assert _status(base + "/?token=faux") == 403
        assert _status(url) == 200
    finally:
        out, err = _stop(process)
    assert process.returncode == 0, err
    assert "Arrêté." in out and "Traceback" not in err


def test_network_host_needs_the_explicit_flag_and_keeps_the_token(case):
    refused = subprocess.run(
        [*installed_cli(), "-C", str(case), "web", "--host", "0.0.0.0", "--no-browser"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and "--allow-network" in refused.stderr
    process, lines = _start(
        "-C", case, "web", "--host", "0.0.0.0", "--allow-network", "--no-browser"
    )
    try:
        url = next(line.strip() for line in lines if "token=" in line)
        port, path = url.split(":")[2].split("/", 1)
        assert _status(f"http://127.0.0.1:{port}/{path.split('?')[0]}") == 403
        assert _status(f"http://127.0.0.1:{port}/{path}") == 200
    finally:
        out, err = _stop(process)
    assert "ATTENTION" in err and "non chiffré" in err


def test_text_email_does_not_import_the_web_stack(case):
    modules, printed = modules_after("-C", case, "email", "--format", "text")
    web = {"flask", "werkzeug", "waitress", "docx"} & {m.split(".")[0] for m in modules}
    assert not web and not any(m.startswith("rdvletters.web") for m in modules), web
    assert "Objet : Demande de rendez-vous" in printed


def test_wheel_carries_pages_static_files_and_compiled_catalogs(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("rdvletters-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "rdvletters/locale/en/LC_MESSAGES/rdvletters.mo",
        "rdvletters/web/templates/base.html",
        "rdvletters/web/static/app.css",
        "rdvletters/web/static/app.js",
        "rdvletters/cli/web_cmds.py",
        "rdvletters/_data/templates/profil.yaml",
    ):
        assert needed in names, needed


def test_web_lang_option_speaks_the_terminal_lines_too(case):
    """The README's `rdvletters web --lang en` gave English pages but French terminal lines."""
    process, lines = _start("-C", case, "web", "--lang", "en", "--no-browser")
    try:
        assert any("keep it to yourself" in line.lower() for line in lines), lines
        url = next(line.strip() for line in lines if "token=" in line)
        assert _status(url) == 200  # serving: Ctrl-C now stops it the usual way
    finally:
        out, err = _stop(process)
    assert "Stopped." in out and "Arrêté." not in out, out
