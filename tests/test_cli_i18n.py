"""The command line in the person's language: --lang, then the environment, then French;
click's own words included; documents and journal entries French whatever the language."""

from __future__ import annotations

import json
import re
import shutil

import click
import pytest
from click.testing import CliRunner
from docx import Document

from rdvletters import i18n
from rdvletters.cli import cli

from .conftest import edit_profile, journal_lines, run_installed

# click's own English words: none may be left in a French page
CLICK_ENGLISH = (
    "Usage:",
    "Options:",
    "Commands:",
    "Show this message",
    "default:",
    "Try '",
    "Error:",
    "COMMAND",
    "[ARGS]",
    "DIRECTORY",
    "TEXT",
    "PATH",
    "INTEGER",
)
# our French words of the same pages: none may be left in an English page
OUR_FRENCH = (
    "Utilisation",
    "Afficher",
    "Commandes",
    "par défaut",
    "Dossier de la personne",
    "Préparer",
    "Erreur",
    "Aide :",
)


def _left(words, text):
    """The ``words`` found in ``text`` as whole words (« COMMANDE » is not « COMMAND »)."""

    def pattern(w: str) -> str:
        left = r"(?<!\w)" if re.match(r"\w", w) else ""
        right = r"(?!\w)" if re.search(r"\w$", w) else ""
        return left + re.escape(w) + right

    return [w for w in words if re.search(pattern(w), text)]


