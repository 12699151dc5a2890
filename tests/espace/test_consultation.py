"""A consultation from sending to the PV: consultants answer through their links, the
structure scores through its own, the DLA decides and every candidate is told."""

import datetime
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accompagnements.models import Ingenierie, IngenierieStatus, Proposal, State
from espace.models import Consultation, Invitation, InvitationStatus
from tests.accompagnements.factories import (
    AccompagnementFactory,
    IngenierieFactory,
    PlanActionFactory,
    PrestataireFactory,
)
from tests.structures.factories import ContactFactory
from tests.uploads.files import MINIMAL_PDF, png_bytes

from .conftest import link_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(personas):
    case = AccompagnementFactory(
        officer=personas.officer_a, dla=personas.officer_a.dla, state=State.PARCOURS
    )
    ContactFactory(
        structure=case.structure, first_name="Lucie", last_name="Martin", email="lucie@asso.example"
    )
    ingenierie = IngenierieFactory(
        dla=case.dla, title="Modèle économique", terms_of_reference="Objectifs : diversifier."
    )
    PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie=ingenierie)
    prestataires = [
        PrestataireFactory(name=name, email=f"{name.split()[-1].lower()}@conseil.example")
        for name in ("Cabinet Alpha", "Cabinet Beta", "Cabinet Gamma", "Cabinet Delta")
    ]
    PrestataireFactory(name="Cabinet Sans Courriel", email="")
    PrestataireFactory(name="Cabinet Ligérien", email="l@conseil.example", in_other_region=True)
    return case, ingenierie, prestataires


def start(client, ingenierie, prestataires, callbacks, days=7):
    with callbacks(execute=True):
        return client.post(
            f"/ingenieries/{ingenierie.pk}/consultation/",
            {
                "prestataires": [p.pk for p in prestataires],
                "deadline": (timezone.localdate() + datetime.timedelta(days=days)).isoformat(),
            },
        )


def consultant_browser(email) -> tuple[Client, str]:
    browser = Client()
    response = browser.get(link_in(email))
    return browser, response["Location"]


def propose(browser, url, callbacks, *, pdf=MINIMAL_PDF, days="4", rate="950", total="3800"):
    with callbacks(execute=True):
        return browser.post(
            url,
            {
                "action": "proposer",
                "p-name": "Consultante",
                "p-document": SimpleUploadedFile("proposition.pdf", pdf, "application/pdf"),
                "p-days": days,
                "p-daily_rate": rate,
                "p-total": total,
            },
        )


def close_deadline(ingenierie):
    Consultation.objects.filter(ingenierie=ingenierie).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )


def test_the_register_offers_the_regions_consultants_who_have_an_email(
    personas, setting, client_for
):
    _, ingenierie, _ = setting
    page = client_for(personas.officer_a).get(f"/ingenieries/{ingenierie.pk}/consultation/")
    text = html.unescape(page.text)
    assert "Cabinet Alpha – 0 mission DLA" in text
    assert "Cabinet Sans Courriel" not in text
    assert "Cabinet Ligérien" not in text


