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
- the ``SYSTEM`` actor (tasks, commands) reads everything and is nobody.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import Q, QuerySet

from .actors import is_system
from .models import Departement, Region
from .roles import Role

if TYPE_CHECKING:
    from .models import Dla


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


# -- Territories offered in selectors and accepted by dashboards ---------------------------


def readable_regions(user: Any) -> QuerySet[Region]:
    if reads_everything(user):
        return Region.objects.all()
    if region_id := read_region_id(user):
        return Region.objects.filter(pk=region_id)
    return Region.objects.none()


def readable_departements(user: Any) -> QuerySet[Departement]:
    if reads_everything(user):
        return Departement.objects.all()
    if region_id := read_region_id(user):
        return Departement.objects.filter(region_id=region_id)
    if departement_id := read_departement_id(user):
        return Departement.objects.filter(pk=departement_id)
    return Departement.objects.none()


def may_read_national(user: Any) -> bool:
    """Figures for France as a whole (and the "France entière" choice in selectors)."""
    return reads_everything(user)


def may_read_region(user: Any, region_id: int | None) -> bool:
    return reads_everything(user) or (region_id is not None and read_region_id(user) == region_id)


def may_read_departement(user: Any, departement_id: int | None, region_id: int | None) -> bool:
    if reads_everything(user) or (region_id is not None and read_region_id(user) == region_id):
        return True
    return departement_id is not None and read_departement_id(user) == departement_id


def reads_several_departements(user: Any) -> bool:
    """Whether a department selector offers "Tous les départements"."""
    return reads_everything(user) or read_region_id(user) is not None


def home_territory(user: Any) -> Region | Departement | None:
    """The territory a person's dashboards open on; ``None`` means France as a whole.

    Raises ``LookupError`` for someone with no territory at all.
    """
    if reads_everything(user):
        return None
    if read_region_id(user) is not None:
        return _dla(user).region  # type: ignore[union-attr]
    if read_departement_id(user) is not None:
        return _dla(user).departement  # type: ignore[union-attr]
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


def may_merge_structures(user: Any) -> bool:
    """Merging duplicates is reference-data work: national operators and admins."""
    return active_role(user) in {Role.NATIONAL, Role.ADMIN}


# -- Cases --------------------------------------------------------------------------------


def may_open_case(user: Any, structure: Any) -> bool:
    """Open a case on ``structure``: officers on the structures they may write,
    coordinators on those of their region (regional-scale ones), admins anywhere."""
    structures = type(structure)._default_manager
    role = active_role(user)
    if role == Role.OFFICER:
        return structures.editable_by(user).filter(pk=structure.pk).exists()
    if role == Role.COORDINATOR and member_dla_id(user):
        return structures.visible_to(user).filter(pk=structure.pk).exists()
    if role == Role.ADMIN:
        return structures.visible_to(user).filter(pk=structure.pk).exists()
    return False


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
    """The level a person's home page overviews: ``departement``, ``region`` or ``france``."""
    role = active_role(user)
    if role in {Role.NATIONAL, Role.ADMIN}:
        return "france"
    if role == Role.COORDINATOR:
        return "region"
    return "departement"


def reach_key(user: Any) -> str:
    """Two people with the same key read exactly the same rows (a cache partition)."""
    if reads_everything(user):
        return "all"
    if (region_id := read_region_id(user)) is not None:
        return f"region-{region_id}-dla-{member_dla_id(user)}"
    if (departement_id := read_departement_id(user)) is not None:
        return f"departement-{departement_id}-dla-{member_dla_id(user)}"
    return "none"
