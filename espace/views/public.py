"""Pages reached through a personal link. Public views: each one opts out of the login
requirement through ``link_view`` and reaches only its link's object."""

from django.http import FileResponse, Http404
from django.shortcuts import render

from accompagnements.models import Accompagnement, Diagnostic, Parcours
from dossiers.services.documents import open_version
from liens.models import Purpose
from liens.views import link_view
from uploads import UploadRefused

from ..forms import (
    DeclineForm,
    FollowUpQuestionnaireForm,
    GridForm,
    ProposalUploadForm,
    RemarksForm,
    SatisfactionForm,
    ValidationForm,
)
from ..models import Consultation, Invitation
from ..services import consultation as consultation_services
from ..services import structure as structure_services
from ..services.common import Refused


def _case(link) -> Accompagnement:
    return Accompagnement.objects.select_related("structure", "officer", "dla").get(
        pk=link.object_id
    )


def _done(request, link, message: str):
    return render(request, "espace/merci.html", {"link": link, "message": message})


def _validation_page(request, link, model, template):
    case = _case(link)
    document = model.objects.filter(accompagnement=case).first()
    validation = ValidationForm(prefix="v")
    remarks = RemarksForm(prefix="r", initial={"name": link.recipient_name})
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "valider":
                validation = ValidationForm(request.POST, prefix="v")
                if validation.is_valid():
                    structure_services.validate(link, request=request, **validation.cleaned_data)
                    return _done(request, link, "Merci : votre validation est enregistrée.")
            else:
                remarks = RemarksForm(request.POST, prefix="r")
                if remarks.is_valid():
                    structure_services.send_remarks(link, request=request, **remarks.cleaned_data)
                    return _done(
                        request,
                        link,
                        "Merci : vos remarques sont transmises au DLA. Vous pourrez valider "
                        "avec ce même lien une fois le document revu.",
                    )
        except Refused as refused:
            error = refused.message
    return render(
        request,
        template,
        {
            "link": link,
            "case": case,
            "document": document,
            "validation": validation,
            "remarks": remarks,
            "error": error,
        },
    )


@link_view(Purpose.DIAGNOSTIC)
def diagnostic(request, link):
    return _validation_page(request, link, Diagnostic, "espace/diagnostic.html")


@link_view(Purpose.PARCOURS)
def parcours(request, link):
    return _validation_page(request, link, Parcours, "espace/parcours.html")


