"""Dates read in the proofs themselves: file names, image metadata, e-mail headers."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from rdvletters.evidence.proofs.proofdates import name_date, proof_date
from rdvletters.frdates import PARIS

from .conftest import journal_lines

WHEN = datetime(2026, 11, 20, 9, 15, 2, tzinfo=PARIS)


@pytest.mark.parametrize(
    "name",
    [
        "Screenshot_20261120-091502.png",  # Android
        "Screenshot_2026-11-20-09-15-02-123_com.android.chrome.jpg",
        "Capture d’écran 2026-11-20 à 09.15.02.png",  # macOS, French
        "Screenshot 2026-11-20 at 09.15.02.png",  # macOS, English
        "Capture d'écran 2026-11-20 091502.png",  # Windows 11
        "Screenshot from 2026-11-20 09-15-02.png",  # GNOME
        "IMG_20261120_091502.jpg",
        "PXL_20261120_091502123.png",
    ],
)
def test_phone_and_system_screenshot_names(name):
    assert name_date(Path(name)) == WHEN


def test_names_without_a_time_give_nothing():
    assert name_date(Path("capture.png")) is None
    assert name_date(Path("scan_20261120.png")) is None


def test_jpeg_exif_with_offset(tmp_path):
    path = tmp_path / "photo.jpg"
    exif = Image.Exif()
    sub = exif.get_ifd(0x8769)
    sub[36867] = "2026:11:20 08:15:02"  # DateTimeOriginal
    sub[36881] = "+00:00"  # OffsetTimeOriginal: UTC, i.e. 09:15 in Paris
    Image.new("RGB", (10, 10)).save(path, exif=exif)
    found = proof_date(path)
    assert found is not None and found.origin == "exif" and found.when == WHEN


def test_png_creation_time_chunk_wins_over_the_name(tmp_path):
    path = tmp_path / "Screenshot_20260101-120000.png"
    info = PngInfo()
    info.add_text("Creation Time", "2026-11-20T09:15:02+01:00")
    Image.new("RGB", (10, 10)).save(path, pnginfo=info)
    found = proof_date(path)
    assert found is not None and found.origin == "png" and found.when == WHEN


def test_record_warns_when_the_proof_is_far_from_at_and_keeps_its_date(case, run, tmp_path):
    proof = tmp_path / "Screenshot_20261120-091502.png"
    Image.new("RGB", (10, 10)).save(proof)
    result = run(
        "-C", case, "record", "web", "--at", "2026-11-24 10:00", "-m", "Aucun créneau",
        "--proof", proof,
    )  # fmt: skip
    assert result.exit_code == 0
    assert "à plus d'un jour du 24/11/2026 à 10 h 00" in result.stderr
    piece = journal_lines(case)[-1]["pieces"][0]
    assert piece["date_propre"] == "2026-11-20T09:15:02+01:00"
    assert piece["origine_date"] == "nom du fichier"


def test_record_at_capture_takes_the_proofs_date(case, run, tmp_path):
    proof = tmp_path / "Screenshot_20261120-091502.png"
    Image.new("RGB", (10, 10)).save(proof)
    result = run("-C", case, "record", "web", "--at", "capture", "-m", "x", "--proof", proof)
    assert result.exit_code == 0, result.stderr
    assert journal_lines(case)[-1]["date"] == "2026-11-20T09:15:02+01:00"
    assert "Attention" not in result.stderr


def test_record_at_capture_without_a_dated_proof_is_refused(case, run, tmp_path):
    proof = tmp_path / "capture.png"
    Image.new("RGB", (10, 10)).save(proof)
    result = run("-C", case, "record", "web", "--at", "capture", "--proof", proof)
    assert result.exit_code == 2 and "aucun justificatif ne porte sa date" in result.stderr


def _eml(tmp_path: Path, **headers: str) -> Path:
    message = EmailMessage()
    for key, value in headers.items():
        message[key.replace("_", "-")] = value
    message.set_content("Bonjour,\n")
    path = tmp_path / "message.eml"
    path.write_bytes(message.as_bytes())
    return path


def test_record_email_reads_the_headers(case, run, tmp_path):
    eml = _eml(
        tmp_path,
        Date="Fri, 20 Nov 2026 08:15:02 +0000",
        From="Aminata Diallo <aminata@example.org>",
        To="pref-etrangers@example.gouv.fr",
        Subject="Demande de rendez-vous",
        Message_ID="<abc123@example.org>",
    )
    result = run("-C", case, "record", "email", "--proof", eml)
    assert result.exit_code == 0, result.stderr
    entry = journal_lines(case)[-1]
    assert datetime.fromisoformat(entry["date"]) == WHEN
    assert entry["description"] == (
        "Courriel « Demande de rendez-vous » envoyé à pref-etrangers@example.gouv.fr"
    )
    headers = entry["pieces"][0]["entetes"]
    assert headers["message_id"] == "<abc123@example.org>"
    assert headers["de"] == "aminata@example.org"


def test_record_reply_reads_the_sender(case, run, tmp_path):
    eml = _eml(
        tmp_path,
        Date="Mon, 23 Nov 2026 14:00:00 +0100",
        From="pref-etrangers@example.gouv.fr",
        To="aminata@example.org",
        Subject="RE: Demande de rendez-vous",
    )
    result = run("-C", case, "record", "reply", "--proof", eml)
    assert result.exit_code == 0, result.stderr
    entry = journal_lines(case)[-1]
    assert entry["description"].startswith("Réponse reçue de pref-etrangers@example.gouv.fr")
    assert entry["date"] == "2026-11-23T14:00:00+01:00"


def test_status_counts_attempts_with_a_matching_proof_per_week(case, run, tmp_path):
    good = tmp_path / "Screenshot_20261124-091502.png"
    Image.new("RGB", (10, 10)).save(good)
    far = tmp_path / "Screenshot_20261101-091502.png"
    Image.new("RGB", (10, 10)).save(far)
    run("-C", case, "record", "web", "--at", "2026-11-24 09:16", "-m", "x", "--proof", good)
    run("-C", case, "record", "web", "--at", "2026-11-25 09:16", "-m", "x", "--proof", far)
    result = run("-C", case, "status", "--json")
    import json

    weeks = json.loads(result.output)["proofs"]["semaines"]
    # the example's own capture of 24/11 carries no date of its own: it does not count, even
    # though record named its copy after the step (2026-11-24_0910_…)
    assert weeks["2026-11-23"] == 1
    assert "2026-09-14" not in weeks
    text = run("-C", case, "status").output
    assert "(justificatif à la date concordante : 1)" in text
