"""The case page's tasks (to do, done) as list items, written here rather than by a loop
of the template, which printed eight variables, two addresses, a date and a CSRF field
per task: a heavy case's ten tasks cost a tenth of its page's template time."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from webinput.markup import escaped
from webinput.reverse import reverse_children, reverse_pk, reverse_rows

from .models import Tache

_OVERDUE_CLASS = ' class="task--overdue"'
# Also the case list's (tables.py): one markup for « en retard ».
OVERDUE_BADGE = '<span class="badge badge--overdue">en retard</span>'


def _toggle(action: str, csrf_input: str, done: str, label: str, box: str) -> str:
    """The one-button form that marks a task done (``done`` "1") or to do again ("0")."""
    return (
        f'<form method="post" action="{action}" class="inline-form">{csrf_input}'
        f'<input type="hidden" name="done" value="{done}">'
        f'<button type="submit" class="link-button" aria-label="{label}">{box}</button></form>'
    )


def pending_items(
    tasks: Iterable[Tache],
    case_pk: int,
    *,
    writable: bool,
    csrf_input: str,
    today: datetime.date,
) -> SafeString:
    """A ``<li>`` per task to do: its title, due date, assignee, "en retard" when due
    before ``today`` (``Tache.overdue_on``), and when ``writable`` its box and edit link
    (``assignee`` read with the tasks)."""
    done_url = reverse_rows("accompagnements:tache_done", case_pk)
    edit_url = reverse_rows("accompagnements:tache_edit", case_pk)
    items = []
    for task in tasks:
        title = escaped(task.title)
        overdue = task.overdue_on(today)
        toggle = edit = ""
        if writable:
            label = f"Marquer « {title} » comme faite"
            toggle = _toggle(done_url(task.pk), csrf_input, "1", label, "☐")
            edit = f'<a href="{edit_url(task.pk)}">Modifier</a>'
        items.append(
            f"<li{_OVERDUE_CLASS if overdue else ''}>\n"
            f"      {toggle}\n"
            f"      <strong>{title}</strong> — pour le {task.due_on:%d/%m/%Y}, "
            f"{escaped(task.assignee)}\n"
            f"      {OVERDUE_BADGE if overdue else ''}\n"
            f"      {edit}\n"
            "    </li>"
        )
    return mark_safe("\n    ".join(items))  # titles and names escaped above


def done_items(
    tasks: Iterable[Tache], case_pk: int, *, writable: bool, csrf_input: str
) -> SafeString:
    """A ``<li>`` per task done: its title, the day it was done (Paris time) and by whom,
    and when ``writable`` the box that puts it back to do (``done_by`` read with them)."""
    done_url = reverse_rows("accompagnements:tache_done", case_pk)
    items = []
    for task in tasks:
        title = escaped(task.title)
        toggle = ""
        if writable:
            label = f"Remettre « {title} » à faire"
            toggle = _toggle(done_url(task.pk), csrf_input, "0", label, "☑")
        by = f" par {escaped(task.done_by)}" if task.done_by else ""
        items.append(
            f"<li>{toggle}\n"
            f"        {title} — faite le {timezone.localtime(task.done_at):%d/%m/%Y}{by}</li>"
        )
    return mark_safe("\n      ".join(items))  # titles and names escaped above


def person_rows(
    tasks: Iterable[Tache], *, csrf_input: str, from_page: str, today: datetime.date
) -> SafeString:
    """A person's tasks to do across cases as the rows of ``_tasks.html`` (home page,
    workboard, « Mes tâches »): due date, "en retard" before ``today``, title, the case's
    structure (``accompagnement__structure`` read with them) and the form that marks the
    task done, back to ``from_page`` when given. Written here rather than by the template's
    loop: its two ``{% url %}``, date filter and CSRF field a row cost ~0.28 ms a task."""
    done_url = reverse_children("accompagnements:tache_done")
    back = f'<input type="hidden" name="from" value="{escaped(from_page)}">' if from_page else ""
    rows = []
    for task in tasks:
        overdue = task.overdue_on(today)
        case_url = reverse_pk("accompagnements:detail", task.accompagnement_id)
        structure = escaped(task.accompagnement.structure)
        rows.append(
            f"<tr{' class="row--overdue"' if overdue else ''}>\n"
            f"    <td>{task.due_on:%d/%m/%Y}{' ' + OVERDUE_BADGE if overdue else ''}</td>\n"
            f"    <td>{escaped(task)}</td>\n"
            f'    <td><a href="{case_url}#taches">{structure}</a></td>\n'
            f'    <td><form method="post" action="{done_url(task.accompagnement_id, task.pk)}" '
            f'class="inline-form">{csrf_input}<input type="hidden" name="done" value="1">{back}'
            '<button type="submit" class="link-button">Marquer comme faite</button></form></td>\n'
            "  </tr>"
        )
    if not rows:
        rows.append('<tr><td colspan="4" class="empty">Aucune tâche à faire.</td></tr>')
    return mark_safe("\n  ".join(rows))  # titles and names escaped above
