import pytest

from uploads import sanitise_name


@pytest.mark.parametrize(
    ("raw", "extension", "expected"),
    [
        ("Statuts 2024.pdf", "pdf", "Statuts 2024.pdf"),
        ("../../etc/passwd", "txt", "passwd.txt"),
        ("C:\\Users\\léa\\Bilan financier.xlsx", "xlsx", "Bilan financier.xlsx"),
        ("facture.exe", "pdf", "facture.exe.pdf"),
        ("rapport.pdf\x00.exe", "pdf", "rapport.pdf.exe.pdf"),
        ("<script>alert(1)</script>.png", "png", "script.png"),
        ("<b>note & co>.txt", "txt", "b_note _ co.txt"),
        ("...", "pdf", "document.pdf"),
        ("", "csv", "document.csv"),
        ("photo.JPEG", "jpg", "photo.jpeg"),
        ("a" * 300 + ".pdf", "pdf", "a" * 120 + ".pdf"),
        ("Compte\u202erendu.pdf", "pdf", "Compterendu.pdf"),
    ],
)
def test_names_are_sanitised_and_end_with_the_detected_extension(raw, extension, expected):
    assert sanitise_name(raw, extension) == expected
