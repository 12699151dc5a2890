"""The structure list's count: a query of its own, or read with the page (``COUNT(*)
OVER ()``), measured alternately in one process (same noise), per persona.

    DJANGO_SETTINGS_MODULE=dla_suivi.settings.dev DEBUG=false \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dla_bench_x3 \\
    .venv/bin/python -m benchmarks.structure_count charge35 ca-59-1 coord-11-1 national

For each persona: how many structures its list holds, then the median and 90th
percentile of the page's SQL both ways (50 rounds after 10 of warm-up, so that each
query is prepared as the pages run it). ``structures.views.register.structure_list``
reads officers' counts with their page, everyone else's apart: this shows why.
"""

import statistics
import sys
import time

import django

ROUNDS, WARM_UP = 60, 10


def main():
    django.setup()
    from django.db.models import Count, Window

    from accounts.models import User
    from structures.models import Structure
    from structures.tables import StructureTable
    from territoires.collation import french_order

    for username in sys.argv[1:]:
        user = User.objects.get(username=username)
        # As the list reads its first page (structures.views.register.structure_list).
        page = (
            Structure.objects.visible_to(user)
            .select_related("departement")
            .only(*StructureTable.Meta.fields[:-1], "departement__code")
            .order_by(*french_order("name", "pk"))
        )

        def apart(page=page):
            list(page[:51])
            return page.count()

        def with_page(page=page):
            rows = list(page.annotate(rows_in_list=Window(Count("pk")))[:51])
            return rows[0].rows_in_list

        assert apart() == with_page()
        timings: dict[str, list[float]] = {"apart": [], "with_page": []}
        for round_ in range(ROUNDS):
            ways = [("apart", apart), ("with_page", with_page)]
            for name, way in ways if round_ % 2 else reversed(ways):
                start = time.perf_counter()
                way()
                timings[name].append((time.perf_counter() - start) * 1000)
        figures = ", ".join(
            f"{name} median {statistics.median(t[WARM_UP:]):.2f} ms "
            f"p90 {statistics.quantiles(t[WARM_UP:], n=10)[-1]:.2f} ms"
            for name, t in timings.items()
        )
        print(f"{username}: {apart()} structures; {figures}")


if __name__ == "__main__":
    main()