@link_view(Purpose.SATISFACTION)
def satisfaction(request, link):
    case = _case(link)
    ingenieries = structure_services._rated_ingenieries(case)
    form = SatisfactionForm(
        request.POST or None, ingenieries=ingenieries, initial={"name": link.recipient_name}
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            structure_services.answer_satisfaction(
                link,
                request=request,
                name=form.cleaned_data["name"],
                overall=form.cleaned_data["overall"],
                consultants=form.consultants(),
                comment=form.cleaned_data["comment"],
            )
        except Refused as refused:
            error = refused.message
        else:
            return _done(request, link, "Merci pour votre réponse à l'enquête de satisfaction.")
    return render(
        request,
        "espace/questionnaire.html",
        {
            "link": link,
            "case": case,
            "form": form,
            "error": error,
            "title": "Enquête de satisfaction",
        },
    )


@link_view(Purpose.SUIVI)
def suivi(request, link):
    case = _case(link)
    structure = case.structure
    form = FollowUpQuestionnaireForm(
        request.POST or None,
        initial={
            "name": link.recipient_name,
            "headcount": structure.headcount,
            "fte": structure.fte,
            "cdi_count": structure.cdi_count,
            "cdd_count": structure.cdd_count,
            "budget": structure.budget,
        },
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            structure_services.answer_followup(
                link, request=request, name=form.cleaned_data["name"], figures=form.figures()
            )
        except Refused as refused:
            error = refused.message
        else:
            return _done(request, link, "Merci : vos réponses sont transmises au DLA.")
    return render(
        request,
        "espace/questionnaire.html",
        {
            "link": link,
            "case": case,
            "form": form,
            "error": error,
            "title": "Questionnaire de suivi",
        },
    )


@link_view(Purpose.CONSULTATION)
def consultation(request, link):
    invitation = Invitation.objects.select_related(
        "consultation__ingenierie__dla", "prestataire"
    ).get(pk=link.object_id)
    propose = ProposalUploadForm(prefix="p", initial={"name": link.recipient_name})
    refuse = DeclineForm(prefix="d", initial={"name": link.recipient_name})
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "proposer":
                propose = ProposalUploadForm(request.POST, request.FILES, prefix="p")
                if propose.is_valid():
                    data = propose.cleaned_data
                    consultation_services.submit_proposal(
                        link,
                        request=request,
                        name=data["name"],
                        upload=data["document"],
                        days=data["days"],
                        daily_rate=data["daily_rate"],
                        total=data["total"],
                    )
                    return _done(request, link, "Merci : votre proposition est bien reçue.")
            else:
                refuse = DeclineForm(request.POST, prefix="d")
                if refuse.is_valid():
                    consultation_services.decline(link, request=request, **refuse.cleaned_data)
                    return _done(request, link, "Merci : votre réponse est enregistrée.")
        except Refused as refused:
            error = refused.message
        except UploadRefused as refused:
            error = f"Proposition (PDF) : {refused}"
    return render(
        request,
        "espace/consultation.html",
        {
            "link": link,
            "invitation": invitation,
            "consultation": invitation.consultation,
            "ingenierie": invitation.consultation.ingenierie,
            "propose": propose,
            "refuse": refuse,
            "error": error,
        },
    )


def _evaluation_consultation(link) -> Consultation:
    return Consultation.objects.select_related("ingenierie__dla", "preferred").get(
        pk=link.object_id
    )


@link_view(Purpose.EVALUATION)
def evaluation(request, link):
    consultation = _evaluation_consultation(link)
    proposals = consultation_services.received_proposals(consultation)
    form = GridForm(
        request.POST or None, proposals=proposals, initial={"name": link.recipient_name}
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            consultation_services.score(
                link,
                request=request,
                name=form.cleaned_data["name"],
                scores=form.scores(),
                preferred=form.cleaned_data["preferred"],
                comment=form.cleaned_data["comment"],
            )
        except Refused as refused:
            error = refused.message
        else:
            return _done(
                request,
                link,
                "Merci : vos notes et votre préférence sont transmises au DLA, "
                "qui décide en en tenant compte.",
            )
    invitations = {
        inv.proposal_id: inv for inv in consultation.invitations.select_related("document")
    }
    return render(
        request,
        "espace/evaluation.html",
        {
            "link": link,
            "consultation": consultation,
            "ingenierie": consultation.ingenierie,
            "form": form,
            "invitations": invitations,
            "grid": consultation_services.GRID,
            "grid_total": consultation_services.GRID_TOTAL,
            "error": error,
        },
    )


@link_view(Purpose.EVALUATION)
def proposal_file(request, link, invitation_pk: int):
    """A proposal's PDF, for the structure scoring it: only this consultation's."""
    invitation = (
        Invitation.objects.filter(pk=invitation_pk, consultation_id=link.object_id)
        .select_related("document")
        .first()
    )
    if invitation is None or invitation.document is None or invitation.document.latest is None:
        raise Http404("Proposition introuvable.")
    version = invitation.document.latest
    response = FileResponse(
        open_version(version), as_attachment=True, filename=f"proposition-{invitation.pk}.pdf"
    )
    response["Content-Type"] = "application/pdf"
    return response


@link_view(Purpose.ORIENTATION)
def orientation(request, link):
    from ..forms import AcknowledgeForm
    from ..models import Handover
    from ..services.handover import acknowledge

    handover = Handover.objects.select_related(
        "accompagnement__structure", "accompagnement__dla", "acteur"
    ).get(pk=link.object_id)
    form = AcknowledgeForm(request.POST or None, initial={"name": link.recipient_name})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            acknowledge(link, request=request, **form.cleaned_data)
        except Refused as refused:
            error = refused.message
        else:
            return _done(request, link, "Merci : le DLA sait que vous avez reçu cette orientation.")
    return render(
        request,
        "espace/orientation.html",
        {
            "link": link,
            "handover": handover,
            "case": handover.accompagnement,
            "form": form,
            "error": error,
        },
    )
