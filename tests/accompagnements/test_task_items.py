"""The case page's tasks, written in Python (accompagnements/task_items.py): the HTML the
template printed, worked out by hand."""

import datetime
import re

from accompagnements.models import Tache
from accompagnements.services.echanges import add_task, set_task_done
from accompagnements.task_items import done_items, pending_items
from tests.accompagnements.factories import AccompagnementFactory

CSRF = '<input type="hidden" name="csrfmiddlewaretoken" value="T">'


def _task(case, by, title, due_on):
    return add_task(case, by=by, title=title, due_on=due_on, assignee=by)


def test_tasks_to_do_show_due_date_assignee_lateness_and_their_forms(personas):
    officer = personas.officer_a
    officer.first_name, officer.last_name = "Anne", "L'Hénaff"
    officer.save()
    case = AccompagnementFactory(officer=officer)
    late = _task(case, officer, "Relancer <la> trésorière", datetime.date(2026, 11, 30))
    due = _task(case, officer, "Préparer le comité", datetime.date(2026, 12, 1))
    tasks = list(Tache.objects.filter(pk__in=[late.pk, due.pk]).order_by("pk"))

    written = pending_items(
        tasks, case.pk, writable=True, csrf_input=CSRF, today=datetime.date(2026, 12, 1)
    )

    def form(task, title):
        return (
            f'<form method="post" action="/accompagnements/{case.pk}/taches/{task.pk}/fait/"'
            f' class="inline-form">{CSRF}<input type="hidden" name="done" value="1">'
            '<button type="submit" class="link-button"'
            f' aria-label="Marquer « {title} » comme faite">☐</button></form>'
        )

    edit = f'<a href="/accompagnements/{case.pk}/taches/{{}}/">Modifier</a>'
    late_title = "Relancer &lt;la&gt; trésorière"
    assert written == (
        '<li class="task--overdue">\n'
        f"      {form(late, late_title)}\n"
        f"      <strong>{late_title}</strong> — pour le 30/11/2026, Anne L&#x27;Hénaff\n"
        '      <span class="badge badge--overdue">en retard</span>\n'
        f"      {edit.format(late.pk)}\n"
        "    </li>\n    "
        # Due today is not late.
        "<li>\n"
        f"      {form(due, 'Préparer le comité')}\n"
        "      <strong>Préparer le comité</strong> — pour le 01/12/2026, Anne L&#x27;Hénaff\n"
        "      \n"
        f"      {edit.format(due.pk)}\n"
        "    </li>"
    )
    # Read only: neither the box nor the edit link.
    read_only = pending_items(
        tasks[1:], case.pk, writable=False, csrf_input="", today=datetime.date(2026, 12, 1)
    )
    assert read_only == (
        "<li>\n      \n"
        "      <strong>Préparer le comité</strong> — pour le 01/12/2026, Anne L&#x27;Hénaff\n"
        "      \n      \n    </li>"
    )


def test_tasks_done_show_the_paris_day_and_who_did_them(personas):
    officer = personas.officer_a
    case = AccompagnementFactory(officer=officer)
    by_someone = set_task_done(
        _task(case, officer, "Envoyer la convention", datetime.date(2026, 11, 2)),
        by=officer,
        done=True,
    )
    by_nobody = _task(case, officer, "Archiver", datetime.date(2026, 11, 3))
    # 23:30 UTC on 30 November is 1 December in Paris; done by nobody recorded (import).
    Tache.objects.filter(pk=by_someone.pk).update(
        done_at=datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)
    )
    Tache.objects.filter(pk=by_nobody.pk).update(
        done_at=datetime.datetime(2026, 11, 30, 22, 59, tzinfo=datetime.UTC)
    )
    tasks = list(Tache.objects.filter(accompagnement=case).order_by("pk"))

    written = done_items(tasks, case.pk, writable=True, csrf_input=CSRF)

    action = f"/accompagnements/{case.pk}/taches/{by_someone.pk}/fait/"
    assert written.startswith(
        f'<li><form method="post" action="{action}" class="inline-form">{CSRF}'
        '<input type="hidden" name="done" value="0"><button type="submit" class="link-button"'
        ' aria-label="Remettre « Envoyer la convention » à faire">☑</button></form>\n'
        f"        Envoyer la convention — faite le 01/12/2026 par {officer.get_full_name()}</li>"
    )
    assert written.endswith("        Archiver — faite le 30/11/2026</li>")
    assert done_items(tasks[1:], case.pk, writable=False, csrf_input="") == (
        "<li>\n        Archiver — faite le 30/11/2026</li>"
    )


