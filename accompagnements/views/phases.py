"""Each phase's forms: diagnostic, plan and actions, ingénieries, follow-up checkpoints."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from territoires.access import get_editable_or_403, get_visible_or_404

from ..forms import (
    DiagnosticAxisFormSet,
    DiagnosticForm,
    FollowUpForm,
    FundingForm,
    IngenierieCreateForm,
    IngenierieForm,
    ParcoursForm,
    PlanActionForm,
    ProposalForm,
)
from ..models import (
    ActionKind,
    Axis,
    Diagnostic,
    DiagnosticAxis,
    Ingenierie,
    Parcours,
    PlanAction,
    Proposal,
)
from .common import editable_case, render_form


def diagnostic_edit(request, pk):
    case = editable_case(request, pk)
    diagnostic, _ = Diagnostic.objects.get_or_create(accompagnement=case)
    # Every axis of DOMAIN.md has its row, so the form always shows all ten.
    missing = set(Axis.values) - set(diagnostic.axes.values_list("axis", flat=True))
    DiagnosticAxis.objects.bulk_create(
        [DiagnosticAxis(diagnostic=diagnostic, axis=axis) for axis in missing]
    )
    form = DiagnosticForm(request.POST or None, instance=diagnostic)
    formset = DiagnosticAxisFormSet(
        request.POST or None,
        instance=diagnostic,
        queryset=diagnostic.axes.order_by("axis"),
        prefix="axes",
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            form.save()
            formset.save()
        messages.success(request, "Diagnostic enregistré.")
        return redirect(case)
    return render_form(
        request,
        title=f"Diagnostic partagé - {case.structure}",
        form=form,
        formset=formset,
        formset_title="Axes du diagnostic",
        back_url=case.get_absolute_url(),
    )


def parcours_edit(request, pk):
    case = editable_case(request, pk)
    parcours, _ = Parcours.objects.get_or_create(accompagnement=case)
    form = ParcoursForm(request.POST or None, instance=parcours)
    if request.method == "POST" and form.is_valid():
        form.save()
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
        else PlanAction(accompagnement=case, position=case.plan_actions.count() + 1)
    )
    form = PlanActionForm(request.POST or None, instance=action, user=request.user, case=case)
    if request.method == "POST" and form.is_valid():
        form.save()
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
    action.delete()
    messages.success(request, "Action retirée du parcours.")
    return redirect(case)


def ingenierie_create(request, pk):
    """A new ingénierie commissioned by the case's DLA, added to the case's plan."""
    case = editable_case(request, pk)
    form = IngenierieCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            ingenierie = form.save(commit=False)
            ingenierie.dla = case.dla
            ingenierie.save()
            PlanAction.objects.create(
                accompagnement=case,
                position=case.plan_actions.count() + 1,
                kind=ActionKind.INGENIERIE,
                title=ingenierie.title,
                ingenierie=ingenierie,
            )
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


def ingenierie_detail(request, pk):
    ingenierie = get_visible_or_404(_ingenierie_queryset(), request.user, pk=pk)
    writable = Ingenierie.objects.editable_by(request.user).filter(pk=pk).exists()
    context = {
        "ingenierie": ingenierie,
        "writable": writable,
        "cases": ingenierie.accompagnements.visible_to(request.user).select_related("structure"),
        "proposals": ingenierie.proposals.select_related("prestataire"),
        "fundings": ingenierie.fundings.all(),
        "proposal_form": (
            ProposalForm(user=request.user, ingenierie=ingenierie) if writable else None
        ),
        "funding_form": FundingForm() if writable else None,
    }
    return render(request, "accompagnements/ingenierie.html", context)


def ingenierie_edit(request, pk):
    ingenierie = get_editable_or_403(_ingenierie_queryset(), request.user, pk=pk)
    form = IngenierieForm(request.POST or None, instance=ingenierie, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
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
        proposal = form.save(commit=False)
        proposal.ingenierie = ingenierie
        proposal.save()
        messages.success(request, "Proposition enregistrée.")
        return redirect(ingenierie_url(ingenierie))
    return render_form(request, title="Proposition", form=form, back_url=ingenierie_url(ingenierie))


@require_POST
def proposal_informed(request, pk, proposal_pk):
    ingenierie = get_editable_or_403(_ingenierie_queryset(), request.user, pk=pk)
    proposal = get_object_or_404(ingenierie.proposals, pk=proposal_pk)
    Proposal.objects.filter(pk=proposal.pk).update(informed=True)
    messages.success(request, "Le prestataire est noté comme informé de la décision.")
    return redirect(ingenierie_url(ingenierie))


@require_POST
def funding_add(request, pk):
    ingenierie = get_editable_or_403(_ingenierie_queryset(), request.user, pk=pk)
    form = FundingForm(request.POST)
    if form.is_valid():
        funding = form.save(commit=False)
        funding.ingenierie = ingenierie
        funding.save()
        messages.success(request, "Financement enregistré.")
        return redirect(ingenierie_url(ingenierie))
    return render_form(request, title="Financement", form=form, back_url=ingenierie_url(ingenierie))


def followup_add(request, pk):
    case = editable_case(request, pk)
    structure = case.structure
    form = FollowUpForm(
        request.POST or None,
        initial={
            "headcount": structure.headcount,
            "fte": structure.fte,
            "cdi_count": structure.cdi_count,
            "cdd_count": structure.cdd_count,
            "budget": structure.budget,
        },
    )
    if request.method == "POST" and form.is_valid():
        followup = form.save(commit=False)
        followup.accompagnement = case
        followup.save()
        messages.success(request, "Point de suivi enregistré.")
        return redirect(case)
    return render_form(
        request,
        title=f"Point de suivi - {case.structure}",
        form=form,
        back_url=case.get_absolute_url(),
    )
