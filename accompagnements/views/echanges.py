"""Exchanges and tasks of a case; the officer's task list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..forms_echanges import EchangeForm, TacheForm
from ..models import Tache
from ..services.echanges import add_task, log_exchange, set_task_done, update_exchange, update_task
from .common import editable_case, render_form


def _case_url(case, anchor: str) -> str:
    return reverse("accompagnements:detail", args=[case.pk]) + f"#{anchor}"


def echange_edit(request, pk, echange_pk=None):
    """Log a new exchange, or correct one (kept in its history)."""
    case = editable_case(request, pk, must_be_open=False)
    echange = get_object_or_404(case.echanges, pk=echange_pk) if echange_pk else None
    form = EchangeForm(request.POST or None, instance=echange, case=case, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if echange is None:
                log_exchange(case, by=request.user, **form.service_arguments())
            else:
                update_exchange(echange, by=request.user, **form.service_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Échange enregistré.")
            return redirect(_case_url(case, "timeline"))
    return render_form(
        request,
        title=f"{'Corriger l’échange' if echange else 'Nouvel échange'} - {case.structure}",
        form=form,
        back_url=_case_url(case, "timeline"),
    )


def tache_edit(request, pk, tache_pk=None):
    case = editable_case(request, pk, must_be_open=False)
    task = get_object_or_404(case.taches, pk=tache_pk) if tache_pk else None
    form = TacheForm(
        request.POST or None,
        instance=task,
        case=case,
        initial=None if task else {"assignee": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            if task is None:
                add_task(case, by=request.user, **form.service_arguments())
            else:
                update_task(task, by=request.user, **form.service_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Tâche enregistrée.")
            return redirect(_case_url(case, "taches"))
    return render_form(
        request,
        title=f"{'Modifier la tâche' if task else 'Nouvelle tâche'} - {case.structure}",
        form=form,
        back_url=_case_url(case, "taches"),
    )


@require_POST
def tache_done(request, pk, tache_pk):
    case = editable_case(request, pk, must_be_open=False)
    task = get_object_or_404(case.taches, pk=tache_pk)
    done = request.POST.get("done") == "1"
    set_task_done(task, by=request.user, done=done)
    messages.success(request, f"Tâche « {task} » {'faite' if done else 'à faire'}.")
    if request.POST.get("from") == "taches":
        return redirect("accompagnements:taches")
    return redirect(_case_url(case, "taches"))


def task_list(request):
    """My pending tasks across my cases, overdue first (then by due date)."""
    tasks = (
        Tache.objects.visible_to(request.user)
        .pending()
        .filter(assignee=request.user)
        .select_related("accompagnement__structure")
        .order_by("due_on", "pk")
    )
    return render(request, "accompagnements/taches.html", {"tasks": tasks})
