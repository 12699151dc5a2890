"""Who may do what: the one access policy, beside the territorial scope helper.

Objects are reached through ``visible_to(user)`` / ``editable_by(user)`` (built on
``territoires.scope``); capabilities — the questions that are not "may this user
read this row" — are named functions here. Views, forms, menus, templates,
reporting, tasks, the import and the API ask these functions; no other module
compares a role (``accounts`` stores it, ``territoires.scope`` asks the
territorial questions below).

Read wide, write narrow (DOMAIN.md):
- an officer reads their department (and what their DLA owns), writes what their
  DLA owns and, for some registers, records of their department;
- a coordinator reads their region and writes what their regional DLA owns;
- a national operator reads everything and writes reference data only;
- an admin reads and writes everything (corrections);
- a funder (financeur / pilote) reads no row of case data: the aggregated figures of
  its territory and the conventions it funds (issue 16);
- a resource centre (CRDLA) reads the diagnostics and documents of the cases whose
  structure consented to share them with it, nothing else;
- the ``SYSTEM`` actor (tasks, commands) reads everything and is nobody.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import Q, QuerySet

from .actors import is_system
from .models import Departement, Region
from .roles import Role

if TYPE_CHECKING:
    from .models import Dla, Financeur


class Actor(Protocol):
    """A person (``accounts.User``), an anonymous visitor or ``SYSTEM``."""

    pk: Any
    is_authenticated: bool
    is_active: bool


# The roles whose holders work for a DLA and own cases.
DLA_MEMBER_ROLES = (Role.OFFICER, Role.COORDINATOR)


def active_role(user: Any) -> Role | None:
    """The role of an active, signed-in person; ``None`` for anyone else (and SYSTEM)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    role = getattr(user, "role", None)
    return Role(role) if role in Role.values else None


def _dla(user: Any) -> Dla | None:
    return user.dla if getattr(user, "dla_id", None) else None


def _financeur(user: Any) -> Financeur | None:
    if active_role(user) == Role.FINANCEUR and getattr(user, "financeur_id", None):
        return user.financeur
    return None


# A funder's territory: ("national", None), ("region", pk) or ("departement", pk).
def _funder_territory(user: Any) -> tuple[str, int | None] | None:
    financeur = _financeur(user)
    if financeur is None:
        return None
    if financeur.departement_id:
        return ("departement", financeur.departement_id)
    if financeur.region_id:
        return ("region", financeur.region_id)
    return ("national", None)


# -- Territorial reach (what territoires.scope builds its filters from) ------------------


def reads_everything(user: Any) -> bool:
    return is_system(user) or active_role(user) in {Role.NATIONAL, Role.ADMIN}


def writes_everything(user: Any) -> bool:
    return active_role(user) == Role.ADMIN


def member_dla_id(user: Any) -> int | None:
    """The DLA an officer or coordinator works for; ``None`` for everyone else."""
    if active_role(user) in DLA_MEMBER_ROLES and getattr(user, "dla_id", None):
        return int(user.dla_id)
    return None


def read_region_id(user: Any) -> int | None:
    """The region a coordinator reads as a whole."""
    if active_role(user) == Role.COORDINATOR and (dla := _dla(user)):
        return dla.region_id
    return None


def read_departement_id(user: Any) -> int | None:
    """The department an officer reads as a whole."""
    if active_role(user) == Role.OFFICER and (dla := _dla(user)):
        return dla.departement_id
    return None


def write_departement_id(user: Any) -> int | None:
    """The department whose records an officer may also write (registers that allow it)."""
    return read_departement_id(user)


def financeur_id(user: Any) -> int | None:
    """The funding body a funder speaks for: it reads the rows that body funds."""
    financeur = _financeur(user)
    return financeur.pk if financeur is not None else None


def resource_centre_id(user: Any) -> int | None:
    """The CRDLA a resource-centre member works for: it reads what cases shared with it."""
    if active_role(user) == Role.CRDLA and getattr(user, "centre_ressources_id", None):
        return int(user.centre_ressources_id)
    return None


# -- Territories offered in selectors and accepted by dashboards ---------------------------


