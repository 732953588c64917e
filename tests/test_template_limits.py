"""An association's template cannot run for hours nor take gigabytes: it renders under a
time and memory limit, and ``templates check`` says which limit it reached."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from rdvletters.documents import confined
from rdvletters.resources import data_dir

from .conftest import journal_lines, run_installed
from .test_web import csrf, make_client

needs_fork = pytest.mark.skipif(not confined.available(), reason="limits need fork (POSIX)")

LOOPS = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
MEMORY = {
    "format": "{{ '{:>1000000000}'.format('x') }}",
    "center": "{{ 'x'|center(1000000000) }}",
    "percent": "{{ '%1000000000s' % 'x' }}",
}


def _with_body(case: Path, kind: str, inserted: str) -> Path:
    """The bundled ``kind`` template in ``modeles/`` with ``inserted`` at the top of its body."""
    text = (data_dir("templates") / f"{kind}.j2").read_text(encoding="utf-8")
    at = text.index("[[corps]]\n") + len("[[corps]]\n")
    folder = case / "modeles"
    folder.mkdir(exist_ok=True)
    (folder / f"{kind}.j2").write_text(text[:at] + inserted + "\n" + text[at:], encoding="utf-8")
    return folder


def _children_peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


@needs_fork
@pytest.mark.parametrize("attack", sorted(MEMORY))
def test_memory_hungry_template_is_stopped_and_reported_by_templates_check(case, attack):
    folder = _with_body(case, "lettre", MEMORY[attack])
    checked = run_installed("-C", case, "templates", "check", folder)
    assert checked.returncode == 2, checked.stdout + checked.stderr
    assert "lettre.j2" in checked.stdout and "Mo de mémoire ; il est arrêté" in checked.stdout
    assert "Traceback" not in checked.stdout + checked.stderr
    # a second copy of the case goes through ``letter``: refused, nothing written
    before = journal_lines(case)
    made = run_installed("-C", case, "letter", "--format", "text")
    assert made.returncode == 2 and "Mo de mémoire" in made.stderr
    assert journal_lines(case) == before
    assert _children_peak_kb() < 2 * 1024**2  # no child ever went near gigabytes


@needs_fork
def test_endless_loops_are_stopped_after_the_time_limit(case):
    _with_body(case, "courriel", LOOPS)
    before = journal_lines(case)
    made = run_installed("-C", case, "email")
    assert made.returncode == 2, made.stdout + made.stderr
    assert f"plus de {confined.CPU_SECONDS} secondes de calcul" in made.stderr
    assert journal_lines(case) == before


@needs_fork
def test_the_web_app_answers_with_the_limit_instead_of_freezing(case):
    _with_body(case, "lettre", MEMORY["center"])
    _, client = make_client(case)
    token = csrf(client, "/c/cas/documents")
    page = client.post(
        "/c/cas/documents/prepare", data={"csrf": token, "kind": "lettre", "format": "text"}
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 400, text[:300]
    assert "Mo de mémoire" in text


@needs_fork
def test_honest_association_templates_still_render_the_same(case, tmp_path):
    plain = run_installed("-C", case, "letter", "--format", "text")
    assert plain.returncode == 0
    [bundled] = (case / "documents").glob("*.txt")
    folder = case / "modeles"
    folder.mkdir()
    for source in data_dir("templates").glob("*.j2"):
        (folder / source.name).write_bytes(source.read_bytes())
    confined_run = run_installed("-C", case, "letter", "--format", "text")
    assert confined_run.returncode == 0, confined_run.stderr
    [second] = [p for p in (case / "documents").glob("*.txt") if p != bundled]
    assert second.read_bytes() == bundled.read_bytes()
