"""Every page a personal link leads to, for every kind of visitor.

A link grants its browser session one purpose on one object: staff signed in to
the back-office get nothing from these pages without the link; a link for
structure A never shows anything of structure B, even with B's page number; a used,
expired or revoked link is refused; guessing is rate-limited.
"""

import datetime
import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dla_suivi.urls import PUBLIC_URL_NAMES
from liens.models import Purpose, SecureLink
from liens.services import issue_link
from tests.accompagnements.factories import (
    AccompagnementFactory,
    ActeurAppuiFactory,
    DiagnosticFactory,
    IngenierieFactory,
    ParcoursFactory,
    PlanActionFactory,
    PrestataireFactory,
)
from tests.urlwalk import all_routes

pytestmark = pytest.mark.django_db

# Route → the purpose of the link it serves, and extra URL arguments.
LINK_PAGES = {
    "espace:diagnostic": (Purpose.DIAGNOSTIC, {}),
    "espace:parcours": (Purpose.PARCOURS, {}),
    "espace:satisfaction": (Purpose.SATISFACTION, {}),
    "espace:suivi": (Purpose.SUIVI, {}),
    "espace:consultation_answer": (Purpose.CONSULTATION, {}),
    "espace:evaluation": (Purpose.EVALUATION, {}),
    "espace:proposal_file": (Purpose.EVALUATION, {"invitation_pk": "invitation"}),
    "espace:orientation": (Purpose.ORIENTATION, {}),
}
NOT_LINK_PAGES = {
    "login",
    "healthz",
    "accessibilite",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "sso_login",
    "sso_callback",
    "sso_refused",
    "liens:open",
}


def test_every_public_route_is_known_here():
    public = {r.name for r in all_routes()} & PUBLIC_URL_NAMES
    assert public - NOT_LINK_PAGES == set(LINK_PAGES)


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()


def build_side(personas, key: str, officer) -> dict:
    """One structure's objects and a link of every purpose, all carrying ``key``'s marker."""
    from espace.models import Consultation, Handover, Invitation
    from tests.structures.factories import StructureFactory

    structure = StructureFactory(name=f"Marqueur-structure-{key}")
    case = AccompagnementFactory(
        structure=structure,
        officer=officer,
        dla=officer.dla,
        state="diagnostic",
        request=f"Marqueur-demande-{key}",
    )
    DiagnosticFactory(accompagnement=case, summary=f"Marqueur-diagnostic-{key}")
    ParcoursFactory(accompagnement=case, priorities=f"Marqueur-parcours-{key}")
    ingenierie = IngenierieFactory(dla=officer.dla, title=f"Marqueur-ingenierie-{key}")
    PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie=ingenierie)
    consultation = Consultation.objects.create(
        ingenierie=ingenierie,
        deadline=timezone.now() + datetime.timedelta(days=7),
        terms=f"Marqueur-cahier-{key}",
        sent_by=officer,
    )
    from django.core.files.base import ContentFile

    from dossiers.models import Source
    from dossiers.services.documents import add_document
    from tests.uploads.files import MINIMAL_PDF

    invitation = Invitation.objects.create(
        consultation=consultation,
        prestataire=PrestataireFactory(email=f"p-{key}@cabinet.example"),
        document=add_document(
            upload=ContentFile(MINIMAL_PDF, name="proposition.pdf"),
            kind="proposition",
            by=None,
            ingenierie=ingenierie,
            source=Source.PRESTATAIRE,
        ),
    )
    handover = Handover.objects.create(
        accompagnement=case,
        acteur=ActeurAppuiFactory(dla=officer.dla, email=f"acteur-{key}@reseau.example"),
        consent_given_by="Présidente",
        consent_on=timezone.localdate(),
        message=f"Marqueur-passation-{key}",
        sent_by=officer,
    )
    targets = {
        Purpose.DIAGNOSTIC: case,
        Purpose.PARCOURS: case,
        Purpose.SATISFACTION: case,
        Purpose.SUIVI: case,
        Purpose.CONSULTATION: invitation,
        Purpose.EVALUATION: consultation,
        Purpose.ORIENTATION: handover,
    }
    links = {}
    for purpose, target in targets.items():
        link, _ = issue_link(
            purpose=purpose,
            target=target,
            name=f"Personne {key}",
            email=f"{key}@x.example",
            by=officer,
            single_use=True,
        )
        from liens.tokens import token_for

        links[purpose] = (link, token_for(link.nonce))
    return {"links": links, "invitation": invitation, "marker": f"Marqueur-{key}"}


