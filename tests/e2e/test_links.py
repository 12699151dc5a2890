"""People without an account act through the links they receive by email, in Chromium.

The real Celery worker sends the outbox through Django's in-memory mail backend; the
test reads each email as the person would, opens its link in a fresh browser (no
session, no account) and acts. Three journeys: a structure validating its diagnostic,
a consultation from sending to the PV with two consultants answering, a satisfaction
survey answered after closure.
"""

import datetime
import re
import threading

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accompagnements.models import Diagnostic, FollowUp, Ingenierie, State
from espace.models import Consultation
from tests.accompagnements.factories import (
    AccompagnementFactory,
    DiagnosticFactory,
    IngenierieFactory,
    PlanActionFactory,
    PrestataireFactory,
)
from tests.e2e.conftest import TASK_TIMEOUT_MS, login, screenshot
from tests.e2e.pages import fill_form, submit, transition
from tests.structures.factories import ContactFactory
from tests.uploads.files import MINIMAL_PDF

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings, live_server):
    settings.SITE_URL = live_server.url
    mail.outbox = []


def email_to(address: str, *, subject: str = ""):
    """The email the worker sends to ``address`` (the wait ends as soon as it is there)."""
    pause = threading.Event()
    deadline = timezone.now() + datetime.timedelta(milliseconds=TASK_TIMEOUT_MS)
    while timezone.now() < deadline:
        for message in list(getattr(mail, "outbox", [])):
            if any(address in to for to in message.to) and subject in message.subject:
                return message
        pause.wait(0.1)
    raise AssertionError(f"Aucun courriel pour {address} ({subject!r}).")


def link_of(message) -> str:
    return re.search(r"(http://\S+/lien/[\w-]+/)", message.body).group(1)


