"""Corrections from the web page, and the end of a case: export and import, archive,
erase — each through the library call of its command, in the CLI and in the web app."""

from __future__ import annotations

import html
import io
import stat
import zipfile

import pytest

from rdvletters.case import Case
from rdvletters.evidence.proofs.verify import verify
from rdvletters.transfer import import_zip

from .conftest import journal_lines
from .test_web import csrf, make_client, when
from .test_web_forms import form_data


def _strip(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k not in ("date", "enregistre_le", "precedent")}


def test_correcting_from_the_status_page_writes_what_correct_writes(case, tmp_path, run):
    import shutil

    cli_case = tmp_path / "par_la_cli"
    shutil.copytree(case, cli_case)
    shutil.copytree(case, tmp_path / "original")
    done = run(
        "-C",
        cli_case,
        "correct",
        "3",
        "--at",
        "2026-09-16 18:45",
        "--channel",
        "phone",
        "--message",
        "Ligne occupée",
        "--reason",
        "faute de frappe",
    )
    assert done.exit_code == 0, done.output
    _, client = make_client(case)
    status = client.get("/c/cas/status").get_data(as_text=True)
    assert 'href="/c/cas/entry/29/correct"' in status  # each recent step has its link
    page = client.get("/c/cas/entry/3/correct").get_data(as_text=True)
    data = form_data(page)
    data.update(
        **when("2026-09-16", "18:45", "c-date"),
        channel="phone",
        message="Ligne occupée",
        reason="faute de frappe",
    )
    response = client.post("/c/cas/entry/3/correct", data=data)
    assert response.status_code == 303
    assert _strip(journal_lines(case)[-1]) == _strip(journal_lines(cli_case)[-1])
    # every output uses the corrected fact; the journal keeps both
    assert journal_lines(case)[2]["canal"] != "phone"
    log = run("-C", case, "log", "--csv").stdout
    assert "corrigée : voir n° 31" in log and "canal phone" in log
    import json

    def counts(folder):
        channels = json.loads(run("-C", folder, "status", "--json").stdout)["channels"]
        return {c["canal"]: c["demarches"] for c in channels}

    after, original = counts(case), counts(tmp_path / "original")
    assert after["phone"] == original["phone"] + 1 and after["web"] == original["web"] - 1


