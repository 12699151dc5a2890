"""Committing the ingénierie fund from an ingénierie: new line, correction, cancellation.

The page shows the fund of the funder's convention year before the person commits;
a commitment beyond it comes back with the figures and a box to confirm.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from accompagnements.models import Funding, Ingenierie
from territoires.access import get_editable_or_403

from .. import budget, services
from ..forms import CancellationForm, CommitmentForm, CorrectionForm
from ..services.engagements import convention_year_on
from .common import refuse, render_form


def _ingenierie_url(ingenierie) -> str:
    return reverse("accompagnements:ingenierie", args=[ingenierie.pk])


def _fund(ingenierie, day):
    year = convention_year_on(ingenierie.dla_id, day) if day else None
    return year, budget.balance(year) if year else None


def engagement_add(request, pk):
    ingenierie = get_editable_or_403(Ingenierie.objects.select_related("dla"), request.user, pk=pk)
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.commit(ingenierie, by=request.user, **data)
        except services.CommitmentRefused as refused:
            refuse(form, refused)
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Financement engagé.")
            return redirect(_ingenierie_url(ingenierie))
    day = form.cleaned_data.get("committed_on") if form.is_bound and form.is_valid() else None
    year, balance = _fund(ingenierie, day or form.fields["committed_on"].initial())
    return render_form(
        request,
        title=f"Engager un financement — {ingenierie}",
        form=form,
        back_url=_ingenierie_url(ingenierie),
        submit="Engager",
        fund_year=year,
        balance=balance,
    )


def _line(request, pk) -> Funding:
    line = get_object_or_404(Funding.objects.select_related("ingenierie"), pk=pk)
    # The line is reached through its ingénierie: out of scope is a 404, read-only a 403.
    get_editable_or_403(Ingenierie.objects.all(), request.user, pk=line.ingenierie_id)
    return line


def engagement_correct(request, pk):
    line = _line(request, pk)
    form = CorrectionForm(request.POST or None)
    back = _ingenierie_url(line.ingenierie)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_line(line, by=request.user, **form.cleaned_data)
        except services.CommitmentRefused as refused:
            refuse(form, refused)
        else:
            messages.success(request, "Correction enregistrée.")
            return redirect(back)
    year, balance = _fund(line.ingenierie, line.committed_on)
    return render_form(
        request,
        title=f"Corriger la ligne {line} du {line.committed_on:%d/%m/%Y}",
        form=form,
        back_url=back,
        fund_year=year,
        balance=balance,
    )


def engagement_cancel(request, pk):
    line = _line(request, pk)
    form = CancellationForm(request.POST or None)
    back = _ingenierie_url(line.ingenierie)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_line(line, by=request.user, **form.cleaned_data)
        except services.CommitmentRefused as refused:
            refuse(form, refused)
        else:
            messages.success(request, "Ligne annulée : le montant revient au fonds.")
            return redirect(back)
    return render_form(
        request,
        title=f"Annuler la ligne {line}",
        form=form,
        back_url=back,
        submit="Annuler la ligne",
    )