# Figures only: a funder's territory opens dashboards (aggregates), never rows.
def _aggregates_region_id(user: Any) -> int | None:
    territory = _funder_territory(user)
    return territory[1] if territory and territory[0] == "region" else None


def _aggregates_departement_id(user: Any) -> int | None:
    territory = _funder_territory(user)
    return territory[1] if territory and territory[0] == "departement" else None


def _aggregates_national(user: Any) -> bool:
    territory = _funder_territory(user)
    return territory is not None and territory[0] == "national"


def figures_region_id(user: Any) -> int | None:
    """The region whose figures ``user`` reads as a whole (coordinator or regional funder)."""
    region_id = read_region_id(user)
    return region_id if region_id is not None else _aggregates_region_id(user)


def figures_departement_id(user: Any) -> int | None:
    """The department whose figures ``user`` reads (officer or departmental funder)."""
    departement_id = read_departement_id(user)
    return departement_id if departement_id is not None else _aggregates_departement_id(user)


def readable_regions(user: Any) -> QuerySet[Region]:
    if may_read_national(user):
        return Region.objects.all()
    if region_id := figures_region_id(user):
        return Region.objects.filter(pk=region_id)
    return Region.objects.none()


def readable_departements(user: Any) -> QuerySet[Departement]:
    if may_read_national(user):
        return Departement.objects.all()
    if region_id := figures_region_id(user):
        return Departement.objects.filter(region_id=region_id)
    if departement_id := figures_departement_id(user):
        return Departement.objects.filter(pk=departement_id)
    return Departement.objects.none()


def may_read_national(user: Any) -> bool:
    """Figures for France as a whole (and the "France entière" choice in selectors)."""
    return reads_everything(user) or _aggregates_national(user)


def may_read_region(user: Any, region_id: int | None) -> bool:
    return may_read_national(user) or (
        region_id is not None and figures_region_id(user) == region_id
    )


def may_read_departement(user: Any, departement_id: int | None, region_id: int | None) -> bool:
    if may_read_region(user, region_id):
        return True
    return departement_id is not None and figures_departement_id(user) == departement_id


def reads_several_departements(user: Any) -> bool:
    """Whether a department selector offers "Tous les départements"."""
    return may_read_national(user) or figures_region_id(user) is not None


def home_territory(user: Any) -> Region | Departement | None:
    """The territory a person's dashboards open on; ``None`` means France as a whole.

    Raises ``LookupError`` for someone with no territory at all.
    """
    if may_read_national(user):
        return None
    if read_region_id(user) is not None:
        return _dla(user).region  # type: ignore[union-attr]
    if read_departement_id(user) is not None:
        return _dla(user).departement  # type: ignore[union-attr]
    if (financeur := _financeur(user)) is not None:
        return financeur.departement if financeur.departement_id else financeur.region
    raise LookupError("Aucun territoire à afficher.")


# -- Structures -------------------------------------------------------------------------------


def departements_open_to_new_structures(user: Any) -> QuerySet[Departement]:
    """Where ``user`` may register a structure.

    Not covered by ``editable_by``: a new record has no case yet. An officer
    registers in their department, a coordinator in their region (regional-scale
    structures), an admin anywhere; a national operator only reads.
    """
    if writes_everything(user):
        return Departement.objects.all()
    if departement_id := write_departement_id(user):
        return Departement.objects.filter(pk=departement_id)
    if region_id := read_region_id(user):
        return Departement.objects.filter(region_id=region_id)
    return Departement.objects.none()


def uses_admin_site(user: Any) -> bool:
    """The Django admin (corrections, history screens): admins, who have staff access."""
    return writes_everything(user) and bool(getattr(user, "is_staff", False))


def may_merge_structures(user: Any) -> bool:
    """Merging duplicates is reference-data work: national operators and admins."""
    return active_role(user) in {Role.NATIONAL, Role.ADMIN}


def imports_anywhere(user: Any) -> bool:
    """The command-line import without ``--user`` runs as SYSTEM: whoever holds the server
    may create and update structures in every department (a person's import is limited to
    their territory; history rows then name nobody)."""
    return is_system(user)


# -- Cases --------------------------------------------------------------------------------


