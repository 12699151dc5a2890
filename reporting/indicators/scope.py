"""Territorial scope of a figure (national, a region, a department) and who asks for it.

A figure is always computed within what the viewer may read: their
``visible_to`` querysets, intersected with the requested territory. Tasks and
commands that run without a person (the scheduled national report, the statistics
export) ask as ``territoires.actors.SYSTEM``, whom the access policy lets read all.
"""

from dataclasses import dataclass
from typing import Any, Self

from django.http import Http404

from territoires import policy
from territoires.models import Departement, Dla, Region


class Level:
    NATIONAL = "national"
    REGION = "region"
    DEPARTEMENT = "departement"
    # The cases a DLA owns, wherever their structures are: a campaign's snapshot keeps
    # each DLA's figures (reporting.snapshots); no dashboard offers this level.
    DLA = "dla"


@dataclass(frozen=True)
class Scope:
    level: str
    pk: int | None = None
    code: str = ""
    name: str = "France entière"
    region_pk: int | None = None

    @classmethod
    def national(cls) -> Self:
        return cls(Level.NATIONAL)

    @classmethod
    def for_region(cls, region: Region) -> Self:
        return cls(Level.REGION, region.pk, region.code, region.name, region.pk)

    @classmethod
    def for_departement(cls, departement: Departement) -> Self:
        return cls(
            Level.DEPARTEMENT,
            departement.pk,
            departement.code,
            departement.name,
            departement.region_id,
        )

    @classmethod
    def for_dla(cls, dla: Dla) -> Self:
        return cls(Level.DLA, dla.pk, str(dla.pk), dla.name, dla.region_id)

    @property
    def compare_level(self) -> str | None:
        """The territories a dashboard of this scope compares side by side."""
        return {Level.NATIONAL: Level.REGION, Level.REGION: Level.DEPARTEMENT}.get(self.level)

    @property
    def title(self) -> str:
        if self.level == Level.NATIONAL:
            return self.name
        if self.level == Level.REGION:
            return f"Région {self.name}"
        if self.level == Level.DLA:
            return self.name
        return f"{self.name} ({self.code})"

    def to_dict(self) -> dict[str, str]:
        return {"level": self.level, "code": self.code}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        level = data.get("level", Level.NATIONAL)
        if level == Level.REGION:
            return cls.for_region(Region.objects.get(code=data["code"]))
        if level == Level.DEPARTEMENT:
            return cls.for_departement(Departement.objects.get(code=data["code"]))
        if level == Level.DLA:
            return cls.for_dla(Dla.objects.get(pk=int(data["code"])))
        return cls.national()


def load_territory(user: Any) -> Any:
    """Fetch the user's DLA, or funding body, with its region and department in one query
    (cached on the user)."""
    from territoires.models import Dla, Financeur

    if getattr(user, "dla_id", None) and "dla" not in user._state.fields_cache:
        user.dla = Dla.objects.select_related("region", "departement").get(pk=user.dla_id)
    if getattr(user, "financeur_id", None) and "financeur" not in user._state.fields_cache:
        user.financeur = Financeur.objects.select_related("region", "departement__region").get(
            pk=user.financeur_id
        )
    return user


def default_scope(user: Any) -> Scope:
    try:
        territory = policy.home_territory(user)
    except LookupError:
        raise Http404("Aucun territoire à afficher.") from None
    if territory is None:
        return Scope.national()
    if isinstance(territory, Region):
        return Scope.for_region(territory)
    return Scope.for_departement(territory)


def may_read(user: Any, scope: Scope) -> bool:
    """Read wide, write narrow: officers their department, coordinators their region."""
    if scope.level == Level.NATIONAL:
        return policy.may_read_national(user)
    if scope.level == Level.REGION:
        return policy.may_read_region(user, scope.pk)
    if scope.level == Level.DLA:
        # A DLA's figures are read with its region's.
        return policy.may_read_region(user, scope.region_pk)
    return policy.may_read_departement(user, scope.pk, scope.region_pk)


def _is_code(value: str) -> bool:
    """An INSEE code ("35", "2A", "974") or nothing asked ("": the person's own territory);
    anything else names no territory, unqueried."""
    return not value or (len(value) <= 3 and value.isascii() and value.isalnum())


def resolve_scope(user: Any, *, region: str = "", departement: str = "") -> Scope:
    """The scope a request asks for; out of the user's territory is a 404, never a clamp."""
    load_territory(user)
    if not _is_code(region) or not _is_code(departement):
        raise Http404("Ce territoire n'existe pas.")
    scope: Scope | None
    if departement:
        found_departement = Departement.objects.filter(code=departement).first()
        scope = Scope.for_departement(found_departement) if found_departement else None
    elif region:
        found_region = Region.objects.filter(code=region).first()
        scope = Scope.for_region(found_region) if found_region else None
    else:
        scope = default_scope(user)
    if scope is None or not may_read(user, scope):
        raise Http404("Ce territoire n'est pas dans votre périmètre.")
    return scope
