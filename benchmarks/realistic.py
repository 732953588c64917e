"""Issue 20's table: rdvletters at the sizes people reach, next to what they would use instead.

Run:  python benchmarks/realistic.py [--runs 3] [--tree before=/path/to/old/checkout]

Like ``bench.py``, it first makes ``benchmarks/.venv`` (this checkout, mailmerge and
docxtpl) and runs itself inside it. Cases are built once, through the library, by
``realcases.py`` (200 entries with 60 proofs; 1,000 entries with 300 proofs: phone
screenshots of about 200 KB, photos of about 1.2 MB, one-page PDFs, ``.eml``) and by
``caseload.py`` (a permanence of 1,000 cases). Every command runs in a fresh process;
each run takes one of every command in turn, so a busy machine slows them alike.

``--only ROW`` (repeatable) keeps the rows whose name starts with ROW, with their anchors;
the large cases are built only when a kept row needs them.

``--tree NAME=PATH`` (repeatable) measures another source tree too, on the same cases,
interleaved with this one (``PYTHONPATH=PATH``): ``git archive main | tar -x -C /tmp/m``
then ``--tree main=/tmp/m`` gives before/after figures measured side by side.

Rows: ``email --format text`` against mailmerge's one-message dry run; ``letter`` against
docxtpl rendering the same one-page letter; ``letter --format pdf`` against docxtpl then
``soffice --convert-to pdf``; ``status`` on the bundled example against the import floor
(``python -c "import click, jinja2, yaml"``); ``status`` and ``bundle`` at 200/60 and
1,000/300 (wall time, peak memory of the process); the caseload page of 1,000 cases
(``web --cases``, Flask's test client in a fresh process): the first request with no
cache, and the first request of the next day with the cache of the day before.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench  # noqa: E402  (this folder's own module)

NOW = "2026-11-30T10:00:00+01:00"
CASELOAD = """
import os, sys, time
from pathlib import Path
from rdvletters.web.app import create_app
from rdvletters.web.cases import Registry
app = create_app(Registry(Path(sys.argv[1]), many=True), token="t")
if len(sys.argv) > 2:  # as ``rdvletters web`` starts: the first page's templates compiled
    try:
        from rdvletters.web.server import warm_templates
        warm_templates(app.jinja_env, "cases.html")
    except ImportError:  # a tree from before the warm-up
        pass
client = app.test_client()
client.get("/?token=t")
began = time.perf_counter()
assert client.get("/").status_code == 200
print(time.perf_counter() - began)
"""


def measure(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one command in a fresh process; it must succeed.

    It runs in ``cwd``, outside any checkout: ``python -m`` puts the current folder first
    on the path, which would shadow the tree given by ``PYTHONPATH``."""
    began = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)  # fmt: skip
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def build_cases(root: Path, kept: list[str]) -> dict[str, Path]:
    """The realistic cases and the permanence, each built in a child process (with
    ``--only``, those the rows kept need)."""
    made = {}
    for name, entries, proofs in (("200/60", 200, 60), ("1000/300", 1000, 300)):
        if kept and not any(r.startswith(("status, 2", "status, 1", "bundle")) for r in kept):
            made[name] = root / "unused"
            continue
        folder = root / name.replace("/", "_") / "cas"
        folder.parent.mkdir(parents=True)
        argv = [sys.executable, str(HERE / "realcases.py"), str(folder), str(entries), str(proofs)]
        subprocess.run(argv, check=True, env={**os.environ, "RDVLETTERS_NOW": NOW})
        made[name] = folder
    permanence = root / "permanence"
    permanence.mkdir()
    if kept and not any(row.startswith("caseload") for row in kept):
        return {**made, "permanence": permanence}
    code = (
        f"import sys; sys.path.insert(0, {str(HERE)!r}); import caseload; "
        f"from pathlib import Path; caseload.build(Path({str(permanence)!r}), 1000)"
    )
    subprocess.run([sys.executable, "-c", code], check=True,
                   env={**os.environ, "RDVLETTERS_NOW": NOW})  # fmt: skip
    made["permanence"] = permanence
    return made


