"""Every route, as every persona, on objects of their own and of other territories.

Expectations come from the rules written by hand from DOMAIN.md in
``domain_rules.py`` (which ``test_domain_rules.py`` also holds the querysets to):
out of scope is 404, readable but not writable is 403, and no response ever
carries the marker of an object the persona may not see. A route the matrix does
not know makes the test fail.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from dla_suivi.urls import PUBLIC_URL_NAMES
from tests.http import close_quietly
from tests.security import domain_rules
from tests.security.world import TERRITORIES, build_world
from tests.urlwalk import all_routes

OK = "ok"


def pk(obj):
    return {"pk": obj.pk}


@dataclass(frozen=True)
class ObjectRoute:
    """A route about one object: read (GET) or write (GET form and POST)."""

    kind: str
    write: bool = False
    kwargs: Callable = pk
    # Who may write, when not simply editable_by (e.g. merges for national operators).
    may_write: Callable | None = None
    # The object whose visibility decides (e.g. the case of an action).
    scope: Callable | None = None
    post_only: bool = False


@dataclass(frozen=True)
class PageRoute:
    """A route about no object: a list, a form to create, a download."""

    roles: frozenset | None = None  # None: every role; else others get 403
    kwargs: dict | None = None
    post_only: bool = False


ALL = None
DLA_MEMBERS = frozenset({"officer", "coordinator"})
NATIONAL = frozenset({"national", "admin"})
DASHBOARD_READERS = frozenset({"officer", "coordinator", "national", "admin", "financeur"})
CAMPAIGN_READERS = frozenset({"officer", "coordinator", "national", "admin"})
CASE_DATA_READERS = frozenset({"officer", "coordinator", "national", "admin"})


def case_of(obj):
    return obj.accompagnement


def ingenierie_of(obj):
    return obj.ingenierie


MATRIX = {
    # Foundation
    "home": PageRoute(),
    "logout": PageRoute(post_only=True),
    "password_change": PageRoute(),
    "password_change_done": PageRoute(),
    # Structures
    "structures:list": PageRoute(),
    "structures:export": PageRoute(),
    "structures:create": PageRoute(roles=frozenset({"officer", "coordinator", "admin"})),
    "structures:import": PageRoute(roles=frozenset({"officer", "coordinator", "admin"})),
    "structures:import_confirm": PageRoute(
        roles=frozenset({"officer", "coordinator", "admin"}), post_only=True
    ),
    "structures:import_template": PageRoute(kwargs={"fmt": "csv"}),
    "structures:detail": ObjectRoute("structure"),
    "structures:update": ObjectRoute("structure", write=True),
    "structures:contacts": ObjectRoute("structure", write=True),
    "structures:merge": ObjectRoute(
        "structure", write=True, may_write=lambda user, obj: user.role in NATIONAL
    ),
    # The national review list of likely duplicates: those who merge.
    "structures:duplicates": PageRoute(roles=NATIONAL),
    # The register of companies: for those who register structures (public data only).
    "structures:register_lookup": PageRoute(roles=frozenset({"officer", "coordinator", "admin"})),
    "structures:register_check": PageRoute(roles=frozenset({"officer", "coordinator", "admin"})),
    # Accompagnements
    "accompagnements:list": PageRoute(),
    "accompagnements:workboard": PageRoute(),
    "accompagnements:detail": ObjectRoute("case"),
    # Fragments of the case page (htmx), pages of their own without JavaScript.
    "accompagnements:timeline": ObjectRoute("case"),
    "accompagnements:exterieur": ObjectRoute("case"),
    "accompagnements:edit": ObjectRoute("case", write=True),
    "accompagnements:transition": ObjectRoute(
        "case",
        write=True,
        kwargs=lambda o: {"pk": o.pk, "name": "start_diagnostic"},
        post_only=True,
    ),
    "accompagnements:create": ObjectRoute(
        "structure",
        write=True,
        kwargs=lambda o: {"structure_pk": o.pk},
        may_write=lambda user, obj: user.role in DLA_MEMBERS | {"admin"},
    ),
    "accompagnements:structure_cases": ObjectRoute(
        "structure", kwargs=lambda o: {"structure_pk": o.pk}
    ),
    "accompagnements:diagnostic": ObjectRoute("case", write=True),
    "accompagnements:parcours": ObjectRoute("case", write=True),
    "accompagnements:action_add": ObjectRoute("case", write=True),
    "accompagnements:action_edit": ObjectRoute(
        "action",
        write=True,
        kwargs=lambda o: {"pk": o.accompagnement_id, "action_pk": o.pk},
        scope=case_of,
    ),
    "accompagnements:action_delete": ObjectRoute(
        "action",
        write=True,
        kwargs=lambda o: {"pk": o.accompagnement_id, "action_pk": o.pk},
        scope=case_of,
        post_only=True,
    ),
    "accompagnements:ingenierie_add": ObjectRoute("case", write=True),
    "accompagnements:followup_add": ObjectRoute("case", write=True),
    "accompagnements:ingenierie": ObjectRoute("ingenierie"),
    "accompagnements:ingenierie_edit": ObjectRoute("ingenierie", write=True),
    "accompagnements:proposal_add": ObjectRoute("ingenierie", write=True, post_only=True),
    "accompagnements:proposal_informed": ObjectRoute(
        "proposal",
        write=True,
        kwargs=lambda o: {"pk": o.ingenierie_id, "proposal_pk": o.pk},
        scope=ingenierie_of,
        post_only=True,
    ),
    "accompagnements:proposal_edit": ObjectRoute(
        "proposal",
        write=True,
        kwargs=lambda o: {"pk": o.ingenierie_id, "proposal_pk": o.pk},
        scope=ingenierie_of,
    ),
    "accompagnements:proposal_remove": ObjectRoute(
        "proposal",
        write=True,
        kwargs=lambda o: {"pk": o.ingenierie_id, "proposal_pk": o.pk},
        scope=ingenierie_of,
        post_only=True,
    ),
    # Exchanges and tasks: through their case (404 outside it, 403 where it is read-only).
    "accompagnements:echange_add": ObjectRoute("case", write=True),
    "accompagnements:echange_edit": ObjectRoute(
        "echange",
        write=True,
        kwargs=lambda o: {"pk": o.accompagnement_id, "echange_pk": o.pk},
        scope=case_of,
    ),
    "accompagnements:tache_add": ObjectRoute("case", write=True),
    "accompagnements:tache_edit": ObjectRoute(
        "tache",
        write=True,
        kwargs=lambda o: {"pk": o.accompagnement_id, "tache_pk": o.pk},
        scope=case_of,
    ),
    "accompagnements:tache_done": ObjectRoute(
        "tache",
        write=True,
        kwargs=lambda o: {"pk": o.accompagnement_id, "tache_pk": o.pk},
        scope=case_of,
        post_only=True,
    ),
    "accompagnements:taches": PageRoute(),
    # Handover: reassign and offer a transfer where the case is writable; the receiving
    # DLA reads the offer and answers it (its POST is tested in test_passation.py).
    "accompagnements:reassign": ObjectRoute("case", write=True),
    "accompagnements:transfer": ObjectRoute("case", write=True),
    "accompagnements:transfers": PageRoute(),
    "accompagnements:transfer_answer": ObjectRoute("passation"),
    "accompagnements:prestataires": PageRoute(),
    # Creating needs a DLA to own the record; admins correct through the admin site.
    "accompagnements:prestataire_add": PageRoute(roles=frozenset({"coordinator"})),
    "accompagnements:prestataire_edit": ObjectRoute("prestataire", write=True),
    "accompagnements:acteurs": PageRoute(),
    "accompagnements:acteur_add": PageRoute(roles=DLA_MEMBERS),
    "accompagnements:acteur_edit": ObjectRoute("acteur", write=True),
    "accompagnements:comites": PageRoute(),
    "accompagnements:comite_add": PageRoute(roles=DLA_MEMBERS),
    "accompagnements:comite": ObjectRoute("comite"),
    "accompagnements:notifications": PageRoute(),
    "accompagnements:notifications_read": PageRoute(post_only=True),
    # Opens one's own reminder (marks it read); another id is "not found" (a redirect).
    "accompagnements:notification_open": PageRoute(post_only=True),
    # Documents (dossiers): added where the anchor is writable, read where it is visible.
    "dossiers:add_to_case": ObjectRoute("case", write=True),
    "dossiers:add_to_structure": ObjectRoute("structure", write=True),
    "dossiers:add_to_ingenierie": ObjectRoute("ingenierie", write=True),
    "dossiers:document": ObjectRoute("document"),
    "dossiers:version_add": ObjectRoute("document", write=True, post_only=True),
    "dossiers:sharing": ObjectRoute("document", write=True, post_only=True),
    "dossiers:delete": ObjectRoute("document", write=True),
    "dossiers:generate_for_case": ObjectRoute(
        "case", write=True, kwargs=lambda o: {"pk": o.pk, "kind": "diagnostic"}, post_only=True
    ),
    "dossiers:generate_for_ingenierie": ObjectRoute(
        "ingenierie",
        write=True,
        kwargs=lambda o: {"pk": o.pk, "kind": "pv_selection"},
        post_only=True,
    ),
    # A file by its direct id: the same rule as its document.
    "dossiers:download": ObjectRoute("version"),
    # Espace: the officer's side of personal links and consultations (the public pages
    # the links lead to have their own matrix, tests/security/test_link_matrix.py).
    "espace:send": ObjectRoute(
        "case", write=True, kwargs=lambda o: {"pk": o.pk, "purpose": "diagnostic"}
    ),
    "espace:handover": ObjectRoute("case", write=True),
    "espace:revoke": ObjectRoute("link", write=True, post_only=True),
    # Readers of the ingénierie follow the consultation; its forms post to the routes below.
    "espace:consultation": ObjectRoute("ingenierie"),
    "espace:send_scoring": ObjectRoute("ingenierie", write=True, post_only=True),
    "espace:select": ObjectRoute("ingenierie", write=True, post_only=True),
    "espace:pv": ObjectRoute("ingenierie"),
    # The consultant register: read by the region's DLAs, written by the regional DLA.
    "espace:register": PageRoute(),
    "espace:prestataire": ObjectRoute("prestataire"),
    "espace:merge": ObjectRoute("prestataire", write=True, post_only=True),
    "messagerie:preferences": PageRoute(),
    # Reporting
    # Every role with a territory; a resource centre has none (403).
    "reporting:dashboard": PageRoute(roles=DASHBOARD_READERS),
    # The dashboard's comparison table as CSV/XLSX: the dashboard's readers and scope.
    "reporting:comparison_export": PageRoute(roles=DASHBOARD_READERS),
    "reporting:dictionary": PageRoute(),
    "reporting:exports": PageRoute(roles=NATIONAL),
    "reporting:reports": PageRoute(roles=frozenset({"coordinator", "national", "admin"})),
    "reporting:job": ObjectRoute("job"),
    "reporting:job_progress": ObjectRoute("job"),
    "reporting:job_download": ObjectRoute("job"),
    # The yearly campaign (issue 12): the DLA network reads it, the national operator
    # opens it and freezes the year, each DLA marks its own data as checked.
    "reporting:campaigns": PageRoute(roles=CAMPAIGN_READERS),
    "reporting:campaign_open": PageRoute(roles=NATIONAL, post_only=True),
    "reporting:campaign": PageRoute(roles=CAMPAIGN_READERS, kwargs={"year": 2025}),
    "reporting:campaign_freeze": PageRoute(roles=NATIONAL, kwargs={"year": 2025}, post_only=True),
    "reporting:campaign_dla": ObjectRoute(
        "campagne_dla", kwargs=lambda o: {"year": 2025, "pk": o.pk}
    ),
    "reporting:campaign_check": ObjectRoute(
        "campagne_dla", write=True, post_only=True, kwargs=lambda o: {"year": 2025, "pk": o.pk}
    ),
    # A structure's corrected record applied to 31 December: where the structure is writable.
    "reporting:campaign_year_end": ObjectRoute(
        "structure", write=True, post_only=True, kwargs=lambda o: {"year": 2025, "pk": o.pk}
    ),
    # Steering (pilotage): conventions, the ingénierie fund, objectives, comités de
    # pilotage; funders read what their body funds, never a case.
    "pilotage:index": PageRoute(roles=DASHBOARD_READERS),
    "pilotage:dla": ObjectRoute("pilotage_dla"),
    "pilotage:convention_add": ObjectRoute("pilotage_dla", write=True),
    "pilotage:objectives": ObjectRoute(
        "pilotage_dla", write=True, kwargs=lambda o: {"pk": o.pk, "year": 2026}
    ),
    "pilotage:comite_add": ObjectRoute("pilotage_dla", write=True),
    "pilotage:convention": ObjectRoute("convention"),
    "pilotage:convention_document_add": ObjectRoute("convention", write=True, post_only=True),
    "pilotage:year_edit": ObjectRoute("convention_year", write=True),
    "pilotage:contribution_add": ObjectRoute("convention_year", write=True, post_only=True),
    "pilotage:comite": ObjectRoute("comite_pilotage"),
    "pilotage:comite_document_add": ObjectRoute("comite_pilotage", write=True, post_only=True),
    "pilotage:document": ObjectRoute("pilotage_document"),
    # Commitments of the fund: written where the ingénierie is writable.
    "pilotage:engagement_add": ObjectRoute("ingenierie", write=True),
    "pilotage:engagement_correct": ObjectRoute("funding", write=True),
    "pilotage:engagement_cancel": ObjectRoute("funding", write=True),
    # Sharing with a resource centre: recorded on the case, read by the centre.
    "pilotage:partages": PageRoute(roles=frozenset({"crdla"})),
    "pilotage:partage": ObjectRoute("partage"),
    # A file of the shared case, through the consent (the case's first document).
    "pilotage:partage_download": ObjectRoute(
        "partage",
        kwargs=lambda o: {
            "pk": o.pk,
            "version_pk": o.accompagnement.documents.get().versions.get().pk,
        },
    ),
    "pilotage:partage_add": ObjectRoute("case", write=True),
    "pilotage:partage_withdraw": ObjectRoute("partage", write=True, post_only=True),
    # JSON API (read-only): the pages' rules, by session here and by token in tests/api.
    "api:structure-list": PageRoute(),
    "api:structure-detail": ObjectRoute("structure"),
    "api:accompagnement-list": PageRoute(),
    "api:accompagnement-detail": ObjectRoute("case"),
    "api:prestataire-list": PageRoute(),
    "api:prestataire-detail": ObjectRoute("prestataire"),
    "api:acteur-list": PageRoute(),
    "api:acteur-detail": ObjectRoute("acteur"),
    "api:indicateurs": PageRoute(),
    # Without parameters: the current year on the person's own territory.
    "api:indicateur": PageRoute(kwargs={"code": "ACT_STRUCTURES"}, roles=CASE_DATA_READERS),
    # The anonymised case-level dataset: the national statistics export's rule.
    "api:jeu_accompagnements": PageRoute(roles=NATIONAL),
    "api:schema": PageRoute(),
    "api:docs": PageRoute(),
    # Personal API tokens: everyone manages their own (tests/api/test_tokens.py).
    "jetons:list": PageRoute(),
    "jetons:revoke": PageRoute(post_only=True),
}

# Public routes and Django's admin (staff only, its own permission system).
# Public routes (the personal links' pages have their own matrix, test_link_matrix.py).
NOT_IN_MATRIX = {"login", "healthz", "accessibilite", "admin_login"} | PUBLIC_URL_NAMES


def routes_to_check():
    return [r for r in all_routes() if r.name not in NOT_IN_MATRIX and not _is_admin(r.name)]


def _is_admin(name):
    return name.startswith("admin:") or "django.contrib.admin" in name or "RedirectView" in name


def test_every_route_is_in_the_access_matrix():
    unknown = sorted({r.name for r in routes_to_check()} - set(MATRIX))
    assert unknown == [], f"Add these routes to the access matrix: {unknown}"


def test_the_matrix_names_no_route_that_does_not_exist():
    assert sorted(set(MATRIX) - {r.name for r in all_routes()}) == []


def _queryset_for(obj):
    return type(obj).objects


def visible(user, obj) -> bool:
    return _queryset_for(obj).visible_to(user).filter(pk=obj.pk).exists()


def editable(user, obj) -> bool:
    return _queryset_for(obj).editable_by(user).filter(pk=obj.pk).exists()


def marker_visible(user, obj) -> bool:
    if obj._meta.model_name in {"contact"}:
        return visible(user, obj.structure)
    if obj._meta.model_name == "planaction":
        return visible(user, obj.accompagnement)
    if obj._meta.model_name == "funding":
        return visible(user, obj.ingenierie)
    if obj._meta.model_name == "document" and obj.accompagnement_id and shared_with(user, obj):
        return True
    return visible(user, obj)


def shared_with(user, document) -> bool:
    """A resource centre reads a case's documents through the structure's consent."""
    from pilotage.models import PartageCentre

    shared = PartageCentre.objects.visible_to(user)
    return shared.filter(accompagnement_id=document.accompagnement_id).exists()


def assert_no_leak(response, user, world, where):
    if response.status_code != 200 or not response.get("Content-Type", "").startswith(
        ("text/", "application/json")
    ):
        # Binary downloads (XLSX, ODS, PDF) are covered by their own content tests.
        return
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode("utf-8", errors="replace")
    leaked = [
        m
        for m, obj in world.markers.items()
        if m in body and not marker_visible(user, obj) and not offered_to(user, obj, where)
    ]
    assert leaked == [], f"{where} as {user.username} shows {leaked}"


def offered_to(user, obj, where) -> bool:
    """A DLA offered a case reads, on the transfer pages, the case's structure and request:
    it decides from them (DOMAIN.md: a regional-scale or moved structure changes DLA)."""
    from accompagnements.models import Passation

    if not where.startswith("/accompagnements/transferts/"):
        return False
    lookups = {"accompagnement": "accompagnement", "structure": "accompagnement__structure"}
    lookup = lookups.get(obj._meta.model_name)
    offers = Passation.objects.visible_to(user).filter(to_dla_id=getattr(user, "dla_id", None))
    return lookup is not None and offers.filter(**{lookup: obj}).exists()


def reverse_url(name, kwargs):
    from django.urls import reverse

    return reverse(name, kwargs=kwargs or None)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access_matrix(name, personas, client, django_capture_on_commit_callbacks):
    spec = MATRIX[name]
    world = build_world(personas)
    failures = []
    for label, user in personas.all_users().items():
        client.force_login(user)
        if isinstance(spec, PageRoute):
            url = reverse_url(name, spec.kwargs)
            allowed = spec.roles is None or user.role in spec.roles
            method = client.post if spec.post_only else client.get
            response = method(url)
            code = response.status_code
            if (allowed and code in (403, 404)) or code >= 500:
                failures.append(f"{label} {url}: {code}, expected access")
            if not allowed and code != 403:
                failures.append(f"{label} {url}: {code}, expected 403")
            assert_no_leak(response, user, world, url)
            continue
        for territory in [*TERRITORIES, "national"]:
            obj = world.get(spec.kind, territory)
            if obj is None:
                continue
            scope_obj = spec.scope(obj) if spec.scope else obj
            url = reverse_url(name, spec.kwargs(obj))
            # Stated by hand from DOMAIN.md (domain_rules.py), not asked of visible_to.
            rule = domain_rules.expected(label, spec.kind, territory)
            if rule == "-":
                expected = 404
            elif spec.write and not (
                spec.may_write(user, scope_obj) if spec.may_write else rule == "W"
            ):
                expected = 403
            else:
                expected = OK
            methods = ["post"] if spec.post_only else ["get", "post"] if spec.write else ["get"]
            if expected == OK:
                if spec.post_only:
                    continue  # an allowed POST would change the world
                methods = ["get"]
            for method in methods:
                response = getattr(client, method)(url)
                code = response.status_code
                if expected == OK:
                    if code in (403, 404) or code >= 500:
                        failures.append(
                            f"{label} {method} {url} ({territory}): {code}, expected OK"
                        )
                elif code != expected:
                    failures.append(f"{label} {method} {url} ({territory}): {code} != {expected}")
                assert_no_leak(response, user, world, url)
                close_quietly(response)
    assert not failures, "\n".join(failures)


NESTED = {
    name: spec
    for name, spec in MATRIX.items()
    if isinstance(spec, ObjectRoute) and spec.scope is not None
}


@pytest.mark.parametrize("name", sorted(NESTED))
def test_a_child_of_another_territory_cannot_be_reached_through_an_own_parent(
    name, personas, client
):
    """/cases/<mine>/actions/<theirs>/ must not reach their action."""
    spec = NESTED[name]
    world = build_world(personas)
    own, theirs = world.get(spec.kind, "a"), world.get(spec.kind, "o")
    kwargs = spec.kwargs(theirs)
    parent_key = next(iter(kwargs))
    kwargs[parent_key] = spec.kwargs(own)[parent_key]
    client.force_login(personas.officer_a)
    for method in ("post",) if spec.post_only else ("get", "post"):
        response = getattr(client, method)(reverse_url(name, kwargs))
        assert response.status_code == 404, f"{method} {kwargs}: {response.status_code}"
