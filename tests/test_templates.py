"""Templates from a case folder are data, never code: the sandbox, and ``templates check``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import jinja2
import pytest

from rdvletters.documents.model import parse_document
from rdvletters.resources import data_dir

from .conftest import journal_lines, run_installed

BUNDLED = data_dir("templates")


def _payload(marker: Path) -> str:
    """The RCE attempt of issue 8, made to leave a file behind if it ever runs."""
    return '{{ cycler.__init__.__globals__.os.popen("touch ' + str(marker) + '").read() }}'


def _modeles(case: Path) -> Path:
    folder = case / "modeles"
    folder.mkdir(exist_ok=True)
    return folder


def test_the_payload_does_run_outside_the_sandbox(tmp_path):
    """Control: the same text in a plain Jinja environment does run a command, so the
    tests below would see the file if the sandbox were ever lost."""
    marker = tmp_path / "ran"
    jinja2.Environment().from_string(_payload(marker)).render()
    assert marker.exists()


def test_email_template_cannot_run_a_command(case, run, tmp_path):
    marker = tmp_path / "ran"
    (_modeles(case) / "courriel.j2").write_text(
        f"[[objet]]\nObjet\n[[corps]]\nBonjour\n{_payload(marker)}\n", encoding="utf-8"
    )
    before = journal_lines(case)
    for args in (["email"], ["email", "--format", "eml"], ["email", "--mailto"]):
        result = run("-C", case, *args)
        assert result.exit_code == 2, result.output
        assert "courriel.j2, ligne 5" in result.stderr
        assert "intérieur du programme" in result.stderr and "Traceback" not in result.stderr
    assert not marker.exists()
    assert journal_lines(case) == before
    assert not list((case / "documents").iterdir())


def test_bundle_attestation_template_cannot_run_a_command(case, run, tmp_path):
    marker = tmp_path / "ran"
    (_modeles(case) / "attestation.j2").write_text(
        f"[[objet]]\nAttestation\n[[corps]]\n{{{{ visite.witness }}}}\n{_payload(marker)}\n",
        encoding="utf-8",
    )
    result = run("-C", case, "bundle", "-o", tmp_path / "dossier")
    assert result.exit_code == 2, result.output
    assert "attestation.j2, ligne 5" in result.stderr and "intérieur du programme" in result.stderr
    assert not marker.exists()
    assert not (tmp_path / "dossier").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dossier")]


def test_symlinked_template_is_refused(case, run, tmp_path):
    elsewhere = tmp_path / "ailleurs.j2"
    elsewhere.write_text("[[objet]]\nObjet piégé\n[[corps]]\nx\n", encoding="utf-8")
    (_modeles(case) / "courriel.j2").symlink_to(elsewhere)
    result = run("-C", case, "email")
    assert result.exit_code == 2
    assert "courriel.j2" in result.stderr and "lien symbolique" in result.stderr
    assert not list((case / "documents").iterdir())


def test_huge_product_in_a_template_is_refused(case, run):
    (_modeles(case) / "lettre.j2").write_text(
        '[[objet]]\n{{ "x" * 10**10 }}\n[[corps]]\nx\n', encoding="utf-8"
    )
    result = run("-C", case, "letter", "--format", "text")
    assert result.exit_code == 2
    assert "lettre.j2, ligne 2" in result.stderr and "calcul refusé" in result.stderr


def test_a_fifo_named_as_a_template_is_refused_without_waiting(case, tmp_path):
    os.mkfifo(_modeles(case) / "courriel.j2")
    result = run_installed("-C", case, "email")  # would block forever on open()
    assert result.returncode == 2, result.stderr
    assert "courriel.j2" in result.stderr and "fichier spécial" in result.stderr


def test_a_line_separator_in_the_data_cannot_open_a_section():
    """Only the template's own line feeds split lines: NEL, U+2028, form feed do not."""
    for separator in ("\u2028", "\x85", "\x0c", "\x1c", "\r"):
        doc = parse_document("lettre", f"[[objet]]\nx{separator}[[pied]]\n[[corps]]\ny\n", "t")
        assert set(doc.sections) == {"objet", "corps"}
        assert doc.sections["objet"] == ["x [[pied]]"]


# --- templates check --------------------------------------------------------------
def test_check_of_the_bundled_templates_says_all_is_well(case, run):
    for source in BUNDLED.glob("*.j2"):
        shutil.copy(source, _modeles(case) / source.name)
    result = run("-C", case, "templates", "check")
    assert result.exit_code == 0, result.output
    assert "tout va bien" in result.output
    assert (
        "courriel, lettre, requete, requete_a_lire, saisine avec les exemples rdv et anef"
        in result.output
    )
    assert "attestation avec l'exemple rdv" in result.output


