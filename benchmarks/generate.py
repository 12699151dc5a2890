"""New structures as rows of an import file, drawn by the demo app's generator.

Shared by the import benchmark of ``make bench`` and ``make bench-structures``:
the same generator as the seeding (``demo.structures.build_structure``), so the
imported rows look like the register (names, communes, sizes, valid SIRETs).
"""

from collections.abc import Iterator, Sequence

from faker import Faker

from demo.config import Rng
from demo.structures import build_structure, random_siret
from structures.importing import COLUMNS
from structures.models import Structure
from territoires.models import Departement

HEADERS = [c.header for c in COLUMNS]


def new_structure_rows(
    count: int, seed: int, departements: Sequence[Departement]
) -> Iterator[list[str]]:
    """``count`` rows of structures absent from the database, in ``departements``."""
    rng, fake = Rng(seed), Faker("fr_FR")
    fake.seed_instance(seed)
    used = set(Structure.objects.exclude(siret="").values_list("siret", flat=True))
    code_by_id = {d.pk: d.code for d in departements}
    for _ in range(count):
        structure = build_structure(rng, fake, rng.choice(departements), used)
        # A row needs a SIRET or an RNA to be matched again: give every row a SIRET.
        structure.siret = structure.siret or random_siret(rng, used)
        values = {
            "departement": code_by_id[structure.departement_id],
            "fte": str(structure.fte).replace(".", ","),
        }
        row = []
        for column in COLUMNS:
            # Not ``values.get(field, getattr(...))``: the default would read
            # ``structure.departement``, one query per row.
            value = (
                values[column.field]
                if column.field in values
                else getattr(structure, column.field, "")
            )
            if isinstance(value, bool):
                value = "oui" if value else "non"
            row.append("" if value is None else str(value))
        yield row