def is_regional_scale(structure: Any) -> bool:
    """Networks, federations and structures working across departments: the regional DLA's
    own cases (DOMAIN.md). The register records it as « tête de réseau ou fédération »
    (``Structure.is_network``, « structure d'échelle régionale »)."""
    return bool(structure.is_network)


def may_open_case(user: Any, structure: Any) -> bool:
    """Open a case on ``structure`` (the form may still ask a reason: see below): officers
    on the structures they may write, coordinators on those of their region, admins
    anywhere."""
    structures = type(structure)._default_manager
    role = active_role(user)
    if role == Role.OFFICER:
        return structures.editable_by(user).filter(pk=structure.pk).exists()
    if role == Role.COORDINATOR and member_dla_id(user):
        return structures.visible_to(user).filter(pk=structure.pk).exists()
    if role == Role.ADMIN:
        return structures.visible_to(user).filter(pk=structure.pk).exists()
    return False


def case_opening_needs_reason(user: Any, structure: Any) -> bool:
    """A coordinator opens cases for regional-scale structures; on a structure of one
    department only with a written reason, since that department's DLA would own it."""
    return active_role(user) == Role.COORDINATOR and not is_regional_scale(structure)


def notified_of_regional_opening(user: Any, structure: Any) -> Q | None:
    """Filter on the user model: who is told when ``user`` opens a case on ``structure``.

    The officers of the structure's department, when a coordinator opens it (regional
    scale or with a reason); ``None`` for everyone else's openings.
    """
    if active_role(user) != Role.COORDINATOR:
        return None
    return Q(
        role=Role.OFFICER,
        is_active=True,
        dla__departement_id=structure.departement_id,
    )


def chooses_case_officer(user: Any) -> bool:
    """Admins open cases on behalf of an officer; everyone else owns what they open."""
    return writes_everything(user)


def dla_members() -> Q:
    """People who work for a DLA and may own cases (a filter on the user model)."""
    return Q(role__in=DLA_MEMBER_ROLES, is_active=True)


def case_owners_in_reach(user: Any) -> Q | None:
    """Filter on the user model: the DLA members whose cases ``user`` may see.

    ``None`` means nobody; ``Q()`` everybody.
    """
    if reads_everything(user):
        return Q()
    if region_id := read_region_id(user):
        return Q(dla__region_id=region_id)
    if departement_id := read_departement_id(user):
        return (
            Q(dla__departement_id=departement_id)
            | Q(dla__region_id=_dla(user).region_id, dla__level="regional")  # type: ignore[union-attr]
            | Q(dla_id=user.dla_id)
        )
    return None


def works_cases(user: Any) -> bool:
    """Officers and coordinators run cases: workboard, reminders, digests, home counters."""
    return member_dla_id(user) is not None


def may_decide_transfer(user: Any, to_dla_id: int | None) -> bool:
    """A case offered to a DLA is accepted or refused by that DLA's members (admins correct)."""
    return writes_everything(user) or (to_dla_id is not None and member_dla_id(user) == to_dla_id)


# -- Registers shared by cases --------------------------------------------------------------


def may_add_prestataire(user: Any) -> bool:
    """The consultant register is managed by the regional DLA (DOMAIN.md)."""
    return active_role(user) == Role.COORDINATOR and member_dla_id(user) is not None


def may_add_to_dla_registers(user: Any) -> bool:
    """Support actors and comités d'appui are added by the members of a DLA."""
    return member_dla_id(user) is not None


# -- Reporting ------------------------------------------------------------------------------


def may_export_national_statistics(user: Any) -> bool:
    return active_role(user) in {Role.NATIONAL, Role.ADMIN}


def may_request_reports(user: Any) -> bool:
    """Coordinators produce their region's report; national operators any report."""
    return active_role(user) in {Role.COORDINATOR, Role.NATIONAL, Role.ADMIN}


def sees_national_key_figures(user: Any) -> bool:
    return active_role(user) in {Role.NATIONAL, Role.ADMIN}