def test_the_case_page_lists_tasks_with_working_forms(client_for, personas):
    officer = personas.officer_a
    case = AccompagnementFactory(officer=officer)
    client = client_for(officer)
    assert "Aucune tâche à faire." in client.get(case.get_absolute_url()).text

    task = _task(case, officer, "Appeler la présidente", datetime.date(2026, 12, 1))
    page = client.get(case.get_absolute_url()).text
    assert "<strong>Appeler la présidente</strong>" in page
    assert "Aucune tâche à faire." not in page
    assert "Tâches faites" not in page
    # The form's CSRF field is the request's: posting the box with it marks the task done.
    token = re.search(
        rf'action="/accompagnements/{case.pk}/taches/{task.pk}/fait/" class="inline-form">'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">',
        page,
    )
    assert token is not None
    client.handler.enforce_csrf_checks = True
    client.post(
        f"/accompagnements/{case.pk}/taches/{task.pk}/fait/",
        {"done": "1", "csrfmiddlewaretoken": token.group(1)},
    )
    task.refresh_from_db()
    assert task.done_by == officer
    page = client.get(case.get_absolute_url()).text
    assert "Tâches faites (1)" in page
    assert "Aucune tâche à faire." in page


def test_a_persons_tasks_across_cases_are_rows_with_their_case_and_form(personas):
    """Home page, workboard and « Mes tâches » (``_tasks.html``): a row per task of any
    case, late ones marked, the case's structure escaped, the form back to ``from``."""
    from accompagnements.task_items import person_rows

    officer = personas.officer_a
    first = AccompagnementFactory(officer=officer, structure__name="Café <Les> Amis")
    second = AccompagnementFactory(officer=officer, structure__name="Théâtre du Pré")
    late = _task(first, officer, "Relancer <la> trésorière", datetime.date(2026, 11, 30))
    due = _task(second, officer, "Préparer le comité", datetime.date(2026, 12, 1))
    today = datetime.date(2026, 12, 1)

    def form(case, task, back=""):
        return (
            f'<form method="post" action="/accompagnements/{case.pk}/taches/{task.pk}/fait/"'
            f' class="inline-form">{CSRF}<input type="hidden" name="done" value="1">{back}'
            '<button type="submit" class="link-button">Marquer comme faite</button></form>'
        )

    back = '<input type="hidden" name="from" value="taches">'
    written = person_rows([late, due], csrf_input=CSRF, from_page="taches", today=today)
    assert written == (
        '<tr class="row--overdue">\n'
        '    <td>30/11/2026 <span class="badge badge--overdue">en retard</span></td>\n'
        "    <td>Relancer &lt;la&gt; trésorière</td>\n"
        f'    <td><a href="/accompagnements/{first.pk}/#taches">Café &lt;Les&gt; Amis</a></td>\n'
        f"    <td>{form(first, late, back)}</td>\n"
        "  </tr>\n  "
        # Due today is not late.
        "<tr>\n"
        "    <td>01/12/2026</td>\n"
        "    <td>Préparer le comité</td>\n"
        f'    <td><a href="/accompagnements/{second.pk}/#taches">Théâtre du Pré</a></td>\n'
        f"    <td>{form(second, due, back)}</td>\n"
        "  </tr>"
    )
    # From the home page or the workboard: no way back to ask for.
    home = person_rows([due], csrf_input=CSRF, from_page="", today=today)
    assert f"<td>{form(second, due)}</td>" in home
    assert person_rows([], csrf_input="", from_page="", today=today) == (
        '<tr><td colspan="4" class="empty">Aucune tâche à faire.</td></tr>'
    )
