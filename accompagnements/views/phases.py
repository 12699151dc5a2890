"""Each phase's forms: diagnostic, plan and actions, ingénieries, follow-up checkpoints."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from territoires.access import get_editable_or_403, get_visible_or_404
from webinput.tables import plain_selects

from ..forms import (
    DiagnosticAxisFormSet,
    DiagnosticForm,
    FollowUpForm,
    IngenierieCreateForm,
    IngenierieForm,
    ParcoursForm,
    PlanActionForm,
    ProposalForm,
)
from ..models import Diagnostic, FollowUp, Ingenierie, Parcours, PlanAction
from ..services.diagnostic import save_diagnostic
from ..services.ingenierie import (
    add_proposal,
    create_ingenierie,
    mark_informed,
    remove_proposal,
    save_ingenierie,
    update_proposal,
)
from ..services.parcours import next_position, remove_action, save_action, save_parcours
from ..services.suivi import record_followup
from .common import editable_case, related_or_none, render_form


def diagnostic_edit(request, pk):
    case = editable_case(request, pk)
    # Not written yet: an unsaved diagnostic, created by the first POST.
    diagnostic = related_or_none(case, "diagnostic") or Diagnostic(accompagnement=case)
    form = DiagnosticForm(request.POST or None, instance=diagnostic)
    formset = DiagnosticAxisFormSet(request.POST or None, instance=diagnostic, prefix="axes")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        save_diagnostic(case, form.save(commit=False), formset.save(commit=False), by=request.user)
        messages.success(request, "Diagnostic enregistré.")
        return redirect(case)
    return render_form(
        request,
        title=f"Diagnostic partagé - {case.structure}",
        form=form,
        formset=formset,
        formset_title="Axes du diagnostic",
        formset_grid=True,
        back_url=case.get_absolute_url(),
    )


def parcours_edit(request, pk):
    case = editable_case(request, pk)
    parcours = related_or_none(case, "parcours") or Parcours(accompagnement=case)
    form = ParcoursForm(request.POST or None, instance=parcours)
    if request.method == "POST" and form.is_valid():
        save_parcours(case, form.save(commit=False), by=request.user)
        messages.success(request, "Parcours enregistré.")
        return redirect(case)
    return render_form(
        request,
        title=f"Parcours d'accompagnement - {case.structure}",
        form=form,
        back_url=case.get_absolute_url(),
    )


def action_edit(request, pk, action_pk=None):
    case = editable_case(request, pk)
    action = (
        get_object_or_404(case.plan_actions, pk=action_pk)
        if action_pk
        else PlanAction(accompagnement=case, position=next_position(case))
    )
    form = PlanActionForm(request.POST or None, instance=action, user=request.user, case=case)
    if request.method == "POST" and form.is_valid():
        save_action(case, form.save(commit=False), by=request.user)
        messages.success(request, "Action enregistrée.")
        return redirect(case)
    return render_form(
        request,
        title="Action du parcours",
        form=form,
        back_url=case.get_absolute_url(),
    )


@require_POST
def action_delete(request, pk, action_pk):
    case = editable_case(request, pk)
    action = get_object_or_404(case.plan_actions, pk=action_pk)
    remove_action(action, by=request.user)
    messages.success(request, "Action retirée du parcours.")
    return redirect(case)


def ingenierie_create(request, pk):
    """A new ingénierie commissioned by the case's DLA, added to the case's plan."""
    case = editable_case(request, pk)
    form = IngenierieCreateForm(request.POST or None, instance=Ingenierie(dla=case.dla))
    if request.method == "POST" and form.is_valid():
        ingenierie = create_ingenierie(case, form.save(commit=False), by=request.user)
        messages.success(request, "Ingénierie ajoutée au parcours.")
        return redirect(ingenierie_url(ingenierie))
    return render_form(
        request,
        title=f"Nouvelle ingénierie - {case.structure}",
        form=form,
        back_url=case.get_absolute_url(),
    )


def ingenierie_url(ingenierie):
    return reverse("accompagnements:ingenierie", args=[ingenierie.pk])


def _ingenierie_queryset():
    return Ingenierie.objects.select_related("dla", "selected_prestataire")


def funding_summary(ingenierie, lines) -> dict:
    """The total row and what remains to fund (cost − total), from the lines shown.

    The lines that count are those of ``Funding.LIVE`` (the budget's and the cost
    check's rule). A cancelled ingénierie commits nothing in the budget; its page still
    adds its lines.
    """
    total = sum((line.amount for line in lines if line.commits_money), Decimal("0.00"))
    remaining = None if ingenierie.cost is None else ingenierie.cost - total
    overrun = -remaining if remaining is not None and remaining < 0 else None
    return {"funding_total": total, "funding_remaining": remaining, "funding_overrun": overrun}


def ingenierie_detail(request, pk):
    ingenierie = get_visible_or_404(_ingenierie_queryset(), request.user, pk=pk)
    writable = Ingenierie.objects.editable_by(request.user).filter(pk=pk).exists()
    # Commitments of the fund are written by pilotage (its check, its journal).
    fundings = list(ingenierie.fundings.select_related("corrects"))
    context = {
        "ingenierie": ingenierie,
        "writable": writable,
        "cases": ingenierie.accompagnements.visible_to(request.user).select_related("structure"),
        "proposals": ingenierie.proposals.select_related("prestataire"),
        "fundings": fundings,
        **funding_summary(ingenierie, fundings),
        # Its consultants' options written without a template each (the same HTML).
        "proposal_form": (
            plain_selects(ProposalForm(user=request.user, ingenierie=ingenierie))
            if writable
            else None
        ),
        # Documents live in dossiers (above this app): read through the reverse relation.
        "documents": ingenierie.documents.alive().prefetch_related(
            Prefetch("versions", to_attr="all_versions")
        ),
        "document_add_url": (
            reverse("dossiers:add_to_ingenierie", args=[ingenierie.pk]) if writable else ""
        ),
        "paperwork": [
            ("cahier_des_charges", "Cahier des charges (PDF)"),
            ("cahier_des_charges_odt", "Cahier des charges modifiable (ODT)"),
            ("pv_selection", "PV de sélection (PDF)"),
        ],
    }
    return render(request, "accompagnements/ingenierie.html", context)


def ingenierie_edit(request, pk):
    ingenierie = get_editable_or_403(_ingenierie_queryset(), request.user, pk=pk)
    form = IngenierieForm(request.POST or None, instance=ingenierie, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            save_ingenierie(form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Ingénierie enregistrée.")
            return redirect(ingenierie_url(ingenierie))
    return render_form(
        request, title=f"Ingénierie - {ingenierie}", form=form, back_url=ingenierie_url(ingenierie)
    )


@require_POST
def proposal_add(request, pk):
    ingenierie = get_editable_or_403(_ingenierie_queryset(), request.user, pk=pk)
    form = ProposalForm(request.POST, user=request.user, ingenierie=ingenierie)
    if form.is_valid():
        try:
            add_proposal(ingenierie, form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Proposition enregistrée.")
            return redirect(ingenierie_url(ingenierie))
    return render_form(request, title="Proposition", form=form, back_url=ingenierie_url(ingenierie))


def proposal_edit(request, pk, proposal_pk):
    """Correct a proposal (its history keeps the previous values)."""
    ingenierie = get_editable_or_403(_ingenierie_queryset(), request.user, pk=pk)
    proposal = get_object_or_404(ingenierie.proposals, pk=proposal_pk)
    form = ProposalForm(
        request.POST or None, instance=proposal, user=request.user, ingenierie=ingenierie
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_proposal(form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Proposition corrigée.")
            return redirect(ingenierie_url(ingenierie))
    return render_form(
        request,
        title=f"Proposition de {proposal.prestataire}",
        form=form,
        back_url=ingenierie_url(ingenierie),
    )


@require_POST
def proposal_remove(request, pk, proposal_pk):
    ingenierie = get_editable_or_403(_ingenierie_queryset(), request.user, pk=pk)
    proposal = get_object_or_404(ingenierie.proposals, pk=proposal_pk)
    try:
        remove_proposal(proposal, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Proposition de {proposal.prestataire} retirée.")
    return redirect(ingenierie_url(ingenierie))


@require_POST
def proposal_informed(request, pk, proposal_pk):
    ingenierie = get_editable_or_403(_ingenierie_queryset(), request.user, pk=pk)
    proposal = get_object_or_404(ingenierie.proposals, pk=proposal_pk)
    mark_informed(proposal, by=request.user)
    messages.success(request, "Le prestataire est noté comme informé de la décision.")
    return redirect(ingenierie_url(ingenierie))


def followup_add(request, pk):
    case = editable_case(request, pk)
    structure = case.structure
    form = FollowUpForm(
        request.POST or None,
        instance=FollowUp(accompagnement=case),
        initial={
            "headcount": structure.headcount,
            "fte": structure.fte,
            "cdi_count": structure.cdi_count,
            "cdd_count": structure.cdd_count,
            "budget": structure.budget,
        },
    )
    if request.method == "POST" and form.is_valid():
        record_followup(case, form.save(commit=False), by=request.user)
        messages.success(request, "Point de suivi enregistré.")
        return redirect(case)
    return render_form(
        request,
        title=f"Point de suivi - {case.structure}",
        form=form,
        back_url=case.get_absolute_url(),
    )
