"""What a new user met by following the README's commands word for word on a fresh case:
each test failed before its fix."""

from __future__ import annotations

from .conftest import edit_profile


def test_a_reply_recorded_without_a_message_is_not_quoted_as_empty(anef_case, run):
    """The README's `record ccc --reference N` then `record reply --reference N` (no -m):
    the letter, the referral and the requête used to print « réponse du … : «  » »."""
    assert run("-C", anef_case, "record", "ccc", "--reference", "2611-00001").exit_code == 0
    assert run("-C", anef_case, "record", "reply", "--reference", "2611-00001").exit_code == 0
    for command in ("letter", "referral", "recours"):
        result = run("-C", anef_case, command, "--format", "text")
        assert result.exit_code == 0, result.output
        (written,) = sorted((anef_case / "documents").glob(f"*{_stem(command)}.txt"))[-1:]
        text = written.read_text(encoding="utf-8")
        assert "«  »" not in text, command
        assert "2611-00001" in text, command
        if command != "referral":  # the referral lists the answer on its own line
            assert "2611-00001 ; réponse du" in " ".join(text.split()), command


def _stem(command: str) -> str:
    return {
        "letter": "lettre-recommandee",
        "referral": "saisine-defenseur",
        "recours": "projet-requete-refere",
    }[command]


def test_check_says_a_blank_civilite_stops_the_letters(case, run):
    """`check` said « Profil valide » and then `email` refused for want of a civilité."""
    edit_profile(case, ("civilite: Madame", "civilite:"))
    checked = run("-C", case, "check")
    assert checked.exit_code == 0
    assert "champ « demandeur.civilite » : vide : indiquez Madame ou Monsieur" in checked.stderr
    assert "ligne " in checked.stderr.split("demandeur.civilite")[0].splitlines()[-1]
    assert run("-C", case, "email").exit_code == 2  # what check announced
    edit_profile(case, ("civilite:", "civilite: Madame"))
    assert "demandeur.civilite" not in run("-C", case, "check").stderr


def test_log_shows_the_reference_a_person_recorded(anef_case, run):
    """`record ccc --reference N`: the ticket number was in the journal but not in `log`,
    so the person could not see what `correct N --reference` would change."""
    assert run("-C", anef_case, "record", "ccc", "--reference", "2611-48213").exit_code == 0
    table = run("-C", anef_case, "log").stdout.splitlines()
    assert any("centre de contact citoyens" in r and "(réf. 2611-48213)" in r for r in table)
    english = run("--lang", "en", "-C", anef_case, "log").stdout
    assert "(ref. 2611-48213)" in english
    csv_text = run("-C", anef_case, "log", "--csv").stdout
    assert "(réf. 2611-48213)" in csv_text  # the CSV stays French, like the journal


def test_init_example_does_not_ask_to_fill_a_filled_profile(tmp_path, run):
    """The README's first command: `init --example` said « remplissez profil.yaml »."""
    result = run("init", "--example", "anef", tmp_path / "kofi")
    assert result.exit_code == 0
    assert "remplissez" not in result.stdout
    assert f"rdvletters -C {tmp_path / 'kofi'} status" in result.stdout
    fresh = run("init", tmp_path / "vide")
    assert "Étape suivante : remplissez" in fresh.stdout


def test_the_command_list_is_not_cut_in_an_80_column_terminal(run, monkeypatch):
    """`rdvletters --help` cut half its lines (« …pour l'association ou le... »)."""
    monkeypatch.setenv("COLUMNS", "80")
    for lang in ("fr", "en"):
        for args in (("--help",), ("templates", "--help")):
            shown = run("--lang", lang, *args).stdout
            listed = shown.split("Command")[-1].splitlines()[1:]
            assert listed and not [line for line in listed if line.endswith("...")], shown