def home_page(user: Any) -> str:
    """A person's home page: ``departement``, ``region``, ``france``, ``financeur``, ``crdla``."""
    role = active_role(user)
    if role in {Role.NATIONAL, Role.ADMIN}:
        return "france"
    if role == Role.COORDINATOR:
        return "region"
    if role == Role.FINANCEUR:
        return "financeur"
    if role == Role.CRDLA:
        return "crdla"
    return "departement"


def reach_key(user: Any) -> str:
    """Two people with the same key read exactly the same rows (a cache partition)."""
    if reads_everything(user):
        return "all"
    if reads_aggregates_only(user):
        # Their figures are public aggregates, the same for every reader of a territory.
        return "aggregates"
    if (region_id := read_region_id(user)) is not None:
        return f"region-{region_id}-dla-{member_dla_id(user)}"
    if (departement_id := read_departement_id(user)) is not None:
        return f"departement-{departement_id}-dla-{member_dla_id(user)}"
    return "none"


# -- Partners: funders and resource centres (issue 16) -------------------------------------


def reads_aggregates_only(user: Any) -> bool:
    """Funders read figures, never a row: dashboards show them published aggregates."""
    return active_role(user) == Role.FINANCEUR


def reads_case_data(user: Any) -> bool:
    """Structures, cases and the DLAs' registers are for the DLA network, not its partners."""
    return active_role(user) in {Role.OFFICER, Role.COORDINATOR, Role.NATIONAL, Role.ADMIN}


def reads_dashboards(user: Any) -> bool:
    """The statistics dashboards: everyone with a territory (not a resource centre)."""
    return reads_case_data(user) or reads_aggregates_only(user)


def reads_shared_diagnostics(user: Any) -> bool:
    """A resource centre's page of the diagnostics shared with it."""
    return resource_centre_id(user) is not None


def reads_pilotage(user: Any) -> bool:
    """Conventions, budgets and objectives: the DLA network and the funders."""
    return reads_case_data(user) or financeur_id(user) is not None


def steers_own_dla(user: Any) -> bool:
    """Members of a DLA record its conventions, objectives and comités de pilotage."""
    return member_dla_id(user) is not None


def reads_published_reports(user: Any) -> bool:
    """Funders download the finished activity reports (published figures) of their territory."""
    return reads_aggregates_only(user)


def published_reports(user: Any) -> Q:
    """Filter on report jobs' territory: national reports and those of the funder's region."""
    territory = _funder_territory(user)
    if territory is None:
        return Q(pk__in=[])
    if territory[0] == "national":
        return Q()
    region_id = _financeur(user).region_id  # type: ignore[union-attr]
    return Q(region__isnull=True) | Q(region_id=region_id)


def sees_funders_national_shares(user: Any) -> bool:
    """The funders' national shares by convention year: the national operator's view."""
    return reads_everything(user) and not is_system(user)


# -- Yearly campaign and frozen figures (issue 12) -----------------------------------------


def reads_campaigns(user: Any) -> bool:
    """The yearly campaign's checklists and progress: the DLA network (no partner)."""
    return active_role(user) in {Role.OFFICER, Role.COORDINATOR, Role.NATIONAL, Role.ADMIN}


def may_open_campaign(user: Any) -> bool:
    """The national operator opens the campaign of a year (admins may correct)."""
    return active_role(user) in {Role.NATIONAL, Role.ADMIN}


def may_freeze_year(user: Any) -> bool:
    """Freezing a year's figures, or publishing a corrected version of them."""
    return active_role(user) in {Role.NATIONAL, Role.ADMIN}


def may_recompute_frozen_year(user: Any) -> bool:
    """A frozen year's figures recomputed live (« provisoire »): national operators only."""
    return active_role(user) in {Role.NATIONAL, Role.ADMIN}


def sees_campaign_progress(user: Any) -> bool:
    """The progress of several DLAs (coordinators their region's, national operators all);
    an officer works on their own DLA's checklist."""
    return active_role(user) in {Role.COORDINATOR, Role.NATIONAL, Role.ADMIN}


def marks_data_checked(user: Any) -> bool:
    """The « données vérifiées » mark is a DLA's own (its members) or an admin's correction;
    which DLA, ``DlaCampagne.objects.editable_by`` says."""
    return member_dla_id(user) is not None or writes_everything(user)
