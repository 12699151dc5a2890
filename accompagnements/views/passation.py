"""Handing a case over: reassign within the DLA, offer it to another DLA, answer an offer."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from territoires import policy
from territoires.access import get_visible_or_404

from ..forms_echanges import ReassignForm, TransferAnswerForm, TransferForm
from ..models.passation import Passation, PassationKind, PassationStatus
from ..services.passation import accept_transfer, reassign, refuse_transfer, request_transfer
from .common import editable_case, render_form


def case_reassign(request, pk):
    case = editable_case(request, pk)
    form = ReassignForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            passation = reassign(
                case,
                to=form.cleaned_data["to_officer"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Accompagnement confié à {passation.to_officer}.")
            return redirect(case)
    return render_form(
        request,
        title=f"Confier l'accompagnement à un·e collègue – {case.structure}",
        form=form,
        back_url=case.get_absolute_url(),
        submit="Confier l'accompagnement",
    )


def case_transfer(request, pk):
    case = editable_case(request, pk)
    form = TransferForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            passation = request_transfer(
                case,
                to_dla=form.cleaned_data["to_dla"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Transfert proposé à {passation.to_dla} : l'accompagnement reste chez vous "
                "jusqu'à sa réponse.",
            )
            return redirect(case)
    return render_form(
        request,
        title=f"Transférer l'accompagnement à un autre DLA – {case.structure}",
        form=form,
        back_url=case.get_absolute_url(),
        submit="Proposer le transfert",
    )


def transfer_list(request):
    """Transfers offered to my DLA, and those my DLA sent, newest first."""
    passations = (
        Passation.objects.visible_to(request.user)
        .filter(kind=PassationKind.TRANSFER)
        .select_related("accompagnement__structure", "from_dla", "to_dla", "requested_by")
    )
    dla_id = policy.member_dla_id(request.user)
    return render(
        request,
        "accompagnements/transfers.html",
        {
            "received": [p for p in passations if p.to_dla_id == dla_id],
            "others": [p for p in passations if p.to_dla_id != dla_id],
        },
    )


def transfer_answer(request, pk):
    """The receiving DLA reads the case's summary and accepts or refuses (POST)."""
    passation = get_visible_or_404(
        Passation.objects.select_related(
            "accompagnement__structure", "from_dla", "to_dla", "from_officer", "requested_by"
        ),
        request.user,
        pk=pk,
        kind=PassationKind.TRANSFER,
    )
    may_decide = policy.may_decide_transfer(request.user, passation.to_dla_id)
    if request.method == "POST" and not may_decide:
        raise PermissionDenied("Seul le DLA destinataire répond à une demande de transfert.")
    form = TransferAnswerForm(request.POST or None, passation=passation)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("decision") == "accept":
                accept_transfer(passation, by=request.user, officer=form.cleaned_data["officer"])
                messages.success(request, "Transfert accepté : l'accompagnement est à votre DLA.")
                return redirect("accompagnements:detail", passation.accompagnement_id)
            refuse_transfer(
                passation, by=request.user, comment=form.cleaned_data["decision_comment"]
            )
            messages.success(request, "Transfert refusé : le DLA d'origine le verra.")
            return redirect(reverse("accompagnements:transfers"))
        except ValidationError as error:
            form.add_error(None, error)
    return render(
        request,
        "accompagnements/transfer.html",
        {
            "passation": passation,
            "case": passation.accompagnement,
            "form": form if may_decide and passation.status == PassationStatus.PENDING else None,
        },
    )
