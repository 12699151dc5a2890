"""The type of an upload comes from its bytes; disguised and polyglot files are refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from uploads import UploadRefused, check_upload
from uploads.checks import CSV, DOCX, JPEG, ODT, PDF, PNG, TXT, XLSX

from .files import (
    ELF,
    EXE,
    docx_bytes,
    jpeg_bytes,
    odt_bytes,
    pdf_bytes,
    png_bytes,
    xlsx_bytes,
    zip_bytes,
)

LIMIT = 20_000_000


def check(data: bytes, name: str, limit: int = LIMIT):
    return check_upload(SimpleUploadedFile(name, data), max_bytes=limit)


@pytest.mark.parametrize(
    ("data", "name", "kind", "display"),
    [
        (pdf_bytes(), "statuts.pdf", PDF, "statuts.pdf"),
        (png_bytes(), "logo.PNG", PNG, "logo.png"),
        (jpeg_bytes(), "photo.jpeg", JPEG, "photo.jpeg"),
        (xlsx_bytes(), "budget.xlsx", XLSX, "budget.xlsx"),
        (odt_bytes(), "cdc.odt", ODT, "cdc.odt"),
        (docx_bytes(), "diagnostic.docx", DOCX, "diagnostic.docx"),
        (
            "nom;montant\r\nÉtat;1000\r\n".encode("cp1252"),
            "financements.csv",
            CSV,
            "financements.csv",
        ),
        (b"Compte rendu du rendez-vous\n", "notes.txt", TXT, "notes.txt"),
    ],
)
def test_accepted_types_are_recognised_from_their_content(data, name, kind, display):
    checked = check(data, name)
    assert checked.kind is kind
    assert checked.name == display
    assert checked.size == len(data)


def test_the_name_does_not_decide_the_type():
    """A real PDF named .docx is stored as a PDF and downloaded with a .pdf name."""
    checked = check(pdf_bytes(), "rapport.docx")
    assert checked.kind is PDF
    assert checked.name == "rapport.docx.pdf"


def test_an_executable_renamed_pdf_is_refused():
    with pytest.raises(UploadRefused, match="programme exécutable"):
        check(EXE, "facture.pdf")


def test_a_linux_executable_renamed_txt_is_refused():
    with pytest.raises(UploadRefused, match="programme exécutable"):
        check(ELF, "notes.txt")


def test_an_executable_that_also_carries_a_pdf_header_is_refused():
    """PDF readers accept %PDF- anywhere in the first 1,024 bytes: MZ…%PDF is both."""
    with pytest.raises(UploadRefused, match="programme exécutable"):
        check(EXE + pdf_bytes(), "facture.pdf")


def test_an_office_document_that_also_opens_as_a_pdf_is_refused():
    """A DOCX whose first kilobyte holds a PDF header (here, in an entry's name)."""
    polyglot = zip_bytes(
        {
            "%PDF-1.4.txt": b"x",
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
        }
    )
    with pytest.raises(UploadRefused, match="polyglotte"):
        check(polyglot, "rapport.docx")


def test_a_pdf_with_a_zip_appended_is_refused():
    """ZIP readers find their directory from the end: PDF + ZIP opens as both."""
    with pytest.raises(UploadRefused):
        check(pdf_bytes() + docx_bytes(), "rapport.pdf")


def test_a_pdf_whose_zip_directory_hides_before_its_eof_is_refused():
    hidden = zip_bytes({"payload.txt": b"x"})
    with pytest.raises(UploadRefused, match="polyglotte"):
        check(pdf_bytes(b"% " + hidden + b"\n"), "rapport.pdf")


def test_an_image_with_a_zip_appended_is_refused():
    with pytest.raises(UploadRefused, match="polyglotte"):
        check(png_bytes() + zip_bytes({"x.txt": b"x"}), "logo.png")


def test_html_inside_a_pdf_is_refused():
    with pytest.raises(UploadRefused, match="page web"):
        check(pdf_bytes(b"<html><script>alert(1)</script></html>\n"), "rapport.pdf")


def test_a_pdf_with_javascript_is_refused():
    with pytest.raises(UploadRefused, match="JavaScript"):
        check(pdf_bytes(b"3 0 obj <</S /JavaScript /JS (app.alert(1))>> endobj\n"), "x.pdf")


def test_a_pdf_with_data_after_its_end_is_refused():
    with pytest.raises(UploadRefused, match="incomplet"):
        check(pdf_bytes() + b"\x00" * 2048, "x.pdf")


def test_an_html_page_renamed_txt_is_refused():
    with pytest.raises(UploadRefused, match="HTML"):
        check(b"<!DOCTYPE html><html><body>hello</body></html>", "notes.txt")


def test_an_svg_image_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(UploadRefused):
        check(svg, "logo.svg")


def test_an_office_document_with_macros_is_refused():
    with pytest.raises(UploadRefused, match="macros"):
        check(docx_bytes({"word/vbaProject.bin": b"\x00" * 16}), "budget.docx")


def test_a_plain_archive_is_refused():
    with pytest.raises(UploadRefused, match="archives"):
        check(zip_bytes({"a.pdf": pdf_bytes()}), "pieces.zip")


def test_an_archive_carrying_a_program_is_refused():
    with pytest.raises(UploadRefused, match="programme exécutable"):
        check(docx_bytes({"word/media/setup.exe": EXE}), "rapport.docx")


def test_a_broken_image_is_refused():
    with pytest.raises(UploadRefused, match="image PNG lisible"):
        check(png_bytes()[:40], "logo.png")


def test_binary_data_is_refused():
    with pytest.raises(UploadRefused, match="pas accepté"):
        check(bytes(range(256)) * 4, "donnees.bin")


def test_an_empty_file_is_refused():
    with pytest.raises(UploadRefused, match="vide"):
        check(b"", "vide.pdf")


def test_an_oversized_file_is_refused_with_both_sizes():
    data = pdf_bytes() + b"%" * 1_000_000
    with pytest.raises(UploadRefused, match=r"1 Mo"):
        check(data, "gros.pdf", limit=1_000_000)


def test_an_oversized_stream_without_size_is_refused_after_the_limit():
    """A file object without ``size`` is read at most limit + 1 bytes."""
    stream = io.BytesIO(b"a" * 2_000)
    with pytest.raises(UploadRefused, match="taille maximale"):
        check_upload(stream, max_bytes=1_000)
