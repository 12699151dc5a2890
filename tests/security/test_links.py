"""No page links to what its reader cannot open.

As every persona, every page of the world they may read is fetched, and every
link it renders is followed: none may answer 403 or 404. An object the reader
may not open is shown by its name, as text. The world adds the cases that cross
territories: a regional case on a department's structure reviewed by the
regional comité d'appui, an orientation to a support actor of another
department, a consultant of another region.
"""

import datetime
import html.parser
from urllib.parse import urljoin, urlsplit

from accompagnements.models import ActionKind, ComiteAppui, ComiteReview
from territoires.models import Departement
from tests.accompagnements.factories import (
    AccompagnementFactory,
    ActeurAppuiFactory,
    PlanActionFactory,
    PrestataireFactory,
)
from tests.accounts.factories import departmental_dla, regional_dla
from tests.http import close_quietly
from tests.security.test_access_matrix import MATRIX, ObjectRoute, PageRoute, reverse_url
from tests.security.world import build_world
from tests.structures.factories import StructureFactory

SKIPPED_PREFIXES = ("/static/", "/deconnexion/", "/admin/")


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def internal_links(page_url: str, body: str) -> set[str]:
    parser = _Links()
    parser.feed(body)
    links = set()
    for href in parser.hrefs:
        url = urlsplit(urljoin(page_url, href))
        if url.scheme not in ("", "http") or url.netloc not in ("", "testserver"):
            continue
        if url.path.startswith(SKIPPED_PREFIXES) or not url.path.startswith("/"):
            continue
        # Access depends on the path alone: its query-string variants (sort, page) are one link.
        links.add(url.path)
    return links


def crossing_world(personas):
    world = build_world(personas)
    region_dla = regional_dla("53")
    network = StructureFactory(name="Fédération des tiers-lieux bretons", is_network=True)
    regional_case = AccompagnementFactory(
        structure=network, dla=region_dla, officer=personas.coordinator
    )
    world.add("case", "regional", regional_case)
    comite = ComiteAppui.objects.create(
        dla=region_dla, held_on=datetime.date(2026, 3, 2), members="Comité régional de Bretagne"
    )
    ComiteReview.objects.create(comite=comite, accompagnement=regional_case, opinion="favorable")
    world.add("comite", "regional", comite)
    finistere_only = ActeurAppuiFactory(
        name="Couveuse du Finistère",
        dla=departmental_dla("29"),
        departements=[Departement.objects.get(code="29")],
    )
    PlanActionFactory(
        accompagnement=world.get("case", "a"),
        kind=ActionKind.ORIENTATION,
        acteur=finistere_only,
        title="Orientation vers une couveuse",
    )
    ingenierie = world.get("ingenierie", "a")
    ingenierie.selected_prestataire = PrestataireFactory(in_other_region=True)
    ingenierie.save()
    return world


def pages_for(world) -> list[str]:
    """Every page about no object, and every read page of every object of the world."""
    urls = []
    for name, spec in MATRIX.items():
        # The API answers JSON (no links to follow); writes are reached through links.
        if spec.post_only or name.startswith("api:"):
            continue
        if isinstance(spec, PageRoute):
            urls.append(reverse_url(name, spec.kwargs))
            continue
        assert isinstance(spec, ObjectRoute)
        if spec.write:
            continue
        for (kind, _territory), obj in world.objects.items():
            if kind == spec.kind:
                urls.append(reverse_url(name, spec.kwargs(obj)))
    return urls


def test_no_page_links_to_what_its_reader_cannot_open(personas, client):
    world = crossing_world(personas)
    broken = []
    for label, user in personas.all_users().items():
        client.force_login(user)
        checked: dict[str, int] = {}
        for page in pages_for(world):
            response = client.get(page)  # out of the reader's scope: a 404, not crawled
            checked[page] = response.status_code
            if response.status_code != 200 or response.streaming:
                close_quietly(response)
                continue
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            for link in sorted(internal_links(page, response.content.decode())):
                if link not in checked:
                    followed = client.get(link)
                    checked[link] = followed.status_code
                    close_quietly(followed)
                if checked[link] in (403, 404):
                    broken.append(f"{label}: {page} links to {link} ({checked[link]})")
    assert broken == [], "\n".join(sorted(set(broken)))
