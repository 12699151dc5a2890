"""The consultant register: search and sort, a consultant's referencing page, merges."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accompagnements.models import Prestataire
from territoires import policy
from territoires.access import get_editable_or_403, get_visible_or_404
from webinput.lists import MAX_ID, bounded_int

from ..forms import AttestationForm, ReferencementForm, RegisterFilterForm
from ..models import Referencement
from ..services import register as services
from ..services.common import Refused


def register(request):
    form = RegisterFilterForm(
        request.GET or None, departements=policy.readable_departements(request.user)
    )
    rows = services.register(request.user)
    if form.is_valid():
        data = form.cleaned_data
        rows = services.search(
            rows,
            text=data["q"],
            competence=data["competence"],
            sector=data["sector"],
            departement=data["departement"],
            min_missions=data["min_missions"],
            expired_only=data["expired"],
            sort=data["tri"] or "nom",
        )
    else:
        rows = services.search(rows)
    return render(request, "espace/register.html", {"form": form, "rows": rows[:500]})


def prestataire(request, pk):
    consultant = get_visible_or_404(
        Prestataire.objects.select_related("dla", "region"), request.user, pk=pk
    )
    writable = Prestataire.objects.editable_by(request.user).filter(pk=pk).exists()
    referencement = Referencement.objects.filter(prestataire=consultant).first()
    departements = consultant.region.departements.all()
    initial = {}
    if referencement:
        initial = {
            "competences": Referencement.unpack(referencement.competences),
            "sectors": Referencement.unpack(referencement.sectors),
            "departements": list(referencement.departements.all()),
            "referenced_on": referencement.referenced_on,
            "renewal_on": referencement.renewal_on,
        }
    ref_form = ReferencementForm(prefix="r", initial=initial, departements=departements)
    att_form = AttestationForm(prefix="a")
    error = None
    if request.method == "POST":
        if not writable:
            raise PermissionDenied("Le registre est géré par le DLA régional.")
        try:
            if request.POST.get("action") == "attestation":
                att_form = AttestationForm(request.POST, prefix="a")
                if att_form.is_valid():
                    services.add_attestation(consultant, **att_form.cleaned_data)
                    messages.success(request, "Attestation enregistrée.")
                    return redirect("espace:prestataire", pk=pk)
            else:
                ref_form = ReferencementForm(request.POST, prefix="r", departements=departements)
                if ref_form.is_valid():
                    data = ref_form.cleaned_data
                    services.save_referencement(
                        consultant,
                        competences=data["competences"],
                        sectors=data["sectors"],
                        departements=list(data["departements"]),
                        referenced_on=data["referenced_on"],
                        renewal_on=data["renewal_on"],
                    )
                    messages.success(request, "Référencement enregistré.")
                    return redirect("espace:prestataire", pk=pk)
        except Refused as refused:
            error = refused.message
    missions = consultant.ingenieries.visible_to(request.user).select_related("dla")
    return render(
        request,
        "espace/prestataire.html",
        {
            "prestataire": consultant,
            "referencement": referencement,
            "attestations": consultant.attestations.all(),
            "missions": missions,
            "invitations": consultant.invitations.select_related("consultation__ingenierie"),
            "duplicates": services.duplicates_of(consultant) if writable else [],
            "writable": writable,
            "ref_form": ref_form,
            "att_form": att_form,
            "error": error,
        },
    )


@require_POST
def merge(request, pk):
    keep = get_editable_or_403(Prestataire.objects.all(), request.user, pk=pk)
    # Not a number: no such consultant (a 404), never a query with text for an id.
    duplicate_pk = bounded_int(request.POST.get("duplicate"), default=0, minimum=1, maximum=MAX_ID)
    duplicate = get_object_or_404(Prestataire.objects.visible_to(request.user), pk=duplicate_pk)
    try:
        services.merge(keep, duplicate, by=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Doublon fusionné dans la fiche de {keep}.")
    return redirect("espace:prestataire", pk=pk)