def _commands(group=cli, path=()):
    """Every command and subcommand, loaded as the group loads them (on demand)."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


# --- help, through the installed command -------------------------------------------
def test_group_help_in_english_with_lang_option():
    result = run_installed("--lang", "en", "--help")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Usage: rdvletters [OPTIONS] COMMAND [ARGS]...")
    assert "Options:" in out and "Commands:" in out
    assert "-h, --help      Show this message and exit." in out
    assert "-C FOLDER" in out and "Record an attempt." in out
    assert not _left(OUR_FRENCH, out), out


def test_email_help_in_english_from_lang_environment():
    result = run_installed("email", "--help", env={"LANG": "en_US.UTF-8"})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Usage: rdvletters email [OPTIONS]")
    assert "[default: text]" in " ".join(out.split())  # the table may wrap it
    assert "Show this message and exit." in out
    assert "text: to copy; eml: draft with attachments." in out
    assert not _left(OUR_FRENCH, out), out


def test_lang_option_wins_over_the_environment_and_language_variable_over_lang():
    french = run_installed("--lang", "fr", "email", "--help", env={"LANG": "en_US.UTF-8"})
    assert french.stdout.startswith("Utilisation : rdvletters email")
    english = run_installed("email", "--help", env={"LANGUAGE": "en", "LANG": "fr_FR.UTF-8"})
    assert english.stdout.startswith("Usage: rdvletters email")


@pytest.mark.parametrize("args", [("--help",), ("email", "--help")])
def test_french_by_default_with_click_words_in_french(args):
    result = run_installed(*args)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Utilisation : rdvletters")
    assert "Options :" in out and "Afficher cette aide." in out
    assert not _left(CLICK_ENGLISH, out), out
    if args[0] == "email":
        assert "[par défaut : text]" in " ".join(out.split())
    else:
        assert "-C DOSSIER" in out and "COMMANDE [ARGUMENTS]..." in out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_command_help_is_in_one_language(lang):
    runner = CliRunner()
    unwanted = CLICK_ENGLISH if lang == "fr" else OUR_FRENCH
    for path, _command in _commands():
        result = runner.invoke(cli, ["--lang", lang, *path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        left = _left(unwanted, result.output)
        assert not left, (path, left, result.output)


def test_each_help_and_metavar_is_translated_when_read():
    """The help kept as a msgid is said in the language active when click reads it."""
    seen = 0
    for path, command in [((), cli), *_commands()]:
        items = [("help", command)] + [("help", p) for p in command.params if p.help]
        items += [("metavar", p) for p in command.params if p.metavar]
        for attribute, owner in items:
            token = i18n.activate("fr")
            french = getattr(owner, attribute)
            i18n.deactivate(token)
            token = i18n.activate("en")
            english = getattr(owner, attribute)
            i18n.deactivate(token)
            if french in ("N", "URL", "[URL]", "PORT", "DATE", "Options", "[rdv|anef]"):
                continue  # the same word in both languages
            assert french != english, (path, attribute, french)
            seen += 1
    assert seen > 80  # every command, option and argument of the CLI


# --- errors ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "profil.yaml, line 10, field “demandeur.date_naissance”: invalid date: "
            "write YYYY-MM-DD",
        ),
        (
            "fr",
            "profil.yaml, ligne 10, champ « demandeur.date_naissance » : date invalide : "
            "écrivez AAAA-MM-JJ",
        ),
    ],
)
def test_bad_profile_said_with_file_line_and_field(case, lang, expected):
    edit_profile(case, ("date_naissance: 1990-04-12", "date_naissance: 1990-13-45"))
    result = run_installed("--lang", lang, "-C", case, "check")
    assert result.returncode == 2
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    hint = "Tip: Correct profil.yaml, then run again." if lang == "en" else "Astuce : Corrigez"
    assert hint in result.stderr


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", ["Usage: rdvletters log [OPTIONS]", "Try 'rdvletters log --help' for help.",
                "Error: No such option '--tableur'."]),
        ("fr", ["Utilisation : rdvletters log [OPTIONS]", "Aide : rdvletters log --help",
                "Erreur : option inconnue : '--tableur'."]),
    ],
)  # fmt: skip
def test_unknown_option_said_by_click_in_the_language(lang, said):
    result = run_installed("--lang", lang, "log", "--tableur")
    assert result.returncode == 2
    for line in said:
        assert line in result.stderr, result.stderr


def test_usage_error_before_the_subcommand_is_in_the_language_asked():
    """--lang is read before click parses the line: a mistake after it is said in it."""
    result = run_installed("--lang", "en", "--bogus", "check")
    assert result.returncode == 2 and "Error: No such option '--bogus'." in result.stderr
    result = run_installed("--lang", "en", "sent", "abc")
    assert "Error: Invalid value for 'N': 'abc' is not a valid integer." in result.stderr
    result = run_installed("sent", "abc")
    assert "'abc' n'est pas un nombre entier valide." in result.stderr


def test_library_error_with_hint_in_english(tmp_path):
    result = run_installed("--lang", "en", "-C", tmp_path / "nobody", "letter")
    assert result.returncode == 3
    assert f"Error: No profile in {tmp_path / 'nobody'} (no profil.yaml file)." in result.stderr
    assert "Tip: Create the folder with: rdvletters init" in result.stderr


# --- documents stay French --------------------------------------------------------
STAMPS = {"enregistre_le", "precedent"}


def _run_steps(run, folder, lang, proof):
    prefix = ["--lang", lang, "-C", folder]
    steps = [
        ["record", "web", "--at", "2026-11-26 08:00", "-m", "Aucun créneau", "--proof", proof],
        ["record", "counter", "--at", "2026-11-26 14:00", "-m", "Refus", "--witness", "Awa"],
        ["email", "--format", "text"],
        ["letter"],
        ["referral"],
    ]
    outputs = []
    for step in steps:
        result = run(*prefix, *step)
        assert result.exit_code == 0, (lang, step, result.output)
        outputs.append(result.output)
    return outputs


def _docx_text(path):
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return [p.text for p in doc.paragraphs] + cells


def test_documents_and_journal_are_french_whatever_the_language(case, tmp_path, run):
    english = tmp_path / "english"
    shutil.copytree(case, english)
    proof = tmp_path / "capture.png"
    proof.write_bytes((case / "pieces").glob("*.png").__next__().read_bytes())
    said_fr = _run_steps(run, case, "fr", proof)
    said_en = _run_steps(run, english, "en", proof)
    # the interface did change language...
    assert "Document préparé :" in said_fr[2] and "Document prepared:" in said_en[2]
    assert "Entrée n°" in said_fr[0] and "Entry " in said_en[0]
    # ...the documents did not
    docs_fr = sorted((case / "documents").iterdir())
    docs_en = sorted((english / "documents").iterdir())
    assert [p.name for p in docs_fr] == [p.name for p in docs_en]
    for fr, en in zip(docs_fr, docs_en, strict=True):
        if fr.suffix == ".txt":
            assert fr.read_bytes() == en.read_bytes(), fr.name
        else:
            assert _docx_text(fr) == _docx_text(en), fr.name
    text = next(p for p in docs_en if p.suffix == ".txt").read_text(encoding="utf-8")
    assert "Madame, Monsieur" in text or "Monsieur" in text
    # the e-mail printed on screen is the same text in both languages
    email_fr = docs_fr[[p.suffix for p in docs_fr].index(".txt")].read_text(encoding="utf-8")
    assert email_fr.strip() in said_en[2]
    # and the journal entries hold the same fields, timestamps and chain aside
    lines_fr, lines_en = journal_lines(case), journal_lines(english)
    assert len(lines_fr) == len(lines_en)
    for fr, en in zip(lines_fr, lines_en, strict=True):
        keep = STAMPS | ({"date", "sha256"} if fr["type"] == "document" else set())
        assert {k: v for k, v in fr.items() if k not in keep} == {
            k: v for k, v in en.items() if k not in keep
        }, json.dumps([fr, en], ensure_ascii=False)
    assert lines_en[-5]["description"] == "Aucun créneau"
