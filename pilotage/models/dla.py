"""A DLA seen from the steering side: the page of its conventions, budget and objectives."""

from territoires.models import Dla
from territoires.scope import ScopedQuerySet, ScopeFields


class DlaPilotageQuerySet(ScopedQuerySet):
    # Members write their own DLA's steering; the department's and region's readers
    # read it; a funder reads the DLAs its body funds.
    scope_fields = ScopeFields(
        region="region",
        departement="departement",
        dla="id",
        financeur="convention_years__contributions__financeur",
    )


class DlaPilotage(Dla):
    objects = DlaPilotageQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "pilotage d'un DLA"
        verbose_name_plural = "pilotage des DLA"
