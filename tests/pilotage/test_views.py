"""The steering pages: budgets side by side, commitments through the form, objectives,
conventions and their documents, the funder's and the resource centre's views."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accompagnements.models import Funding
from dossiers.services import add_document
from pilotage.models import ConventionYear, Depassement, Objective, PartageCentre
from pilotage.services import commit
from tests.accompagnements.factories import AccompagnementFactory, IngenierieFactory
from tests.accounts.factories import departmental_dla, regional_state_service
from tests.http import close_quietly
from tests.pilotage.factories import contribute, convention, financeur
from tests.structures.factories import StructureFactory
from tests.uploads.files import pdf_bytes

YEAR = datetime.date.today().year


@pytest.fixture
def funded(personas):
    """DLA 35 and DLA 29 funded by the Bretagne State service; 35 has 6 000 committed."""
    state = regional_state_service("53")
    region = financeur("Région Bretagne", "region")
    for officer, amount in ((personas.officer_a, 20000), (personas.officer_b, 10000)):
        made = convention(officer.dla, YEAR, YEAR)
        contribute(made, YEAR, state, ingenierie=amount, running=40000)
        contribute(made, YEAR, region, ingenierie=5000)
    ingenierie = IngenierieFactory(dla=personas.officer_a.dla, title="Ingénierie de l'Amicale")
    commit(
        ingenierie,
        funder="etat",
        amount=6000,
        committed_on=datetime.date(YEAR, 1, 15),
        by=personas.officer_a,
    )
    return ingenierie


def test_coordinator_sees_the_regions_dlas_side_by_side(funded, personas, client_for):
    response = client_for(personas.coordinator).get(reverse("pilotage:index"))
    body = response.content.decode()
    assert response.status_code == 200
    rows = {row["dla"].pk: row for row in response.context["rows"]}
    dla_a, dla_b = personas.officer_a.dla_id, personas.officer_b.dla_id
    assert rows[dla_a]["balance"].total.committed == 6000
    assert rows[dla_a]["balance"].total.fund == 25000
    assert rows[dla_b]["balance"].total.fund == 15000
    assert departmental_dla("44").pk not in rows
    # Region total: 40 000 of fund, 6 000 committed.
    assert (response.context["total"].total.fund, response.context["total"].total.committed) == (
        40000,
        6000,
    )
    assert "Ingénierie de l'Amicale" not in body  # the side-by-side table shows no case data


def test_the_commitment_form_asks_to_confirm_an_overrun_and_journals_it(
    funded, personas, client_for
):
    client = client_for(personas.officer_a)
    url = reverse("pilotage:engagement_add", args=[funded.pk])
    data = {"funder": "etat", "amount": "15000", "committed_on": f"{YEAR}-03-01"}
    response = client.post(url, data)
    assert response.status_code == 200
    # 6 000 committed of 20 000: 15 000 more goes 1 000 beyond.
    assert "dépassement de 1\u202f000,00\u202f€" in response.content.decode()
    assert Funding.objects.count() == 1
    response = client.post(url, {**data, "confirm_overrun": "on"})
    assert response.status_code == 302
    journal = Depassement.objects.get()
    assert (journal.amount, journal.committed_before, journal.fund) == (15000, 6000, 20000)


def test_a_line_is_corrected_and_cancelled_from_its_pages(funded, personas, client_for):
    client = client_for(personas.officer_a)
    line = funded.fundings.get()
    response = client.post(
        reverse("pilotage:engagement_correct", args=[line.pk]),
        {"amount": "-1000", "on": f"{YEAR}-04-01", "reason": "Une journée en moins"},
    )
    assert response.status_code == 302
    assert line.corrections.get().amount == -1000
    response = client.post(
        reverse("pilotage:engagement_cancel", args=[line.pk]),
        {"on": f"{YEAR}-05-01", "reason": ""},
    )
    assert "Motif" in response.content.decode()  # the field is named, nothing written
    line.refresh_from_db()
    assert line.cancelled_on is None


def test_the_dla_page_shows_the_fund_with_its_alert(funded, personas, client_for):
    commit(
        funded,
        funder="etat",
        amount=10000,
        committed_on=datetime.date(YEAR, 2, 1),
        by=personas.officer_a,
    )
    response = client_for(personas.officer_a).get(
        reverse("pilotage:dla", args=[personas.officer_a.dla_id])
    )
    body = response.content.decode()
    # État: 16 000 of 20 000 = 80.0 %.
    assert "80,0 %" in body
    assert "80 % du fonds engagé" in body
    assert "Ingénierie de l&#x27;Amicale" in body


def test_a_funder_sees_the_conventions_it_funds_without_case_data(funded, personas, client_for):
    client = client_for(personas.financeur)
    response = client.get(reverse("pilotage:index"))
    assert {row["dla"].pk for row in response.context["rows"]} == {
        personas.officer_a.dla_id,
        personas.officer_b.dla_id,
    }
    page = client.get(reverse("pilotage:dla", args=[personas.officer_a.dla_id]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "25\u202f000" in body or "25 000" in body or "25\xa0000" in body
    assert "Amicale" not in body
    assert list(page.context["lines"]) == []
    other = client.get(reverse("pilotage:dla", args=[departmental_dla("44").pk]))
    assert other.status_code == 404


def test_a_funders_dashboard_shows_published_aggregates_of_its_region(personas, client_for):
    StructureFactory(name="Structure-secrète")
    response = client_for(personas.financeur).get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    assert response.context["scope"].code == "53"
    assert response.context["public"] is True
    assert "Structure-secrète" not in response.content.decode()


def test_objectives_are_set_by_the_dla_and_shown_against_achievements(personas, client_for):
    client = client_for(personas.officer_a)
    url = reverse("pilotage:objectives", args=[personas.officer_a.dla_id, YEAR])
    response = client.post(url, {"structures_accompagnees": "40", "part_qpv": "12.5"})
    assert response.status_code == 302
    assert sorted(Objective.objects.values_list("kind", "target")) == [
        ("part_qpv", 12.5),
        ("structures_accompagnees", 40),
    ]
    response = client.post(url, {"structures_accompagnees": "40", "part_qpv": "120"})
    assert response.status_code == 200  # a share above 100 % names its field
    page = client.get(reverse("pilotage:dla", args=[personas.officer_a.dla_id]))
    assert "Structures accompagnées" in page.content.decode()


def test_a_convention_creates_its_years_and_refuses_an_overlap(personas, client_for):
    client = client_for(personas.officer_a)
    url = reverse("pilotage:convention_add", args=[personas.officer_a.dla_id])
    data = {"title": "Convention 2025-2027", "first_year": "2025", "last_year": "2027"}
    assert client.post(url, data).status_code == 302
    years = ConventionYear.objects.filter(dla=personas.officer_a.dla).order_by("year")
    assert [(y.year, y.starts_on, y.ends_on) for y in years] == [
        (y, datetime.date(y, 1, 1), datetime.date(y, 12, 31)) for y in (2025, 2026, 2027)
    ]
    response = client.post(url, {**data, "first_year": "2027", "last_year": "2028"})
    assert "déjà une convention pour 2027" in response.content.decode()
    assert ConventionYear.objects.count() == 3


def test_convention_documents_are_stored_and_served_as_attachments(funded, personas, client_for):
    made = ConventionYear.objects.get(dla=personas.officer_a.dla).convention
    client = client_for(personas.officer_a)
    response = client.post(
        reverse("pilotage:convention_document_add", args=[made.pk]),
        {
            "kind": "convention",
            "title": "Convention signée",
            "file": SimpleUploadedFile("c.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 302
    document = made.documents.get()
    download = client_for(personas.financeur).get(reverse("pilotage:document", args=[document.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    close_quietly(download)
    assert (
        client_for(personas.other_officer)
        .get(reverse("pilotage:document", args=[document.pk]))
        .status_code
        == 404
    )


def test_a_resource_centre_reads_only_what_was_shared_with_it(personas, client_for):
    shared = AccompagnementFactory(officer=personas.officer_a)
    kept = AccompagnementFactory(officer=personas.officer_a)
    documents = [
        add_document(
            upload=SimpleUploadedFile("d.pdf", pdf_bytes()),
            kind="diagnostic",
            title=title,
            by=personas.officer_a,
            accompagnement=case,
        )
        for case, title in ((shared, "Diagnostic partagé"), (kept, "Diagnostic gardé"))
    ]
    response = client_for(personas.officer_a).post(
        reverse("pilotage:partage_add", args=[shared.pk]),
        {
            "centre": personas.crdla.centre_ressources_id,
            "consent_on": "2026-01-10",
            "consent_by_name": "Présidente",
        },
    )
    assert response.status_code == 302
    client = client_for(personas.crdla)
    listing = client.get(reverse("pilotage:partages")).content.decode()
    assert f"Accompagnement n° {shared.pk}" in listing
    assert f"Accompagnement n° {kept.pk}" not in listing
    # The consent covers the diagnostic and the documents: never the structure's name.
    assert str(shared.structure) not in listing
    partage = PartageCentre.objects.get()
    page = client.get(reverse("pilotage:partage", args=[partage.pk])).content.decode()
    assert "Diagnostic partagé" in page
    assert "Diagnostic gardé" not in page
    versions = [d.versions.get() for d in documents]
    download = client.get(reverse("pilotage:partage_download", args=[partage.pk, versions[0].pk]))
    assert download.status_code == 200
    close_quietly(download)
    # The other case's file cannot be reached through this consent, nor directly.
    assert (
        client.get(
            reverse("pilotage:partage_download", args=[partage.pk, versions[1].pk])
        ).status_code
        == 404
    )
    for version in versions:
        assert client.get(reverse("dossiers:download", args=[version.pk])).status_code == 404
    assert client.get(reverse("accompagnements:detail", args=[shared.pk])).status_code == 404
    # Withdrawn: the centre reads nothing any more.
    client_for(personas.officer_a).post(reverse("pilotage:partage_withdraw", args=[partage.pk]))
    client = client_for(personas.crdla)
    assert client.get(reverse("pilotage:partage", args=[partage.pk])).status_code == 404


@pytest.mark.parametrize("extra", [0, 3])
def test_index_query_count_does_not_grow_with_dlas(
    funded, personas, client_for, django_assert_num_queries, extra
):
    state = regional_state_service("53")
    for code in ["22", "56", "44"][:extra]:
        dla = departmental_dla(code)
        contribute(convention(dla, YEAR, YEAR), YEAR, state, ingenierie=1000)
        Objective.objects.create(dla=dla, year=YEAR, kind="structures_accompagnees", target=3)
        commit(
            IngenierieFactory(dla=dla),
            funder="etat",
            amount=100,
            committed_on=datetime.date(YEAR, 2, 1),
            by=personas.admin,
        )
    client = client_for(personas.national)
    client.get(reverse("pilotage:index"))  # warm the session and the user
    # user (the session is read from the cache), DLAs, convention years, contributions, committed
    # lines, objectives, national shares; with objectives, the achievement queries
    # (pilotage.progress: five here, the structures' year-end records only when some structure was
    # accompanied).
    with django_assert_num_queries(7 if extra == 0 else 12):
        client.get(reverse("pilotage:index"))


@pytest.mark.parametrize("lines", [1, 4])
def test_dla_page_query_count_does_not_grow_with_lines(
    funded, personas, client_for, django_assert_num_queries, lines
):
    for day in range(1, lines):
        commit(
            funded,
            funder="etat",
            amount=10,
            committed_on=datetime.date(YEAR, 2, day),
            by=personas.officer_a,
        )
    client = client_for(personas.officer_a)
    url = reverse("pilotage:dla", args=[personas.officer_a.dla_id])
    client.get(url)
    # the user with the header's DLA and unread reminders (the session is read from the cache),
    # the DLA, writable?, the year, contributions, committed lines, objectives, the lines with
    # their ingénieries, conventions, their years, comités, dépassements.
    with django_assert_num_queries(12):
        client.get(url)
