"""Time rdvletters' everyday commands next to the tools a volunteer could use instead.

Run:  python benchmarks/bench.py [--runs N]

The first run makes a virtual environment in ``benchmarks/.venv`` with this
checkout of rdvletters and the anchors it is compared with, then runs itself
again inside it, so that every program below starts from the same interpreter:

- ``email --format text`` against mailmerge's one-message dry run
  (``mailmerge --dry-run --limit 1``) of the same e-mail text;
- ``letter`` (DOCX) against docxtpl rendering the same one-page letter;
- ``log``, ``verify`` and ``--version`` against the bare import floor
  ``python -c "import click, jinja2, yaml"``.

Each command runs in a fresh process on a fresh copy of the bundled example
case, as a person would run it. Runs are interleaved (one of each, N times), so
that a busy machine slows every program alike; the table gives the medians and
the ratio to the anchor. The heavy modules each light command imported are
listed too (none is the goal: pydantic, Jinja, python-docx only when needed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = HERE / ".venv"
ANCHORS = ["mailmerge", "docxtpl"]
HEAVY = ("pydantic", "jinja2", "docx", "lxml", "yaml", "babel", "cryptography", "PIL", "reportlab",
         "flask", "waitress")  # fmt: skip


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(script: str = __file__) -> None:
    """Make the benchmark's own environment once, then re-run ``script`` inside it.

    The anchors' modules were compiled to .pyc by pip at install; this checkout is
    installed editable, so with PYTHONDONTWRITEBYTECODE set (as on some CI machines)
    every run would compile rdvletters from source, which no installed copy does. The
    warm-up run writes the .pyc files, as a person's first run would.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not venv_python().exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(venv_python()), "-m", "pip", "install", "-q", "-e", str(ROOT), *ANCHORS],
            check=True,
        )
    os.execv(str(venv_python()), [str(venv_python()), script, *sys.argv[1:]])


def fresh_case(root: Path) -> Path:
    folder = Path(tempfile.mkdtemp(dir=root)) / "cas"
    run_rdv("init", "--example", str(folder))
    return folder


def run_rdv(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rdvletters", *args], check=True,
                          capture_output=True, text=True)  # fmt: skip


def prepare_anchors(root: Path) -> dict[str, Path]:
    """mailmerge's files and docxtpl's template, holding rdvletters' own texts."""
    case = fresh_case(root)
    text = run_rdv("-C", str(case), "email", "--format", "text").stdout
    body = text.split("\n\n", 1)[1] if "\n\n" in text else text
    mail = root / "mailmerge"
    mail.mkdir()
    subprocess.run([str(Path(sys.executable).parent / "mailmerge"), "--sample"], cwd=mail,
                   check=True, capture_output=True)  # fmt: skip
    (mail / "mailmerge_template.txt").write_text(
        "TO: {{email}}\nSUBJECT: Demande de rendez-vous – {{name}}\n"
        "FROM: aminata.diallo@example.org\n\n" + body,
        encoding="utf-8",
    )
    run_rdv("-C", str(case), "letter", "--format", "text")
    letter = next((case / "documents").glob("*lettre*.txt")).read_text(encoding="utf-8")
    from docx import Document

    template = Document()
    for paragraph in letter.split("\n\n"):
        template.add_paragraph(" ".join(paragraph.split()).replace("DIALLO", "{{ nom }}"))
    template.save(root / "lettre_modele.docx")
    script = root / "docxtpl_render.py"
    script.write_text(
        "import sys\nfrom docxtpl import DocxTemplate\n"
        "doc = DocxTemplate(sys.argv[1])\ndoc.render({'nom': 'DIALLO'})\ndoc.save(sys.argv[2])\n",
        encoding="utf-8",
    )
    return {"mail": mail, "template": root / "lettre_modele.docx", "script": script}


def commands(root: Path, anchors: dict[str, Path]) -> dict[str, list[str]]:
    py, rdv = sys.executable, [sys.executable, "-m", "rdvletters"]
    mail = anchors["mail"]
    return {
        "floor: import click, jinja2, yaml": [py, "-c", "import click, jinja2, yaml"],
        "rdvletters --version": [*rdv, "--version"],
        "rdvletters log": [*rdv, "-C", "{case}", "log"],
        "rdvletters verify": [*rdv, "-C", "{case}", "verify"],
        "mailmerge --dry-run --limit 1": [
            str(Path(py).parent / "mailmerge"),
            "--dry-run",
            "--limit",
            "1",
            "--template",
            str(mail / "mailmerge_template.txt"),
            "--database",
            str(mail / "mailmerge_database.csv"),
            "--config",
            str(mail / "mailmerge_server.conf"),
            "--output-format",
            "text",
        ],  # fmt: skip
        "rdvletters email --format text": [*rdv, "-C", "{case}", "email", "--format", "text"],
        "docxtpl (one-page letter)": [
            py,
            str(anchors["script"]),
            str(anchors["template"]),
            str(root / "docxtpl_out.docx"),
        ],  # fmt: skip
        "rdvletters letter (docx)": [*rdv, "-C", "{case}", "letter", "--format", "docx"],
    }


RATIOS = [
    ("rdvletters email --format text", "mailmerge --dry-run --limit 1"),
    ("rdvletters letter (docx)", "docxtpl (one-page letter)"),
    ("rdvletters --version", "floor: import click, jinja2, yaml"),
    ("rdvletters log", "floor: import click, jinja2, yaml"),
    ("rdvletters verify", "floor: import click, jinja2, yaml"),
]


def timed(argv: list[str], root: Path) -> float:
    case = fresh_case(root) if "{case}" in argv else None
    argv = [a.replace("{case}", str(case)) for a in argv]
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - start


def heavy_imports(argv: list[str], root: Path) -> str:
    """The heavy modules a command imported, read in its own process at exit."""
    case = fresh_case(root)
    args = [a.replace("{case}", str(case)) for a in argv[3:]]
    code = (
        "import atexit, sys\n"
        f"atexit.register(lambda: sys.stderr.write('HEAVY=' + ','.join(m for m in {HEAVY!r} "
        "if m in sys.modules) + '\\n'))\n"
        f"sys.argv = ['rdvletters', *{args!r}]\n"
        "from rdvletters.cli import main\nmain()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    found = [ln[6:] for ln in done.stderr.splitlines() if ln.startswith("HEAVY=")]
    return found[-1] if found and found[-1] else "none"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    ensure_venv()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        table = commands(root, prepare_anchors(root))
        times: dict[str, list[float]] = {name: [] for name in table}
        for argv in table.values():  # warm the caches once (.pyc, disk)
            timed(argv, root)
        for _ in range(args.runs):
            for name, argv in table.items():
                times[name].append(timed(argv, root))
        median = {name: statistics.median(values) for name, values in times.items()}
        runs = f"({args.runs} interleaved runs, {os.cpu_count()} CPU)"
        print(f"{'command':<36}{'median':>9}   {runs}")
        for name in table:
            print(f"{name:<36}{median[name] * 1000:>6.0f} ms")
        print()
        for ours, anchor in RATIOS:
            ratio = median[ours] / median[anchor]
            verdict = "ok" if ratio <= 1 else "slower"
            print(f"{ours:<36} / {anchor:<34} {ratio:5.2f}x  {verdict}")
        print()
        for name in ("rdvletters --version", "rdvletters log", "rdvletters verify",
                     "rdvletters email --format text"):  # fmt: skip
            print(f"heavy modules imported by {name:<32}: {heavy_imports(table[name], root)}")


if __name__ == "__main__":
    main()
