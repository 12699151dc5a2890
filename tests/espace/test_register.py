"""The consultant register: referencing, attestations that expire, history, search, merges."""

import datetime
import html

import pytest
from django.utils import timezone

from accompagnements.models import IngenierieTheme, Prestataire, Proposal
from espace.models import Attestation, Referencement
from territoires.models import Departement
from tests.accompagnements.factories import IngenierieFactory, PrestataireFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultants():
    alpha = PrestataireFactory(name="Alpha Conseil", email="a@conseil.example", siret="")
    beta = PrestataireFactory(name="Beta Études", email="b@conseil.example")
    IngenierieFactory(finished=True, selected_prestataire=beta, satisfaction=4)
    IngenierieFactory(finished=True, selected_prestataire=beta, satisfaction=3)
    return alpha, beta


def referencing(client, prestataire, **data):
    return client.post(
        f"/prestataires/{prestataire.pk}/fiche/",
        {"action": "referencement", **{f"r-{k}": v for k, v in data.items()}},
    )


def test_the_regional_coordinator_references_a_consultant_on_fixed_lists(
    personas, consultants, client_for
):
    alpha, _ = consultants
    coordinator = client_for(personas.coordinator)
    ille, finistere = Departement.objects.get(code="35"), Departement.objects.get(code="29")
    response = referencing(
        coordinator,
        alpha,
        competences=[IngenierieTheme.RESTRUCTURATION, IngenierieTheme.ORGANISATION],
        sectors=["culture"],
        departements=[ille.pk, finistere.pk],
        referenced_on="2025-01-15",
        renewal_on="2028-01-15",
    )
    assert response.status_code == 302
    referencement = Referencement.objects.get(prestataire=alpha)
    assert Referencement.unpack(referencement.competences) == ["organisation", "restructuration"]
    assert set(referencement.departements.values_list("code", flat=True)) == {"35", "29"}
    refused = referencing(coordinator, alpha, competences=["astrologie"])
    assert "Sélectionnez un choix valide" in html.unescape(refused.text)
    backwards = referencing(coordinator, alpha, referenced_on="2025-01-15", renewal_on="2024-01-15")
    assert "Renouvellement : la date doit suivre" in html.unescape(backwards.text)


def test_officers_read_the_register_and_do_not_write_it(personas, consultants, client_for):
    alpha, _ = consultants
    officer = client_for(personas.officer_a)
    assert officer.get(f"/prestataires/{alpha.pk}/fiche/").status_code == 200
    assert referencing(officer, alpha, competences=["organisation"]).status_code == 403
    assert (
        client_for(personas.other_officer).get(f"/prestataires/{alpha.pk}/fiche/").status_code
        == 404
    )


def test_the_register_searches_sorts_and_warns_of_expired_attestations(
    personas, consultants, client_for
):
    alpha, beta = consultants
    Referencement.objects.create(prestataire=alpha, competences=",numerique,", sectors=",sport,")
    Attestation.objects.create(
        prestataire=beta,
        kind="urssaf",
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    client = client_for(personas.officer_a)
    by_missions = client.get("/prestataires/registre/", {"tri": "missions"}).text
    assert by_missions.index("Beta Études") < by_missions.index("Alpha Conseil")
    assert "attestation expirée" in by_missions
    # Beta: two missions rated 4 and 3 → 3.5 on 4.
    assert "3,5" in by_missions
    numerique = client.get("/prestataires/registre/", {"competence": "numerique"}).text
    assert "Alpha Conseil" in numerique
    assert "Beta Études" not in numerique
    experienced = client.get("/prestataires/registre/", {"min_missions": "1"}).text
    assert "Beta Études" in experienced
    assert "Alpha Conseil" not in experienced
    fiche = html.unescape(client.get(f"/prestataires/{beta.pk}/fiche/").text)
    assert "expirée" in fiche
    assert "très satisfaite" in fiche


def test_duplicates_are_merged_with_their_history(personas, client_for):
    keep = PrestataireFactory(name="Gamma Conseil", siret="73282932000074", email="")
    duplicate = PrestataireFactory(name="GAMMA  conseil", email="g@conseil.example")
    ingenierie = IngenierieFactory(finished=True, selected_prestataire=duplicate)
    Proposal.objects.create(ingenierie=ingenierie, prestataire=duplicate, score=50)
    Referencement.objects.create(prestataire=duplicate, competences=",numerique,")
    coordinator = client_for(personas.coordinator)
    page = html.unescape(coordinator.get(f"/prestataires/{keep.pk}/fiche/").text)
    assert "Doublons possibles" in page
    assert "GAMMA  conseil" in page
    response = coordinator.post(f"/prestataires/{keep.pk}/fusion/", {"duplicate": duplicate.pk})
    assert response.status_code == 302
    assert not Prestataire.objects.filter(pk=duplicate.pk).exists()
    keep.refresh_from_db()
    assert keep.email == "g@conseil.example"
    assert Proposal.objects.get().prestataire == keep
    assert keep.ingenieries.get() == ingenierie
    assert Referencement.objects.get(prestataire=keep).competences == ",numerique,"


def test_the_consultation_filters_the_register_by_competence(personas, client_for):
    alpha = PrestataireFactory(name="Alpha Conseil", email="a@conseil.example")
    PrestataireFactory(name="Beta Études", email="b@conseil.example")
    Referencement.objects.create(prestataire=alpha, competences=",restructuration,")
    ingenierie = IngenierieFactory(terms_of_reference="Objectifs.")
    page = client_for(personas.officer_a).get(
        f"/ingenieries/{ingenierie.pk}/consultation/", {"competence": "restructuration"}
    )
    text = html.unescape(page.text)
    assert "Alpha Conseil – 0 mission DLA" in text
    assert "Beta Études" not in text
