"""Lists' CPU before/after issue 18, measured alternately in one process (same noise).

    DJANGO_SETTINGS_MODULE=dla_suivi.settings.dev DEBUG=false \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dla_bench \\
    .venv/bin/python -m benchmarks.ab_lists 10

A: django-tables2's per-cell rendering and Django's select templates; B: the
tables' ``html_rows`` and ``plain_selects`` (webinput.tables). For each list, N
requests of each, alternated, as the same persona; prints the CPU medians
(``time.process_time``). Same HTML both ways (the rows are checked equal by
tests/webinput/test_tables.py on small data).
"""

import statistics
import sys
import time

import django

PAGES = [
    ("/accompagnements/", "charge35"),
    ("/accompagnements/", "national"),
    ("/structures/", "charge35"),
    ("/structures/", "national"),
    ("/structures/?q=rennes", "national"),
]


def main():
    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    import accompagnements.views.cases as case_views
    import structures.views.register as structure_views
    from accompagnements.tables import AccompagnementTable
    from accounts.models import User
    from structures.tables import StructureTable
    from webinput.tables import plain_selects

    def use(new):
        case_views.plain_selects = structure_views.plain_selects = (
            plain_selects if new else (lambda form: form)
        )
        AccompagnementTable._meta.template_name = (
            "accompagnements/_table.html" if new else "components/table.html"
        )
        StructureTable._meta.template_name = (
            "structures/_table.html" if new else "django_tables2/table.html"
        )

    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        for url, persona in PAGES:
            client = Client()
            client.force_login(User.objects.get(username=persona))
            cpu = {False: [], True: []}
            for new in (False, True):  # warm-up
                use(new)
                client.get(url)
            for _ in range(requests):
                for new in (False, True):
                    use(new)
                    started = time.process_time()
                    assert client.get(url).status_code == 200
                    cpu[new].append(time.process_time() - started)
            before, after = (statistics.median(cpu[k]) * 1000 for k in (False, True))
            print(
                f"{url:24} {persona:10} CPU median before {before:6.1f} ms  "
                f"after {after:6.1f} ms  ({after / before:.2f}x)",
                flush=True,
            )
        use(True)


if __name__ == "__main__":
    main()
