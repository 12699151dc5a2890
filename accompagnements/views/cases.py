"""Cases: list, workboard, case page, opening a case and moving it between phases."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from structures.continuity import dlas_holding_hidden_open_cases
from structures.models import Structure
from territoires import policy
from territoires.access import get_visible_or_404
from webinput.lists import configure_table
from webinput.tables import plain_selects

from ..filters import AccompagnementFilter
from ..forms import CaseForm, OpenCaseForm, TransitionForm
from ..models import Accompagnement, State
from ..services import (
    TRANSITIONS,
    CaseAlreadyOpen,
    Conflict,
    ReasonRequired,
    TransitionRefused,
    advance,
    available_transitions,
    missing_for,
    open_case,
    update_case,
)
from ..tables import AccompagnementTable
from ..workboard import phases as workboard_phases
from .case_file import case_file_context, my_pending_tasks
from .common import (
    editable_case,
    mark_readable_comites,
    prefetch_case_page,
    related_or_none,
    render_form,
    visible_case_page,
)
from .outside import outside_actions

# The forward transitions of each phase, to explain what is missing before them.
NEXT_STEPS = {
    State.DIAGNOSTIC: ["start_parcours"],
    State.PARCOURS: ["start_coordination", "skip_to_suivi"],
    State.COORDINATION: ["start_suivi"],
    State.SUIVI: ["close"],
}


def case_list(request):
    queryset = Accompagnement.objects.visible_to(request.user).for_lists()
    filterset = AccompagnementFilter(
        request.GET or None, queryset=queryset, user=request.user, open_by_default=True
    )
    plain_selects(filterset.form)  # same HTML, options written without a template each
    table = AccompagnementTable(filterset.qs)
    configure_table(request, table, per_page=50)
    return render(request, "accompagnements/list.html", {"filter": filterset, "table": table})


def workboard(request):
    """My open cases by phase, with time in phase and overdue flags."""
    phases = workboard_phases(request.user, timezone.now())
    return render(
        request,
        "accompagnements/workboard.html",
        {"phases": phases, "tasks": my_pending_tasks(request.user)},
    )


def case_detail(request, pk):
    # The timeline and what was sent outside the DLA are fragments (views.case_fragments).
    case = visible_case_page(request, pk)
    prefetch_case_page(case)
    mark_readable_comites(case, request.user)
    writable = case.is_writable_by(request.user)
    transitions = available_transitions(case, request.user) if writable else []
    transition_forms = [
        (
            name,
            label,
            TransitionForm(
                transition=name,
                user=request.user,
                case=case,
                initial={"expected_state": case.state},
                prefix=name,
            ),
        )
        for name, label in transitions
    ]
    blocked = []
    if writable:
        available = {name for name, _ in transitions}
        for name in NEXT_STEPS.get(case.state, []):
            if name not in available:
                blocked.append((TRANSITIONS[name], missing_for(case, name)))
    context = {
        "case": case,
        "writable": writable,
        "editable": writable and case.is_open,
        "transition_forms": transition_forms,
        "blocked": blocked,
        "diagnostic": related_or_none(case, "diagnostic"),
        "parcours": related_or_none(case, "parcours"),
        "ingenieries": _ingenieries(case),
        **outside_actions(case, writable=writable),
        **case_file_context(request, case, writable=writable, extra_transitions=transitions),
    }
    return render(request, "accompagnements/detail.html", context)


def _ingenieries(case):
    seen = {}
    for action in case.actions:
        if action.ingenierie is not None:
            seen.setdefault(action.ingenierie.pk, action.ingenierie)
    return list(seen.values())


@require_POST
def case_transition(request, pk, name):
    # Access only (404 out of scope, 403 read-only); advance() alone decides the transition.
    case = editable_case(request, pk, must_be_open=False)
    form = TransitionForm(request.POST, transition=name, user=request.user, case=case, prefix=name)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label} : {error}" if label else error)
        return redirect(case)
    try:
        case = advance(
            case,
            name,
            by=request.user,
            comment=form.cleaned_data["comment"],
            expected_state=form.cleaned_data["expected_state"],
            **form.params(),
        )
    except TransitionRefused as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, f"L'accompagnement est désormais en phase « {case.get_state_display()} »."
        )
    return redirect(case)


def case_create(request, structure_pk):
    structure = get_visible_or_404(Structure.objects.all(), request.user, pk=structure_pk)
    if not policy.may_open_case(request.user, structure):
        raise PermissionDenied("Vous ne pouvez pas ouvrir d'accompagnement pour cette structure.")
    form = OpenCaseForm(
        request.POST or None,
        initial={"opened_on": timezone.localdate()},
        needs_reason=policy.case_opening_needs_reason(request.user, structure),
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = open_case(structure, by=request.user, **form.cleaned_data)
        except CaseAlreadyOpen as exc:
            form.add_error(None, str(exc))
        except ReasonRequired as exc:
            form.add_error("reason" if "reason" in form.fields else None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Accompagnement ouvert : phase d'accueil.")
            return redirect(case)
    current = Accompagnement.objects.visible_to(request.user).open().filter(structure=structure)
    return render_form(
        request,
        title=f"Ouvrir un accompagnement pour {structure}",
        form=form,
        back_url=reverse("accompagnements:list"),
        submit="Ouvrir l'accompagnement",
        open_case=current.first(),
        open_elsewhere=dlas_holding_hidden_open_cases(structure, request.user),
    )


def case_edit(request, pk):
    case = editable_case(request, pk)
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            update_case(form.save(commit=False), by=request.user)
        except Conflict as conflict:
            # The phase changed since the page was loaded: nothing was written.
            for message in conflict.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Demande enregistrée.")
        return redirect(case)
    return render_form(
        request, title=f"Demande – {case.structure}", form=form, back_url=case.get_absolute_url()
    )


def structure_cases(request, structure_pk):
    """The cases of one structure over the years (for the structure page's link)."""
    structure = get_object_or_404(Structure.objects.visible_to(request.user), pk=structure_pk)
    cases = Accompagnement.objects.visible_to(request.user).filter(structure=structure)
    return render(
        request,
        "accompagnements/structure_cases.html",
        {
            "structure": structure,
            "cases": cases.for_lists(),
            "can_open": policy.may_open_case(request.user, structure),
        },
    )