def test_check_writes_nothing_in_the_case(case, run):
    (_modeles(case) / "lettre.j2").write_text("[[objet]]\n{{ inconnu }}\n", encoding="utf-8")
    before = sorted(str(p.relative_to(case)) for p in case.rglob("*"))
    journal = (case / "journal.jsonl").read_bytes()
    assert run("-C", case, "templates", "check").exit_code == 2
    assert sorted(str(p.relative_to(case)) for p in case.rglob("*")) == before
    assert (case / "journal.jsonl").read_bytes() == journal


BROKEN = {
    "syntax": ("saisine.j2", "[[objet]]\nx\n[[corps]]\n{% if %}\n", 4, "erreur de syntaxe"),
    "unknown variable": (
        "lettre.j2",
        "[[objet]]\nx\n[[corps]]\n\n{{ demandeur.surnom }}\n",
        5,
        "« surnom » n'existe pas dans Demandeur",
    ),
    "sandbox": ("courriel.j2", "[[objet]]\n{{ ''.__class__.__mro__ }}\n", 2, "intérieur"),
    "unknown section": ("saisine.j2", "[[objet]]\nx\n[[corpus]]\ny\n", 3, "section inconnue"),
    "text before": ("lettre.j2", "{# note #}\nBonjour\n[[objet]]\nx\n", 2, "précède la première"),
    "control character": ("courriel.j2", "[[objet]]\nx\n[[corps]]\na\x1bb\n", 4, "U+001B"),
    "error in a shared piece": (
        "_commun.j2",
        "{% macro la_demande() %}{{ pas_la }}{% endmacro %}\n",
        1,
        "« pas_la » n'existe pas",
    ),
    "unused file": ("courier.j2", "[[objet]]\n", None, "ce modèle ne servira jamais"),
    "requête": (
        "requete.j2",
        "[[objet]]\nRequête\n[[corps]]\n{{ tribunal.nom_inconnu }}\n",
        4,
        "« nom_inconnu » n'existe pas dans Court",
    ),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_check_reports_each_problem_with_file_and_line(name, case, run):
    filename, text, line, what = BROKEN[name]
    (_modeles(case) / filename).write_text(text, encoding="utf-8")
    result = run("-C", case, "templates", "check")
    assert result.exit_code == 2, result.output
    where = f"modeles/{filename}, ligne {line} :" if line else f"modeles/{filename} :"
    reported = [ln for ln in result.output.splitlines() if ln.startswith("PROBLÈME")]
    assert any(where in ln and what in ln for ln in reported), result.output
    assert "problème" in result.stderr and "Traceback" not in result.output


def test_check_reports_every_broken_file_at_once(case, run, tmp_path):
    marker = tmp_path / "ran"
    folder = _modeles(case)
    (folder / "courriel.j2").write_text(f"[[objet]]\n{_payload(marker)}\n", encoding="utf-8")
    (folder / "lettre.j2").write_text("[[objet]]\n{{ nope }}\n", encoding="utf-8")
    (folder / "attestation.j2").write_text("[[objet]]\n{{ visite.when|jour }\n", "utf-8")
    (folder / "saisine.j2").symlink_to(BUNDLED / "saisine.j2")
    result = run("-C", case, "templates", "check", folder)
    assert result.exit_code == 2
    out = result.output
    assert "modeles/courriel.j2, ligne 2" in out and "modeles/lettre.j2, ligne 2" in out
    assert "modeles/attestation.j2, ligne 2" in out and "modeles/saisine.j2 : c'est un lien" in out
    assert "4 problèmes" in result.stderr
    assert not marker.exists()


def test_check_of_a_missing_or_linked_folder(case, run, tmp_path):
    result = run("-C", case, "templates", "check")
    assert result.exit_code == 2 and "introuvable" in result.stderr
    real = tmp_path / "vrais"
    real.mkdir()
    (case / "modeles").symlink_to(real)
    result = run("-C", case, "templates", "check")
    assert result.exit_code == 2 and "lien symbolique" in result.stderr


def test_check_through_the_installed_command(case, tmp_path):
    marker = tmp_path / "ran"
    (_modeles(case) / "courriel.j2").write_text(f"[[objet]]\n{_payload(marker)}\n", "utf-8")
    result = run_installed("-C", case, "templates", "check")
    assert result.returncode == 2
    assert "modeles/courriel.j2, ligne 2" in result.stdout and "Traceback" not in result.stderr
    assert not marker.exists()


def test_a_kind_the_examples_cannot_feed_is_said_unchecked(case, run, monkeypatch):
    """A new bundled kind (the requête, say) that needs more than the common variables is
    listed as not checked, never reported as a problem of the association's templates."""
    from rdvletters.documents import template_check

    monkeypatch.delitem(template_check.EXTRA_CONTEXTS, "attestation")  # visite now missing
    _modeles(case)
    result = run("-C", case, "templates", "check")
    assert result.exit_code == 0, result.output
    assert "Note : attestation : non vérifié avec l'exemple rdv" in result.output
    assert "tout va bien" in result.output and "attestation avec" not in result.output


@pytest.fixture
def bundled_copy(tmp_path, monkeypatch) -> Path:
    """The bundled templates copied to a folder of the test's own, used as the bundled ones."""
    from rdvletters.documents import render

    copy = tmp_path / "installed" / "templates"
    shutil.copytree(BUNDLED, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(render, "data_dir", lambda name: copy)
    return copy


def _user_cache(home: Path) -> Path:
    from rdvletters import __version__

    return home / ".cache" / "rdvletters" / f"modeles-compiles-{__version__}"


def _cache_file(folder: Path, template: Path) -> Path:
    """The file Jinja keeps ``template``'s compiled code in, inside ``folder``."""
    from rdvletters.documents.compiled import PATTERN

    key = jinja2.BytecodeCache().get_cache_key(template.name, str(template))
    return folder / (PATTERN % key)


def _compiling_fails(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise RuntimeError("compiled")

    monkeypatch.setattr(jinja2.Environment, "compile", refuse)


def test_bundled_templates_are_compiled_beside_them_and_follow_edits(
    case, run, isolated_home, bundled_copy, monkeypatch
):
    """Like a module's ``.pyc``: compiled once into the installation's ``__pycache__``,
    loaded from there by every later run, even with an empty user cache; an edited
    template is compiled anew."""
    import sys

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    assert run("-C", case, "email", "--format", "text").exit_code == 0
    beside = bundled_copy / "__pycache__"
    for name in ("courriel.j2", "_commun.j2"):  # the e-mail and the macros it imports
        assert _cache_file(beside, bundled_copy / name).is_file()
    assert not _user_cache(isolated_home).exists() or not any(_user_cache(isolated_home).iterdir())
    _compiling_fails(monkeypatch)
    shutil.rmtree(isolated_home / ".cache", ignore_errors=True)
    assert run("-C", case, "email", "--format", "text").exit_code == 0  # nothing compiled
    source = (bundled_copy / "courriel.j2").read_text(encoding="utf-8")
    (bundled_copy / "courriel.j2").write_text(source.replace("Madame, Monsieur", "Mesdames"))
    assert run("-C", case, "email", "--format", "text").exit_code == 2  # had to compile
    monkeypatch.undo()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    from rdvletters.documents import render

    monkeypatch.setattr(render, "data_dir", lambda name: bundled_copy)
    assert run("-C", case, "email", "--format", "text").exit_code == 0
    newest = max((case / "documents").glob("*.txt"), key=lambda p: p.stat().st_mtime_ns)
    assert "Mesdames" in newest.read_text(encoding="utf-8")


def test_a_case_template_is_compiled_for_the_user_only(
    case, run, isolated_home, bundled_copy, monkeypatch
):
    """A template of the case's own ``modeles/`` comes from anyone: its compiled code goes
    to the user's cache (0700, files 0600), never into the installation."""
    import stat
    import sys

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    own = _modeles(case) / "courriel.j2"
    source = (bundled_copy / "courriel.j2").read_text(encoding="utf-8")
    own.write_text(source.replace("Madame, Monsieur", "Mesdames"), "utf-8")
    assert run("-C", case, "email", "--format", "text").exit_code == 0
    cache = _user_cache(isolated_home)
    kept = _cache_file(cache, own.resolve())
    assert kept.is_file() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert not _cache_file(bundled_copy / "__pycache__", own.resolve()).exists()
    assert _cache_file(bundled_copy / "__pycache__", bundled_copy / "_commun.j2").is_file()
    newest = max((case / "documents").glob("*.txt"), key=lambda p: p.stat().st_mtime_ns)
    assert "Mesdames" in newest.read_text(encoding="utf-8")


def test_an_installation_open_to_others_or_told_not_to_write_keeps_nothing_there(
    case, run, isolated_home, bundled_copy, monkeypatch
):
    """A ``__pycache__`` others may write in is not used, nor is the installation when
    Python writes no ``.pyc`` (``PYTHONDONTWRITEBYTECODE``): the user's cache serves, and
    its copies are loaded by the next run."""
    import sys

    beside = bundled_copy / "__pycache__"
    beside.mkdir()
    for shared, quiet in ((0o777, False), (0o755, True)):
        beside.chmod(shared)
        monkeypatch.setattr(sys, "dont_write_bytecode", quiet)
        shutil.rmtree(isolated_home / ".cache", ignore_errors=True)
        assert run("-C", case, "email", "--format", "text").exit_code == 0
        assert list(beside.iterdir()) == []
        assert _cache_file(_user_cache(isolated_home), bundled_copy / "courriel.j2").is_file()
    _compiling_fails(monkeypatch)
    assert run("-C", case, "email", "--format", "text").exit_code == 0  # loaded, not compiled


def test_a_cache_folder_open_to_others_is_not_used(case, run, isolated_home):
    from rdvletters import __version__

    shared = isolated_home / ".cache" / "rdvletters" / f"modeles-compiles-{__version__}"
    shared.mkdir(parents=True)
    shared.chmod(0o777)
    assert run("-C", case, "email", "--format", "text").exit_code == 0
    assert list(shared.iterdir()) == []  # nothing written where others could write