def commands(root: Path, anchors: dict[str, Path], cases: dict[str, Path]) -> dict[str, list[str]]:
    py, rdv = sys.executable, [sys.executable, "-m", "rdvletters"]
    base = bench.commands(root, anchors)
    soffice = shutil.which("soffice") or "soffice"
    pdf_anchor = (
        f"import subprocess, sys; subprocess.run([sys.executable, {str(anchors['script'])!r}, "
        f"{str(anchors['template'])!r}, sys.argv[1] + '/l.docx'], check=True); "
        f"subprocess.run([{soffice!r}, '-env:UserInstallation=file://' + sys.argv[1] + '/lo', "
        "'--headless', '--convert-to', 'pdf', '--outdir', sys.argv[1], sys.argv[1] + '/l.docx'],"
        " check=True, capture_output=True)"
    )
    table = {
        "floor: import click, jinja2, yaml": base["floor: import click, jinja2, yaml"],
        "mailmerge --dry-run --limit 1": base["mailmerge --dry-run --limit 1"],
        "email --format text": [*rdv, "-C", "{case}", "email", "--format", "text"],
        "docxtpl (one-page letter)": base["docxtpl (one-page letter)"],
        "letter (DOCX)": [*rdv, "-C", "{case}", "letter", "--format", "docx"],
        "docxtpl + soffice": [py, "-c", pdf_anchor, "{scratch}"],
        "letter --format pdf": [*rdv, "-C", "{case}", "letter", "--format", "pdf"],
        # LibreOffice's profile kept from one run to the next on both sides, as a person's
        # own LibreOffice keeps ~/.config/libreoffice (and rdvletters its cache folder)
        "docxtpl + soffice, profile kept": [
            py,
            "-c",
            pdf_anchor.replace("sys.argv[1] + '/lo'", repr(str(root / "lo-kept"))),
            "{scratch}",
        ],
        "letter --format pdf, profile kept": [*rdv, "-C", "{case}", "letter", "--format", "pdf"],
        "status, bundled example": [*rdv, "-C", "{case}", "status"],
    }
    for size in ("200/60", "1000/300") if cases else ():
        table[f"status, {size}"] = [*rdv, "-C", str(cases[size]), "status"]
        table[f"bundle, {size}"] = [*rdv, "-C", str(cases[size]), "bundle", "-o", "{out}"]
    if cases:
        table["caseload 1,000: no cache"] = [py, "-c", "{caseload-cold}", str(cases["permanence"])]
        table["caseload 1,000: next day"] = [py, "-c", "{caseload-day}", str(cases["permanence"])]
        table["caseload 1,000: next day, as `web` starts"] = [
            py, "-c", "{caseload-day}", str(cases["permanence"]), "warm",
        ]  # fmt: skip
    return table


RATIOS = [
    ("email --format text", "mailmerge --dry-run --limit 1"),
    ("letter (DOCX)", "docxtpl (one-page letter)"),
    ("letter --format pdf", "docxtpl + soffice"),
    ("letter --format pdf, profile kept", "docxtpl + soffice, profile kept"),
    ("status, bundled example", "floor: import click, jinja2, yaml"),
]
ANCHORS = {anchor for _, anchor in RATIOS}


