"""Pieces for the court as PDF: read back with pypdf and poppler, looked at as pixels."""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import sys
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from rdvletters.court.dossier import pdf_pages
from rdvletters.court.dossier.mailview import html_to_text, looks_like_mail, read_mail
from rdvletters.court.dossier.piece_pdf import piece_to_pdf, series_to_pdf
from rdvletters.errors import InputError

PT_TO_MM = 25.4 / 72
LABEL = "Capture d'écran du site de rendez-vous, lundi 5 octobre 2026 à 9 h 12"
needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("pdfimages")),
    reason="poppler-utils is installed by .ci/run",
)
needs_soffice = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (.ci/run)")


# --- helpers -----------------------------------------------------------------------------


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def assert_headed(pdf: bytes, number: int, label: str | None = LABEL) -> list[str]:
    """Every page carries « Pièce n° N », the label and its page count; returns the texts."""
    texts = pages_text(pdf)
    assert texts, "no page"
    for index, text in enumerate(texts, start=1):
        assert f"Pièce n° {number}" in text
        assert f"page {index}/{len(texts)}" in text
        if label:
            assert label in text
    return texts


def words(pdf_path: Path, page: int = 1) -> list[tuple[str, float, float, float, float]]:
    """(word, x0, y0, x1, y1) in mm from the top-left, via pdftotext -bbox."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        (w, *(float(v) * PT_TO_MM for v in (x0, y0, x1, y1)))
        for x0, y0, x1, y1, w in re.findall(pattern, html)
    ]


def page_png(pdf: bytes, tmp_path: Path, page: int = 1, dpi: int = 50) -> Image.Image:
    source = tmp_path / "render.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile"]
        + [str(source), str(tmp_path / "render")],
        check=True,
    )
    return Image.open(tmp_path / "render.png").convert("RGB")


def noisy_png(path: Path, size: tuple[int, int], mode: str = "RGB", seed: int = 1) -> Path:
    """An image no lossy codec would reproduce exactly: random pixels."""
    bands = len(mode)
    data = random.Random(seed).randbytes(size[0] * size[1] * bands)
    Image.frombytes(mode, size, data).save(path, "PNG")
    return path


def text_pdf(path: Path, lines_per_page: list[list[str]], pagesize=A4) -> Path:
    """A PDF made elsewhere: text from the very top of the page to the very bottom."""
    canvas = Canvas(str(path), pagesize=pagesize)
    for lines in lines_per_page:
        canvas.setFont("Helvetica", 14)
        canvas.drawString(20, pagesize[1] - 16, lines[0])
        for i, line in enumerate(lines[1:]):
            canvas.drawString(20, pagesize[1] - 60 - 20 * i, line)
        canvas.drawString(20, 6, "Bas de page")
        canvas.showPage()
    canvas.save()
    return path


def french_mail(**overrides) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message["From"] = "Éloïse Nguyễn <eloise@example.org>"
    message["To"] = "Service des étrangers <pref-etrangers@example.gouv.fr>"
    message["Cc"] = "Association d'aide <aide@example.org>"
    message["Subject"] = "Demande de rendez-vous – relance n° 4, « titre de séjour »"
    message["Date"] = "Tue, 24 Nov 2026 09:10:00 +0100"
    message["Message-ID"] = "<20261124091000.42@example.org>"
    for key, value in overrides.items():
        del message[key]
        message[key] = value
    return message


# --- images ------------------------------------------------------------------------------


def test_png_is_embedded_pixel_for_pixel_under_the_header(tmp_path):
    source = noisy_png(tmp_path / "capture.png", (640, 480))
    pdf = piece_to_pdf(source, 7, LABEL)
    assert_headed(pdf, 7)
    [page] = PdfReader(io.BytesIO(pdf)).pages
    [image] = page.images
    assert image.image.size == (640, 480)
    assert image.image.convert("RGB").tobytes() == Image.open(source).tobytes()
    xobject = next(iter(page["/Resources"]["/XObject"].values())).get_object()
    assert "/DCTDecode" not in str(xobject.get("/Filter"))  # no JPEG recompression


def test_png_transparency_is_kept_as_a_soft_mask(tmp_path):
    source = noisy_png(tmp_path / "capture.png", (200, 150), "RGBA", seed=2)
    pdf = piece_to_pdf(source, 7, LABEL)
    [page] = PdfReader(io.BytesIO(pdf)).pages
    xobject = next(iter(page["/Resources"]["/XObject"].values())).get_object()
    mask = xobject["/SMask"].get_object()
    original = Image.open(source)
    assert mask.get_data() == original.getchannel("A").tobytes()
    assert xobject.get_data() == original.convert("RGB").tobytes()


def test_jpeg_bytes_are_copied_not_recompressed(tmp_path):
    source = tmp_path / "photo.jpg"
    Image.frombytes("RGB", (300, 400), random.Random(3).randbytes(300 * 400 * 3)).save(
        source, "JPEG", quality=70
    )
    pdf = piece_to_pdf(source, 4, "Avis de réception signé")
    [page] = PdfReader(io.BytesIO(pdf)).pages
    xobject = next(iter(page["/Resources"]["/XObject"].values())).get_object()
    assert xobject["/Filter"] == "/DCTDecode" or xobject["/Filter"] == ["/DCTDecode"]
    assert (xobject["/Width"], xobject["/Height"]) == (300, 400)
    assert xobject._data == source.read_bytes()


def test_a_wide_screenshot_gets_a_landscape_page(tmp_path):
    source = noisy_png(tmp_path / "bureau.png", (960, 540))
    [page] = PdfReader(io.BytesIO(piece_to_pdf(source, 3, LABEL))).pages
    assert page.mediabox.width > page.mediabox.height


@needs_poppler
def test_phone_screenshot_fits_one_page_a_scrolled_capture_spans_pages(tmp_path):
    phone = noisy_png(tmp_path / "phone.png", (540, 1200))
    tall = noisy_png(tmp_path / "long.png", (540, 3000), seed=4)
    one = piece_to_pdf(phone, 5, LABEL)
    assert len(pages_text(one)) == 1
    two = piece_to_pdf(tall, 6, LABEL)
    texts = assert_headed(two, 6)
    assert len(texts) == 2
    assert "image en 2 parties : partie 1/2" in texts[0]
    assert "image en 2 parties : partie 2/2" in texts[1]
    reader = PdfReader(io.BytesIO(two))
    xobjects = [p["/Resources"]["/XObject"] for p in reader.pages]
    shared = {x.raw_get(name).idnum for x in xobjects for name in x}
    assert len(shared) == 1  # one image object, shown through two windows
    # shown at least half the usable width (180 mm): readable, not a thin strip
    path = tmp_path / "long.pdf"
    path.write_bytes(two)
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    for row in listing:
        x_ppi = float(row.split()[12])
        assert 540 / x_ppi * 25.4 >= 90


@needs_poppler
def test_exif_orientation_is_applied_without_recompression(tmp_path):
    # stored 200 x 100: red left half, blue right half; orientation 6 = turn 90° clockwise
    image = Image.new("RGB", (200, 100), (220, 0, 0))
    image.paste((0, 0, 220), (100, 0, 200, 100))
    exif = Image.Exif()
    exif[0x0112] = 6
    source = tmp_path / "telephone.jpg"
    image.save(source, "JPEG", quality=95, exif=exif)
    pdf = piece_to_pdf(source, 2, "Photo de l'avis de réception")
    [page] = PdfReader(io.BytesIO(pdf)).pages
    assert page.mediabox.height > page.mediabox.width  # shown upright: portrait
    xobject = next(iter(page["/Resources"]["/XObject"].values())).get_object()
    assert xobject._data == source.read_bytes()
    picture = page_png(pdf, tmp_path)
    coloured = [
        (x, y)
        for x in range(0, picture.width, 2)
        for y in range(0, picture.height, 2)
        if max(picture.getpixel((x, y))) - min(picture.getpixel((x, y))) > 120
    ]
    top = min(y for _, y in coloured)
    bottom = max(y for _, y in coloured)
    middle = sorted(x for x, _ in coloured)[len(coloured) // 2]
    red, _, blue = picture.getpixel((middle, top + 3))
    assert red > 150 and blue < 80  # the stored left half is now on top
    red, _, blue = picture.getpixel((middle, bottom - 3))
    assert blue > 150 and red < 80
    assert bottom - top > 1.5 * (max(x for x, _ in coloured) - min(x for x, _ in coloured))


# --- PDFs made elsewhere -----------------------------------------------------------------


@needs_poppler
def test_pdf_keeps_pages_and_text_and_the_band_covers_nothing(tmp_path):
    source = text_pdf(
        tmp_path / "lettre.pdf",
        [["Haut de la page un", "Madame la préfète, première page"], ["Haut de la page deux"]]
        + [["Haut de la page trois", "Veuillez agréer"]],
    )
    pdf = piece_to_pdf(source, 12, "Lettre recommandée avec avis de réception")
    texts = assert_headed(pdf, 12, "Lettre recommandée avec avis de réception")
    assert len(texts) == 3
    assert "Madame la préfète, première page" in texts[0]
    assert "Veuillez agréer" in texts[2] and "Bas de page" in texts[1]
    out = tmp_path / "piece.pdf"
    out.write_bytes(pdf)
    for number in (1, 2, 3):
        found = words(out, number)
        band_bottom = max(y1 for w, _, _, _, y1 in found if w == "recommandée")  # the label
        content_top = min(y0 for w, _, y0, _, _ in found if w == "Haut")
        assert content_top > band_bottom + 1  # the band sits above the content, not on it
        assert max(y1 for *_, y1 in found) < 297  # nothing pushed off the page
    assert PdfReader(io.BytesIO(pdf)).pages[0].mediabox.height == pytest.approx(A4[1], abs=0.5)


@needs_poppler
def test_a_rotated_scan_gets_its_band_at_the_top_as_seen(tmp_path):
    plain = text_pdf(tmp_path / "plain.pdf", [["Haut de la page tournée"]])
    writer = PdfWriter(clone_from=plain)
    writer.pages[0].rotate(90)
    source = tmp_path / "ar_scanne.pdf"
    writer.write(source)
    pdf = piece_to_pdf(source, 9, "Avis de réception signé")
    [page] = PdfReader(io.BytesIO(pdf)).pages
    assert page.get("/Rotate", 0) == 0
    assert page.mediabox.width > page.mediabox.height  # landscape, as a viewer showed it
    out = tmp_path / "piece.pdf"
    out.write_bytes(pdf)
    found = words(out)
    title = next(w for w in found if w[0] == "Pièce")
    assert title[2] < 15  # near the top edge of the landscape page
    assert "Haut de la page tournée" in pages_text(pdf)[0]


def test_a_locked_or_damaged_pdf_is_refused_with_its_name(tmp_path):
    damaged = tmp_path / "abime.pdf"
    damaged.write_bytes(b"%PDF-1.7\n1 0 obj garbage\n")
    with pytest.raises(InputError, match="abime.pdf"):
        piece_to_pdf(damaged, 1, "x")
    writer = PdfWriter(clone_from=text_pdf(tmp_path / "ok.pdf", [["secret"]]))
    writer.encrypt("motdepasse")
    locked = tmp_path / "verrouille.pdf"
    writer.write(locked)
    with pytest.raises(InputError, match="verrouille.pdf est un PDF protégé par un mot de passe"):
        piece_to_pdf(locked, 1, "x")


@needs_poppler
def test_a_link_still_covers_its_text_after_the_page_is_shrunk(tmp_path):
    source = tmp_path / "page.pdf"
    canvas = Canvas(str(source), pagesize=A4)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(100, 700, "consulter la page officielle")
    canvas.linkURL("https://www.service-public.fr", (95, 695, 270, 715))
    canvas.save()
    pdf = piece_to_pdf(source, 2, "Page imprimée")
    [page] = PdfReader(io.BytesIO(pdf)).pages
    [link] = [a.get_object() for a in page["/Annots"]]
    x0, y0, x1, y1 = (float(v) for v in link["/Rect"])
    out = tmp_path / "piece.pdf"
    out.write_bytes(pdf)
    for word, wx0, wy0, wx1, wy1 in words(out):
        if word in (
            "consulter",
            "officielle",
        ):  # pdftotext: mm from the top; Rect: pt from the bottom
            assert x0 <= wx0 / PT_TO_MM and wx1 / PT_TO_MM <= x1
            assert y0 <= A4[1] - wy1 / PT_TO_MM and A4[1] - wy0 / PT_TO_MM <= y1


# --- e-mails -----------------------------------------------------------------------------


def test_email_headers_body_and_attachments_with_accents(tmp_path):
    message = french_mail()
    body = (
        "Madame, Monsieur,\n\nJe sollicite un rendez-vous au guichet : élève, garçon, œuvre.\n"
        "Une ligne très longue " + "qui continue " * 30 + "jusqu'au bout.\n\nCordialement,\nÉloïse"
    )
    message.set_content(body, cte="quoted-printable")
    message.add_attachment(b"%PDF-1.4" + b"x" * 2400, maintype="application", subtype="pdf",
                           filename="capture_écran.pdf")  # fmt: skip
    source = tmp_path / "courriel.eml"
    source.write_bytes(bytes(message))
    assert b"=C3=A9" in source.read_bytes()  # really quoted-printable on disk
    pdf = piece_to_pdf(source, 7, "Courriel envoyé à la préfecture, 24 novembre 2026")
    text = "\n".join(assert_headed(pdf, 7, "Courriel envoyé à la préfecture, 24 novembre 2026"))
    flat = " ".join(text.split())
    for expected in (
        "Date : Tue, 24 Nov 2026 09:10:00 +0100",  # as written, not converted
        "De : Éloïse Nguyễn <eloise@example.org>",
        "À : Service des étrangers <pref-etrangers@example.gouv.fr>",
        "Cc : Association d'aide <aide@example.org>",
        "Objet : Demande de rendez-vous – relance n° 4, « titre de séjour »",
        "Identifiant : <20261124091000.42@example.org>",
        "Je sollicite un rendez-vous au guichet : élève, garçon, œuvre.",
        "qui continue qui continue",
        "jusqu'au bout.",
        "Pièces jointes au courriel (1), non reproduites ici",
        "capture_écran.pdf (2 Ko)",
    ):
        assert expected in flat, expected


def test_latin1_base64_and_html_only_mails(tmp_path):
    latin = french_mail(Subject="=?iso-8859-1?q?Accus=E9_de_r=E9ception?=")
    latin.set_content("Bien reçu, à bientôt.".encode("latin-1"), "text", "plain", cte="base64")
    latin.replace_header("Content-Type", 'text/plain; charset="iso-8859-1"')
    source = tmp_path / "reponse.eml"
    source.write_bytes(bytes(latin))
    text = " ".join(pages_text(piece_to_pdf(source, 3, "Réponse"))[0].split())
    assert "Objet : Accusé de réception" in text and "Bien reçu, à bientôt." in text

    html = french_mail()
    html.set_content(
        "<html><head><title>T</title><style>p{color:red}</style>"
        "<script>document.write('EXÉCUTÉ')</script></head><body>"
        "<p>Votre demande n&deg;&nbsp;12 est re&ccedil;ue.</p><p>Consultez "
        '<a href="https://www.demarches.interieur.gouv.fr">le site ANEF</a>.</p>'
        "<ul><li>premier point</li><li>second point</li></ul></body></html>",
        subtype="html",
    )
    source = tmp_path / "html.eml"
    source.write_bytes(bytes(html))
    text = pages_text(piece_to_pdf(source, 4, "Réponse"))[0]
    assert "Votre demande n° 12 est reçue." in text
    assert "le site ANEF <https://www.demarches.interieur.gouv.fr>" in text
    assert "• premier point" in text and "• second point" in text
    assert "EXÉCUTÉ" not in text and "color:red" not in text
    assert "courriel au format HTML" in text


def test_the_projects_own_email_draft_becomes_a_readable_piece(case, run, tmp_path):
    profile = (case / "profil.yaml").read_text(encoding="utf-8")
    (case / "profil.yaml").write_text(
        profile.replace("prenom: Aminata", "prenom: Éloïse").replace("nom: DIALLO", "nom: NGUYỄN"),
        encoding="utf-8",
    )
    assert run("-C", case, "email", "--format", "eml").exit_code == 0
    [source] = (case / "documents").glob("*.eml")
    flat = " ".join(" ".join(pages_text(piece_to_pdf(source, 2, "Courriel"))).split())
    assert "titre de séjour – NGUYỄN Éloïse – née le 12/04/1990" in flat.replace("\u00a0", " ")
    assert "De : Éloïse NGUYỄN" in flat and "À : pref-etrangers@example.gouv.fr" in flat
    assert "mardi 24 novembre 2026 à 9 h 10" in flat
    assert "2026_11_24_0910_web_capture_28.png" in flat


def test_mail_is_recognised_by_content_and_html_is_only_text():
    assert looks_like_mail(bytes(french_mail()))
    assert not looks_like_mail(b"Objet : ma demande\n\nBonjour")
    assert not looks_like_mail(b"Just a line of text\n")
    view = read_mail(bytes(french_mail()))
    assert view.body == "" and not view.attachments
    assert html_to_text("<p>a</p><script>b()</script><p>c<br>d</p>") == "a\n\nc\nd"


# --- documents and text ------------------------------------------------------------------


@needs_soffice
def test_docx_goes_through_libreoffice_then_gets_the_band(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("Attestation de témoin : j'ai vu le refus au guichet.")
    source = tmp_path / "attestation.docx"
    document.save(source)
    pdf = piece_to_pdf(source, 11, "Attestation de témoin")
    [text] = assert_headed(pdf, 11, "Attestation de témoin")
    assert "j'ai vu le refus au guichet." in text


@needs_poppler
def test_plain_text_in_windows_encoding_is_wrapped_inside_the_page(tmp_path):
    source = tmp_path / "notes.txt"
    long_word = "https://rendezvouspasserelle.ants.gouv.fr/" + "segment" * 40
    text = "Déclaration sur l'honneur : à Bobigny, le 3 novembre.\n" + long_word + "\n"
    source.write_bytes(text.encode("cp1252"))
    pdf = piece_to_pdf(source, 8, "Notes")
    [page_text] = assert_headed(pdf, 8, "Notes")
    assert "Déclaration sur l'honneur : à Bobigny, le 3 novembre." in page_text
    out = tmp_path / "notes.pdf"
    out.write_bytes(pdf)
    assert max(x1 for _, _, _, x1, _ in words(out)) < 210 - 14  # inside the right margin


@needs_soffice
def test_a_damaged_docx_is_refused_with_its_name(tmp_path):
    import zipfile

    source = tmp_path / "lettre_abimee.docx"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("word/document.xml", "not xml at all")
    with pytest.raises(InputError, match="lettre_abimee.docx n'a pas pu être converti"):
        piece_to_pdf(source, 1, "Lettre")


def test_a_saved_web_page_shows_its_text_never_its_scripts(tmp_path):
    source = tmp_path / "rendez-vous.html"
    source.write_text(
        "<html><head><script>alert('x')</script></head><body><h1>Prise de rendez-vous</h1>"
        "<p>Aucun cr&eacute;neau disponible.</p></body></html>",
        encoding="utf-8",
    )
    [text] = assert_headed(piece_to_pdf(source, 6, "Page web"), 6, "Page web")
    assert "Prise de rendez-vous" in text and "Aucun créneau disponible." in text
    assert "alert" not in text and "<p>" not in text and "page web enregistrée" in text


# --- series ------------------------------------------------------------------------------


def test_series_one_page_per_image_each_captioned_in_order(tmp_path):
    captions = [
        "Capture du lundi 5 octobre 2026 à 9 h 12",
        "Capture du mercredi 7 octobre 2026 à 21 h 40",
        "Capture du vendredi 9 octobre 2026 à 7 h 05",
    ]
    sizes = [(540, 1200), (960, 540), (400, 300)]
    items = [
        (noisy_png(tmp_path / f"c{i}.png", size, seed=i), caption)
        for i, (size, caption) in enumerate(zip(sizes, captions, strict=True))
    ]
    label = "Captures d'écran du site de rendez-vous, semaine du 5 octobre 2026"
    pdf = series_to_pdf(items, 7, label)
    texts = assert_headed(pdf, 7, label)
    assert len(texts) == 3
    for text, caption, other in zip(texts, captions, captions[1:] + captions[:1], strict=True):
        assert caption in text and other not in text
    reader = PdfReader(io.BytesIO(pdf))
    for page, (source, _) in zip(reader.pages, items, strict=True):
        [image] = page.images
        assert image.image.tobytes() == Image.open(source).tobytes()


def test_series_accepts_a_pdf_capture_and_refuses_an_email(tmp_path):
    image = noisy_png(tmp_path / "c.png", (400, 300))
    printed = text_pdf(tmp_path / "impression.pdf", [["Aucun créneau disponible"]])
    pdf = series_to_pdf([(image, "Capture du 5 octobre"), (printed, "Page du 6 octobre")], 5, "S")
    texts = assert_headed(pdf, 5, "S")
    assert "Page du 6 octobre" in texts[1] and "Aucun créneau disponible" in texts[1]
    mail = tmp_path / "courriel.eml"
    mail.write_bytes(bytes(french_mail()))
    with pytest.raises(InputError, match="courriel.eml ne peut pas entrer dans une série"):
        series_to_pdf([(image, "a"), (mail, "b")], 5, "S")
    with pytest.raises(InputError, match="aucun fichier"):
        series_to_pdf([], 5, "S")


# --- determinism, fonts, errors, imports --------------------------------------------------


def _samples(tmp_path: Path) -> dict[str, bytes]:
    png = noisy_png(tmp_path / "c.png", (300, 200))
    jpg = tmp_path / "p.jpg"
    Image.open(png).save(jpg, "JPEG")
    mail = tmp_path / "m.eml"
    message = french_mail()
    message.set_content("Corps du courriel, accentué.")
    mail.write_bytes(bytes(message))
    letter = text_pdf(tmp_path / "l.pdf", [["Lettre"]])
    return {
        "png": piece_to_pdf(png, 1, LABEL),
        "jpg": piece_to_pdf(jpg, 2, LABEL),
        "eml": piece_to_pdf(mail, 3, LABEL),
        "pdf": piece_to_pdf(letter, 4, LABEL),
        "series": series_to_pdf([(png, "a"), (jpg, "b")], 5, LABEL),
    }


def test_same_input_same_bytes_in_this_process_and_another(tmp_path):
    first = _samples(tmp_path)
    assert _samples(tmp_path) == first
    for data in first.values():
        assert b"CreationDate" not in data and b"ModDate" not in data
    script = (
        "import sys, pathlib, pickle; sys.path.insert(0, sys.argv[1]);"
        "from tests.test_piece_pdf import _samples;"
        "sys.stdout.buffer.write(pickle.dumps(_samples(pathlib.Path(sys.argv[2]))))"
    )
    root = Path(__file__).resolve().parent.parent
    other = tmp_path / "other"
    other.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", script, str(root), str(other)], capture_output=True, check=True
    )
    import pickle

    assert pickle.loads(done.stdout) == first


@needs_poppler
def test_the_font_is_embedded(tmp_path):
    out = tmp_path / "m.pdf"
    out.write_bytes(_samples(tmp_path)["eml"])
    listing = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    rows = listing.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), listing


def test_without_any_font_file_helvetica_still_writes_french(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_pages, "FONT_DIRS", [tmp_path / "nothing"])
    pdf_pages.fonts.cache_clear()
    try:
        assert not pdf_pages.fonts().embedded
        source = tmp_path / "n.txt"
        source.write_text("Préfecture : reçu, œuvre. Nguyễn", encoding="utf-8")
        [text] = pages_text(piece_to_pdf(source, 7, "Élément"))
        assert "Pièce n° 7" in text and "Préfecture : reçu, œuvre." in text
        assert "Nguy?n" in text  # a letter the font lacks is shown as « ? », not dropped
    finally:
        pdf_pages.fonts.cache_clear()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("dossier", None, "est un dossier"),
        ("absent.png", "missing", "est introuvable"),
        ("vide.png", b"", "est vide"),
        ("programme.exe", bytes(range(256)) * 8, "n'est pas d'un type reconnu"),
        ("tronquee.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "ne peut pas être lue"),
        ("photo.heic", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 40, "HEIC"),
        ("classeur.xlsx", "xlsx", "n'est pas d'un type reconnu"),
    ],
)
def test_what_cannot_be_a_piece_is_refused_by_name(tmp_path, name, content, message):
    source = tmp_path / name
    if content is None:
        source.mkdir()
    elif content == "xlsx":
        import zipfile

        with zipfile.ZipFile(source, "w") as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
    elif content != "missing":
        source.write_bytes(content)
    with pytest.raises(InputError, match=re.escape(name) + ".*" + message) as raised:
        piece_to_pdf(source, 1, "Pièce")
    assert raised.value.exit_code == 2


def test_importing_the_module_loads_no_pdf_library():
    code = (
        "import sys, rdvletters.court.dossier.piece_pdf;"
        "heavy = [m for m in ('reportlab', 'pypdf', 'PIL') if m in sys.modules];"
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