@pytest.fixture
def sides(personas):
    return {
        "a": build_side(personas, "a", personas.officer_a),
        "b": build_side(personas, "b", personas.other_officer),
    }


def url_for(name, link, side):
    _purpose, extra = LINK_PAGES[name]
    kwargs = {"link_pk": link.pk}
    for arg, what in extra.items():
        kwargs[arg] = side[what].pk
    return reverse(name, kwargs=kwargs)


def opened(token) -> Client:
    browser = Client()
    assert browser.get(f"/lien/{token}/").status_code == 302
    return browser


@pytest.mark.parametrize("name", sorted(LINK_PAGES))
def test_staff_signed_in_get_nothing_from_a_link_page_without_the_link(
    name, personas, sides, client
):
    purpose = LINK_PAGES[name][0]
    link, _ = sides["a"]["links"][purpose]
    for user in personas.all_users().values():
        client.force_login(user)
        response = client.get(url_for(name, link, sides["a"]))
        assert response.status_code == 404, (user.username, response.status_code)
        assert "Marqueur" not in response.content.decode()


@pytest.mark.parametrize("name", sorted(LINK_PAGES))
def test_a_link_for_structure_a_never_shows_structure_b(name, sides):
    purpose = LINK_PAGES[name][0]
    link_a, token_a = sides["a"]["links"][purpose]
    link_b, _ = sides["b"]["links"][purpose]
    browser = opened(token_a)
    own = browser.get(url_for(name, link_a, sides["a"]))
    assert own.status_code == 200
    body = b"".join(own.streaming_content) if own.streaming else own.content
    if not own.streaming:
        assert "Marqueur-" in body.decode()
        assert "-b" not in _markers(body.decode())
    # B's page number with A's session, and A's page with B's sub-object.
    assert browser.get(url_for(name, link_b, sides["b"])).status_code == 404
    if LINK_PAGES[name][1]:
        crossed = url_for(name, link_a, sides["b"])
        assert browser.get(crossed).status_code == 404


def _markers(text: str) -> set[str]:
    import re

    return {m[-2:] for m in re.findall(r"Marqueur-[a-z]+-[ab]", text)}


@pytest.mark.parametrize(
    "change",
    [
        {"used_at": timezone.now()},
        {"revoked_at": timezone.now()},
        {"expires_at": timezone.now() - datetime.timedelta(seconds=1)},
    ],
    ids=["used", "revoked", "expired"],
)
@pytest.mark.parametrize("name", sorted(LINK_PAGES))
def test_a_used_revoked_or_expired_link_is_refused_even_in_an_opened_session(name, change, sides):
    purpose = LINK_PAGES[name][0]
    link, token = sides["a"]["links"][purpose]
    browser = opened(token)
    SecureLink.objects.filter(pk=link.pk).update(**change)
    for method in ("get", "post"):
        response = getattr(browser, method)(url_for(name, link, sides["a"]))
        assert response.status_code == 410
        assert "Marqueur" not in html.unescape(response.content.decode())
    assert browser.get(f"/lien/{token}/").status_code == 410


def test_guessing_page_numbers_is_rate_limited(sides, settings):
    link, token = sides["a"]["links"][Purpose.DIAGNOSTIC]
    browser = opened(token)
    for guess in range(settings.LINK_ATTEMPTS_LIMIT):
        assert browser.get(f"/espace/{10_000 + guess}/diagnostic/").status_code == 404
    assert browser.get(f"/espace/{link.pk}/diagnostic/").status_code == 429