def run_once(
    name: str, argv: list[str], root: Path, env: dict[str, str], tree: str = ""
) -> tuple[float, float]:
    """One timed run; the caseload rows report the server's own time for the request.
    Each run has an empty cache folder, but the « profile kept » ones: one per tree."""
    scratch = Path(tempfile.mkdtemp(dir=root))
    out = scratch / "dossier"
    case = bench.fresh_case(root) if "{case}" in argv else None
    cache = root / f"cache-{tree}" if name.endswith("profile kept") else scratch / "cache"
    env = {**env, "XDG_CACHE_HOME": str(cache)}
    if name.startswith("caseload"):
        folder, *warm = argv[argv.index("-c") + 2 :]
        if "next day" in name:  # yesterday's cache, then the first request of today
            subprocess.run([sys.executable, "-c", CASELOAD, folder], check=True, cwd=scratch,
                           env={**env, "RDVLETTERS_NOW": "2026-11-29T18:00:00+01:00"},
                           capture_output=True)  # fmt: skip
        done = subprocess.run([sys.executable, "-c", CASELOAD, folder, *warm], env=env,
                              check=True, cwd=scratch, capture_output=True, text=True)  # fmt: skip
        return float(done.stdout.strip()), 0.0
    argv = [
        a.replace("{case}", str(case)).replace("{out}", str(out)).replace("{scratch}", str(scratch))
        for a in argv
    ]
    return measure(argv, env, scratch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tree", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--only", action="append", default=[], metavar="ROW")
    parser.add_argument("--skip-this", action="store_true", help="measure the --tree ones only")
    args = parser.parse_args()
    bench.ensure_venv(__file__)
    trees = {} if args.skip_this else {"this": None}
    trees.update(t.split("=", 1) for t in args.tree)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        large = ("status, 2", "status, 1", "bundle", "caseload")
        needed = not args.only or any(row.startswith(large) for row in args.only)
        table = commands(
            root, bench.prepare_anchors(root), build_cases(root, args.only) if needed else {}
        )
        if args.only:
            kept = {name for name in table if name.startswith(tuple(args.only))}
            kept |= {anchor for ours, anchor in RATIOS if ours in kept}
            table = {name: argv for name, argv in table.items() if name in kept}
        for name, path in trees.items():  # say which code each column runs
            where = subprocess.run(
                [sys.executable, "-c", "import rdvletters; print(rdvletters.__file__)"],
                cwd=root, capture_output=True, text=True, check=True,
                env={**os.environ, **({"PYTHONPATH": str(Path(path).resolve())} if path else {})},
            ).stdout.strip()  # fmt: skip
            print(f"{name}: {where}")
        env0 = {**os.environ, "RDVLETTERS_NOW": NOW}
        envs = {
            name: env0 if path is None else {**env0, "PYTHONPATH": str(Path(path).resolve())}
            for name, path in trees.items()
        }
        times: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for run in range(args.runs + 1):  # run 0 warms the caches and writes the .pyc files
            for name, argv in table.items():
                for tree, env in envs.items() if name not in ANCHORS else [("anchor", env0)]:
                    if not run and name.startswith(("bundle", "caseload", "status, 1000")):
                        continue  # long enough to need no warming
                    result = run_once(name, argv, root, env, tree)
                    if run:
                        times.setdefault((name, tree), []).append(result)
        load = os.getloadavg()[0]
        print(f"{args.runs} interleaved runs, {os.cpu_count()} CPU, load {load:.1f}, "
              f"Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}")  # fmt: skip
        columns = [*trees, "anchor"]
        print(f"| command | {' | '.join(columns)} |")
        print(f"| --- |{' ---: |' * len(columns)}")
        median = {}
        for name in table:
            cells = []
            for tree in columns:
                found = times.get((name, tree))
                if not found:
                    cells.append("")
                    continue
                seconds = statistics.median(t for t, _ in found)
                rss = max(m for _, m in found)
                median[(name, tree)] = seconds
                cells.append(f"{seconds:.2f} s" + (f", {rss:.0f} MiB" if rss else ""))
            print(f"| {name} | {' | '.join(cells)} |")
        print()
        for ours, anchor in RATIOS:
            ratios = [
                f"{tree} {median[(ours, tree)] / median[(anchor, 'anchor')]:.2f}x"
                for tree in trees
                if (ours, tree) in median
            ]
            print(f"{ours} / {anchor}: {', '.join(ratios)}")


if __name__ == "__main__":
    main()