def outside_page(browser: Browser, live_server) -> Page:
    """A browser of someone with no account: no session, nothing of the back-office."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    return context.new_page()


def test_a_structure_validates_its_diagnostic_from_the_emailed_link(
    page, browser, live_server, personas
):
    case = AccompagnementFactory(
        officer=personas.officer_a, dla=personas.officer_a.dla, state=State.DIAGNOSTIC
    )
    ContactFactory(
        structure=case.structure, first_name="Lucie", last_name="Martin", email="lucie@asso.example"
    )
    DiagnosticFactory(accompagnement=case, summary="Gouvernance à clarifier.")
    login(page, personas.officer_a)
    page.goto(case.get_absolute_url())
    page.get_by_role("link", name="Faire valider le diagnostic par la structure").click()
    expect(page.locator('[name="email"]')).to_have_value("lucie@asso.example")
    submit(page.locator("main form"), "Envoyer le lien")
    expect(page.get_by_text("Lien envoyé à lucie@asso.example")).to_be_visible()

    structure = outside_page(browser, live_server)
    structure.goto(link_of(email_to("lucie@asso.example")))
    expect(structure.get_by_role("heading", level=1)).to_contain_text("Diagnostic partagé")
    expect(structure.get_by_text("Gouvernance à clarifier.")).to_be_visible()
    screenshot(structure, "lien-diagnostic")
    form = structure.locator("form", has=structure.locator('[value="valider"]'))
    fill_form(form, {"v-name": "Lucie Martin", "v-role": "présidente"})
    submit(form, "Je valide pour la structure")
    expect(structure.get_by_text("votre validation est enregistrée")).to_be_visible()
    # Nothing else of the back-office opens with this browser.
    structure.goto(case.get_absolute_url())
    expect(structure).to_have_url(re.compile(r"/connexion/"))
    structure.context.close()

    page.reload()
    expect(page.get_by_text("Validé par Lucie Martin (présidente), en ligne")).to_be_visible()
    assert Diagnostic.objects.get(accompagnement=case).is_validated


def test_a_consultation_from_sending_to_the_selection_report(page, browser, live_server, personas):
    case = AccompagnementFactory(
        officer=personas.officer_a, dla=personas.officer_a.dla, state=State.PARCOURS
    )
    ContactFactory(
        structure=case.structure, first_name="Lucie", last_name="Martin", email="lucie@asso.example"
    )
    ingenierie = IngenierieFactory(
        dla=case.dla,
        title="Stratégie de financement",
        terms_of_reference="Diversifier les financements en deux ans.",
    )
    PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie=ingenierie)
    consultants = {
        name: PrestataireFactory(name=name, email=f"{slug}@conseil.example")
        for name, slug in (
            ("Armor Conseil", "armor"),
            ("Iroise Études", "iroise"),
            ("Rance Stratégie", "rance"),
        )
    }
    login(page, personas.officer_a)
    page.goto(f"/accompagnements/ingenieries/{ingenierie.pk}/")
    page.get_by_role("link", name="Consultation des prestataires par lien personnel").click()
    for name in consultants:
        page.get_by_label(re.compile(name)).check()
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    fill_form(page.locator("main form"), {"deadline": deadline.isoformat()})
    submit(page.locator("main form"), "Envoyer la consultation")
    expect(page.get_by_text("Consultation envoyée")).to_be_visible()

    offers = {"armor": ("4", "950", "3800"), "iroise": ("5", "1000", "5000")}
    for slug, (days, rate, total) in offers.items():
        consultant = outside_page(browser, live_server)
        consultant.goto(link_of(email_to(f"{slug}@conseil.example")))
        expect(consultant.get_by_text("Diversifier les financements en deux ans.")).to_be_visible()
        form = consultant.locator("form", has=consultant.locator('[value="proposer"]'))
        fill_form(
            form, {"p-name": slug.title(), "p-days": days, "p-daily_rate": rate, "p-total": total}
        )
        form.locator('[name="p-document"]').set_input_files(
            {"name": "proposition.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
        )
        submit(form, "Envoyer ma proposition")
        expect(consultant.get_by_text("votre proposition est bien reçue")).to_be_visible()
        consultant.context.close()

    page.reload()
    expect(page.get_by_role("cell", name=re.compile("proposition reçue"))).to_have_count(2)
    screenshot(page, "consultation-reponses")
    # The deadline passes.
    Consultation.objects.filter(ingenierie=ingenierie).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    page.reload()
    submit(
        page.locator('form[action$="/consultation/notation/"]'),
        "Envoyer les propositions à la structure",
    )

    structure = outside_page(browser, live_server)
    structure.goto(link_of(email_to("lucie@asso.example", subject="noter")))
    form = structure.locator("main form")
    points = {"armor": (10, 14, 11, 8, 9), "iroise": (14, 18, 13, 9, 7)}
    for invitation in Consultation.objects.get(ingenierie=ingenierie).invitations.filter(
        proposal__isnull=False
    ):
        slug = invitation.prestataire.email.split("@")[0]
        codes = ("comprehension", "methode", "competences", "moyens", "prix")
        fill_form(
            form,
            {
                f"p{invitation.proposal_id}_{code}": value
                for code, value in zip(codes, points[slug], strict=True)
            },
        )
    form.get_by_role("radio", name="Iroise Études", exact=True).check()
    fill_form(form, {"name": "Lucie Martin", "comment": "Démarche participative."})
    submit(form, "Envoyer les notes et la préférence")
    expect(structure.get_by_text("vos notes et votre préférence")).to_be_visible()
    structure.context.close()

    page.reload()
    form = page.locator('form[action$="/consultation/selection/"]')
    form.get_by_role("radio", name="Iroise Études – 61/70", exact=True).check()
    fill_form(form, {"reason": "Préférence de la structure, meilleure note."})
    submit(form, "Retenir ce prestataire")
    expect(page.get_by_text("Iroise Études est retenu·e")).to_be_visible()
    assert "retenue" in email_to("iroise@conseil.example", subject="retenue").subject
    assert email_to("armor@conseil.example", subject="résultat")
    page.get_by_role("link", name="Procès-verbal de sélection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Procès-verbal de sélection")
    expect(page.get_by_text("Iroise Études, noté par Lucie Martin")).to_be_visible()
    expect(page.get_by_text("Motif : Préférence de la structure, meilleure note.")).to_be_visible()
    screenshot(page, "consultation-pv")
    assert Ingenierie.objects.get(pk=ingenierie.pk).selected_prestataire.name == "Iroise Études"


def test_a_satisfaction_survey_answered_after_closure(page, browser, live_server, personas):
    case = AccompagnementFactory(
        officer=personas.officer_a,
        dla=personas.officer_a.dla,
        state=State.SUIVI,
        followup_recorded=True,
    )
    ContactFactory(
        structure=case.structure, first_name="Lucie", last_name="Martin", email="lucie@asso.example"
    )
    ingenierie = IngenierieFactory(finished=True, dla=case.dla)
    PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie=ingenierie)
    login(page, personas.officer_a)
    page.goto(case.get_absolute_url())
    transition(page, "close")

    structure = outside_page(browser, live_server)
    structure.goto(link_of(email_to("lucie@asso.example", subject="Votre avis")))
    form = structure.locator("main form")
    # The radio buttons of each question, by their value: 4 « très », 3 « plutôt » satisfaite.
    form.locator('input[name="overall"][value="4"]').check()
    form.locator(f'input[name="ingenierie_{ingenierie.pk}"][value="3"]').check()
    submit(form, "Envoyer mes réponses")
    expect(structure.get_by_text("Merci pour votre réponse")).to_be_visible()
    structure.context.close()
    assert FollowUp.objects.get(accompagnement=case).satisfaction == 4
    assert Ingenierie.objects.get(pk=ingenierie.pk).satisfaction == 3
