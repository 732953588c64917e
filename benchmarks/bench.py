"""Time the main commands on the bundled example, next to the cost of importing the package.

Run:  python benchmarks/bench.py [--runs N]
Each command runs in a fresh process on a fresh copy of the example case, as a user
would run it; the table gives the median wall time over N runs, and the overhead
over a bare ``python -c "import rdvletters"`` measured in the same run.
The text e-mail is also checked not to import python-docx.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = [sys.executable, "-m", "rdvletters"]
CASES = [
    ("import rdvletters", [sys.executable, "-c", "import rdvletters"]),
    ("email --format text", [*CLI, "-C", "{case}", "email", "--format", "text"]),
    ("letter --format docx", [*CLI, "-C", "{case}", "letter", "--format", "docx"]),
    ("letter --format pdf", [*CLI, "-C", "{case}", "letter", "--format", "pdf"]),
]


def fresh_case(root: Path) -> Path:
    folder = Path(tempfile.mkdtemp(dir=root)) / "cas"
    subprocess.run([*CLI, "init", "--example", str(folder)], check=True, capture_output=True)
    return folder


def timed(command: list[str], root: Path) -> float:
    case = fresh_case(root)
    argv = [a.replace("{case}", str(case)) for a in command]
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - start


def text_path_is_light() -> bool:
    code = (
        "import sys, rdvletters.cli, rdvletters.documents.pipeline, rdvletters.documents.text_out; "
        "sys.exit(bool({'docx', 'flask', 'waitress'} & set(sys.modules)))"
    )
    return subprocess.run([sys.executable, "-c", code]).returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    has_soffice = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        floor = None
        print(f"{'command':<24}{'median':>10}{'over import':>14}   ({args.runs} runs)")
        for name, command in CASES:
            if name.endswith("pdf") and not has_soffice:
                print(f"{name:<24}{'skipped: LibreOffice not installed':>40}")
                continue
            median = statistics.median(timed(command, root) for _ in range(args.runs))
            floor = median if floor is None else floor
            print(f"{name:<24}{median * 1000:>8.0f} ms{(median - floor) * 1000:>11.0f} ms")
    print(
        "text e-mail path imports python-docx or the web stack:",
        "no" if text_path_is_light() else "YES",
    )


if __name__ == "__main__":
    main()
