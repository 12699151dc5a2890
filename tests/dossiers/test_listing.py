"""The documents list's rows, written in Python (dossiers/listing.py): the HTML the
template printed, worked out by hand."""

import datetime

from django.db.models import Prefetch
from django.urls import reverse

from dossiers.listing import document_rows
from dossiers.models import Document, DocumentKind
from dossiers.services import add_version, set_shared_with_comite
from tests.accompagnements.factories import AccompagnementFactory

from .factories import case_document, upload


def test_each_row_shows_title_kind_latest_version_and_consent(personas):
    case = AccompagnementFactory(officer=personas.officer_a)
    statuts = case_document(case, title="Statuts & <annexes>", upload=upload("statuts v1.pdf"))
    second = add_version(statuts, upload=upload("statuts <final>.pdf"), by=case.officer)
    # 23:30 UTC on the 29th is the 30th in Paris.
    second.uploaded_at = datetime.datetime(2026, 11, 29, 23, 30, tzinfo=datetime.UTC)
    # The upload service cleans names; one kept from before must still be escaped.
    second.original_name = "statuts <final>.pdf"
    second.save(update_fields=["uploaded_at", "original_name"])
    set_shared_with_comite(statuts, shared=True, by=case.officer)
    comptes = case_document(case, title="Comptes 2025", kind=DocumentKind.COMPTES)
    first = comptes.versions.get()
    first.uploaded_at = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    first.save(update_fields=["uploaded_at"])

    documents = Document.objects.filter(pk__in=[statuts.pk, comptes.pk]).order_by("pk")
    documents = list(documents.prefetch_related(Prefetch("versions", to_attr="all_versions")))

    def download(version):
        return reverse("dossiers:download", args=[version.pk])

    assert document_rows(documents) == (
        "\n    <tr>\n"
        f'      <td><a href="/documents/{statuts.pk}/">'
        "Statuts &amp; &lt;annexes&gt;</a></td>\n"
        "      <td>statuts</td>\n"
        f'      <td><a href="{download(second)}" download>v2 · statuts &lt;final&gt;.pdf</a>'
        " (30/11/2026)</td>\n"
        "      <td>partageable</td>\n"
        "    </tr>\n    "
        "\n    <tr>\n"
        f'      <td><a href="/documents/{comptes.pk}/">Comptes 2025</a></td>\n'
        "      <td>comptes annuels</td>\n"
        f'      <td><a href="{download(first)}" download>v1 · statuts.pdf</a> (02/03/2026)</td>\n'
        "      <td>—</td>\n"
        "    </tr>\n    "
    )
    assert download(second) == f"/documents/fichiers/{second.pk}/"


def test_the_case_page_lists_its_documents_or_says_there_are_none(client_for, personas):
    case = AccompagnementFactory(officer=personas.officer_a)
    client = client_for(personas.officer_a)
    assert "Aucun document." in client.get(case.get_absolute_url()).text
    case_document(case, title="Convention signée", kind=DocumentKind.CONVENTION)
    page = client.get(case.get_absolute_url()).text
    assert "Aucun document." not in page
    assert "<td>convention</td>" in page
    assert page.count("download>v1 · statuts.pdf</a>") == 1