def test_three_or_four_consultants_are_consulted(
    personas, setting, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    _, ingenierie, prestataires = setting
    page = start(
        client_for(personas.officer_a),
        ingenierie,
        prestataires[:2],
        django_capture_on_commit_callbacks,
    )
    assert "Prestataires : choisissez de 3 à 4 prestataires (2 choisi·s)." in html.unescape(
        page.text
    )
    assert not Consultation.objects.exists()
    assert mailoutbox == []


def test_a_consultation_from_sending_to_the_selection_report(
    personas, setting, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    _case, ingenierie, prestataires = setting
    alpha, beta, gamma, _ = prestataires
    officer = client_for(personas.officer_a)
    response = start(officer, ingenierie, [alpha, beta, gamma], django_capture_on_commit_callbacks)
    assert response.status_code == 302
    ingenierie.refresh_from_db()
    assert ingenierie.status == IngenierieStatus.CONSULTATION
    by_address = {m.to[0].split("<")[1].rstrip(">"): m for m in mailoutbox}
    assert set(by_address) == {
        "alpha@conseil.example",
        "beta@conseil.example",
        "gamma@conseil.example",
    }
    assert "Objectifs : diversifier." not in by_address["alpha@conseil.example"].body

    # Alpha proposes, Beta declines, Gamma proposes a picture first (refused), then a PDF.
    browser, url = consultant_browser(by_address["alpha@conseil.example"])
    assert "Objectifs : diversifier." in browser.get(url).text
    assert (
        "proposition est bien reçue"
        in propose(browser, url, django_capture_on_commit_callbacks).text
    )
    browser, url = consultant_browser(by_address["beta@conseil.example"])
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(url, {"action": "decliner", "d-name": "Bruno", "d-reason": "Pas disponible."})
    browser, url = consultant_browser(by_address["gamma@conseil.example"])
    refused = propose(browser, url, django_capture_on_commit_callbacks, pdf=png_bytes())
    assert "envoyez votre proposition au format PDF" in html.unescape(refused.text)
    propose(browser, url, django_capture_on_commit_callbacks, days="5", rate="1000", total="5000")
    statuses = dict(Invitation.objects.values_list("prestataire__name", "status"))
    assert statuses == {
        "Cabinet Alpha": InvitationStatus.PROPOSED,
        "Cabinet Beta": InvitationStatus.DECLINED,
        "Cabinet Gamma": InvitationStatus.PROPOSED,
    }
    follow = html.unescape(officer.get(f"/ingenieries/{ingenierie.pk}/consultation/").text)
    assert "a décliné" in follow
    assert "Pas disponible." in follow

    # No scoring while consultants may still answer.
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            f"/ingenieries/{ingenierie.pk}/consultation/notation/",
            {"name": "Lucie Martin", "email": "lucie@asso.example"},
        )
    assert not any("lucie@asso.example" in m.to[0] for m in mailoutbox)

    close_deadline(ingenierie)
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            f"/ingenieries/{ingenierie.pk}/consultation/notation/",
            {"name": "Lucie Martin", "email": "lucie@asso.example"},
        )
    structure_email = mailoutbox[-1]
    assert structure_email.to == ["Lucie Martin <lucie@asso.example>"]
    browser, url = consultant_browser(structure_email)
    page = browser.get(url)
    alpha_proposal = Proposal.objects.get(prestataire=alpha)
    gamma_proposal = Proposal.objects.get(prestataire=gamma)
    pdf = browser.get(f"{url}proposition/{alpha_proposal.invitation.pk}/")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert b"".join(pdf.streaming_content) == MINIMAL_PDF
    assert "Cabinet Beta" not in page.text
    grid = {"name": "Lucie Martin", "preferred": gamma_proposal.pk, "comment": "Méthode claire."}
    for proposal, points in (
        (alpha_proposal, (12, 15, 10, 8, 9)),
        (gamma_proposal, (14, 18, 13, 9, 7)),
    ):
        for code, value in zip(
            ("comprehension", "methode", "competences", "moyens", "prix"), points, strict=True
        ):
            grid[f"p{proposal.pk}_{code}"] = value
    with django_capture_on_commit_callbacks(execute=True):
        assert "vos notes et votre préférence" in browser.post(url, grid).text
    # 12+15+10+8+9 = 54 and 14+18+13+9+7 = 61, out of 70.
    assert Proposal.objects.get(pk=alpha_proposal.pk).score == 54
    assert Proposal.objects.get(pk=gamma_proposal.pk).score == 61
    assert Consultation.objects.get().preferred == gamma_proposal

    sent_before = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            f"/ingenieries/{ingenierie.pk}/consultation/selection/",
            {"proposal": gamma_proposal.pk, "reason": "Choix de la structure, méthode adaptée."},
        )
    ingenierie = Ingenierie.objects.get(pk=ingenierie.pk)
    assert (ingenierie.selected_prestataire, ingenierie.status, ingenierie.cost) == (
        gamma,
        IngenierieStatus.ATTRIBUEE,
        5000,
    )
    told = {m.to[0].split("<")[1].rstrip(">"): m.subject for m in mailoutbox[sent_before:]}
    assert told == {
        "alpha@conseil.example": "Consultation DLA « Modèle économique » : résultat",
        "gamma@conseil.example": (
            "Consultation DLA « Modèle économique » : votre proposition est retenue"
        ),
    }
    pv = html.unescape(officer.get(f"/ingenieries/{ingenierie.pk}/consultation/pv/").text)
    assert "Cabinet Gamma, noté par Lucie Martin" in pv
    assert "Motif : Choix de la structure, méthode adaptée." in pv
    assert (
        "Préférence de la structure : Cabinet Gamma (Lucie Martin)" in ingenierie.selection_report
    )


def test_a_late_answer_is_refused_and_nothing_is_written(
    personas, setting, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    _, ingenierie, prestataires = setting
    start(
        client_for(personas.officer_a),
        ingenierie,
        prestataires[:3],
        django_capture_on_commit_callbacks,
    )
    browser, url = consultant_browser(mailoutbox[0])
    close_deadline(ingenierie)
    response = propose(browser, url, django_capture_on_commit_callbacks)
    assert "La date limite de réponse est passée" in html.unescape(response.text)
    assert not Proposal.objects.exists()
    assert set(Invitation.objects.values_list("status", flat=True)) == {InvitationStatus.INVITED}