def test_a_refused_correction_names_the_field_and_keeps_the_values(case):
    _, client = make_client(case)
    data = form_data(client.get("/c/cas/entry/3/correct").get_data(as_text=True))
    data.update(**when("2099-01-01", "10:00", "c-date"), message="gardé")
    response = client.post("/c/cas/entry/3/correct", data=data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "<title>Erreur : " in page
    assert 'href="#c-date-day"' in page and "dans le futur" in page and "gardé" in page
    assert "--at" not in page


def test_withdrawing_asks_a_reason_then_takes_the_step_out_of_every_figure(case, run):
    before = run("-C", case, "status", "--json").stdout
    _, client = make_client(case)
    token = csrf(client, "/c/cas/entry/3/correct")
    refused = client.post("/c/cas/entry/3/withdraw", data={"csrf": token})
    assert refused.status_code == 400 and 'href="#c-withdraw-reason"' in refused.get_data(True)
    done = client.post(
        "/c/cas/entry/3/withdraw", data={"csrf": token, "withdraw_reason": "en double"}
    )
    assert done.status_code == 303
    entry = journal_lines(case)[-1]
    assert entry["type"] == "correction" and entry["retire"] and entry["motif"] == "en double"
    import json

    assert (
        json.loads(run("-C", case, "status", "--json").stdout)["attempts"]
        == json.loads(before)["attempts"] - 1
    )


def test_export_then_import_gives_the_same_case_verified(case, tmp_path, run):
    target = tmp_path / "export.zip"
    assert run("-C", case, "export", "-o", target).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    names = zipfile.ZipFile(target).namelist()
    assert "aminata/LISEZMOI_FORMAT.txt" in names and "aminata/journal.jsonl" in names
    readme = zipfile.ZipFile(target).read("aminata/LISEZMOI_FORMAT.txt").decode()
    assert "rdvletters import" in readme and "journal.jsonl" in readme
    again = run("-C", case, "export", "-o", target)
    assert again.exit_code == 5  # never overwritten
    back = run("import", target, tmp_path / "repris")
    assert back.exit_code == 0 and "Journal intact" in back.stdout
    for path in case.rglob("*"):
        if path.is_file():
            copy = tmp_path / "repris" / path.relative_to(case)
            assert copy.read_bytes() == path.read_bytes(), path
    assert verify(Case(tmp_path / "repris")).ok


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil", "a/../../evil"])
def test_import_refuses_a_zip_that_writes_outside(tmp_path, name):
    source = tmp_path / "bad.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("x/profil.yaml", "situation: rdv\n")
        archive.writestr(name, "x")
    from rdvletters.errors import InputError

    with pytest.raises(InputError):
        import_zip(source, tmp_path / "out")
    assert not (tmp_path / "out").exists() and not (tmp_path / "evil.txt").exists()


def test_web_export_archive_and_erase(tmp_path):
    Case(tmp_path / "aminata").init(example="rdv")
    Case(tmp_path / "kofi").init(example="anef")
    _, client = make_client(tmp_path, many=True)
    token = csrf(client, "/c/aminata/dossier")
    exported = client.post("/c/aminata/export", data={"csrf": token})
    assert exported.status_code == 200 and exported.mimetype == "application/zip"
    assert "aminata/journal.jsonl" in zipfile.ZipFile(io.BytesIO(exported.data)).namelist()

    archived = client.post("/c/kofi/archive", data={"csrf": token}, follow_redirects=True)
    page = html.unescape(archived.get_data(as_text=True))
    assert "est archivé" in page and 'href="/c/kofi/' not in page
    assert (tmp_path / "kofi" / "journal.jsonl").exists()
    listed = client.get("/?archived=1").get_data(as_text=True)
    assert 'href="/c/kofi/"' in listed

    ask = html.unescape(client.get("/c/aminata/erase").get_data(as_text=True))
    assert "Effacer le dossier de DIALLO Aminata ?" in ask
    wrong = client.post("/c/aminata/erase", data={"csrf": token, "surname": "KONE"})
    assert wrong.status_code == 400 and (tmp_path / "aminata").exists()
    gone = client.post(
        "/c/aminata/erase", data={"csrf": token, "surname": "diallo"}, follow_redirects=True
    )
    text = html.unescape(gone.get_data(as_text=True))
    assert "Le dossier de DIALLO Aminata a été effacé" in text
    assert not (tmp_path / "aminata").exists()


def test_web_import_of_an_exported_case(tmp_path, run):
    Case(tmp_path / "src").init(example="rdv")
    assert run("-C", tmp_path / "src", "export", "-o", tmp_path / "aminata.zip").exit_code == 0
    root = tmp_path / "permanence"
    root.mkdir()
    _, client = make_client(root, many=True)
    token = csrf(client, "/")
    done = client.post(
        "/import",
        data={
            "csrf": token,
            "archive": (io.BytesIO((tmp_path / "aminata.zip").read_bytes()), "aminata.zip"),
        },
        content_type="multipart/form-data",
    )
    assert done.status_code == 303
    assert verify(Case(root / "aminata")).ok
    bad = client.post(
        "/import",
        data={"csrf": token, "archive": (io.BytesIO(b"not a zip"), "x.zip")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and 'href="#i-archive"' in bad.get_data(as_text=True)


def test_cli_erase_asks_for_the_surname(case, run):
    from click.testing import CliRunner

    from rdvletters.cli import cli

    refused = CliRunner().invoke(cli, ["-C", str(case), "erase"], input="KONE\n")
    assert refused.exit_code == 2 and case.exists()
    done = CliRunner().invoke(cli, ["-C", str(case), "erase"], input="DIALLO\n")
    assert done.exit_code == 0 and not case.exists()
