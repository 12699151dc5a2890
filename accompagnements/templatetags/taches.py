"""``{% load taches %}``: a person's tasks to do as table rows (``_tasks.html``)."""

from django import template
from django.template.backends.utils import csrf_input
from django.utils import timezone

from accompagnements import task_items

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_task_rows(context, tasks, from_page=""):
    """``task_items.person_rows`` with the request's CSRF field (only when there are
    tasks, as the template's loop asked for it) and today's date."""
    tasks = list(tasks)
    csrf = csrf_input(context.request) if tasks else ""
    return task_items.person_rows(
        tasks, csrf_input=csrf, from_page=from_page, today=timezone.localdate()
    )
