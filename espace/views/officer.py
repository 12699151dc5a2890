"""The officer's side: sending links, revoking them, consulting prestataires, deciding."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accompagnements.models import Accompagnement, Ingenierie, Proposal
from liens.models import Purpose, SecureLink
from liens.services import revoke as revoke_link
from territoires.access import get_editable_or_403

from ..forms import (
    ConsultationForm,
    HandoverForm,
    RecipientForm,
    RegisterFilterForm,
    SelectionForm,
)
from ..models import Consultation
from ..services import consultation as consultation_services
from ..services import register as register_services
from ..services import structure as structure_services
from ..services.common import Refused, first_contact
from ..services.handover import send_handover


def _editable_case(request, pk) -> Accompagnement:
    return get_editable_or_403(
        Accompagnement.objects.select_related("structure", "officer", "dla"), request.user, pk=pk
    )


def _editable_ingenierie(request, pk) -> Ingenierie:
    return get_editable_or_403(
        Ingenierie.objects.select_related("dla", "selected_prestataire"), request.user, pk=pk
    )


def send(request, pk, purpose):
    """Send the structure a link: validate the diagnostic or parcours, a survey, a questionnaire."""
    case = _editable_case(request, pk)
    if purpose not in structure_services.STRUCTURE_PURPOSES:
        raise Http404("Objet de lien inconnu.")
    contact = first_contact(case.structure)
    form = RecipientForm(
        request.POST or None,
        initial={"name": str(contact), "email": contact.email} if contact else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            structure_services.send_to_structure(
                case, purpose, by=request.user, **form.cleaned_data
            )
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request, f"Lien envoyé à {form.cleaned_data['email']} : {Purpose(purpose).label}."
            )
            return redirect(case)
    return render(
        request,
        "espace/send.html",
        {
            "case": case,
            "form": form,
            "purpose": Purpose(purpose),
            "back_url": case.get_absolute_url(),
        },
    )


@require_POST
def revoke(request, pk):
    link = get_object_or_404(SecureLink, pk=pk)
    target = link.target
    if isinstance(target, Accompagnement):
        case = _editable_case(request, target.pk)
        back = case.get_absolute_url()
    else:
        ingenierie = _link_ingenierie(link)
        if ingenierie is None:
            raise Http404("Lien introuvable.")
        ingenierie = _editable_ingenierie(request, ingenierie.pk)
        back = reverse("espace:consultation", args=[ingenierie.pk])
    revoke_link(link, by=request.user)
    messages.success(request, f"Le lien envoyé à {link.recipient_email} est désactivé.")
    return redirect(back)


def _link_ingenierie(link: SecureLink) -> Ingenierie | None:
    target = link.target
    if isinstance(target, Consultation):
        return target.ingenierie
    consultation = getattr(getattr(target, "consultation", None), "ingenierie", None)
    return consultation


def consultation(request, pk):
    """Send the consultation, then follow it: who answered, the grid, the decision."""
    ingenierie = get_object_or_404(
        Ingenierie.objects.visible_to(request.user).select_related("dla", "selected_prestataire"),
        pk=pk,
    )
    writable = Ingenierie.objects.editable_by(request.user).filter(pk=pk).exists()
    current = (
        Consultation.objects.filter(ingenierie=ingenierie)
        .select_related("preferred__prestataire")
        .first()
    )
    if current is None:
        return _start(request, ingenierie, writable)
    invitations = list(current.invitations.select_related("prestataire", "proposal", "document"))
    from liens.services import links_about

    links = {
        link.object_id: link
        for link in links_about(invitations).filter(purpose=Purpose.CONSULTATION)
    }
    scoring_links = list(links_about([current]).filter(purpose=Purpose.EVALUATION))
    proposals = consultation_services.received_proposals(current)
    cases = list(ingenierie.accompagnements.visible_to(request.user).select_related("structure"))
    contact = first_contact(cases[0].structure) if cases else None
    context = {
        "ingenierie": ingenierie,
        "consultation": current,
        "invitations": [(inv, links.get(inv.pk)) for inv in invitations],
        "scoring_links": scoring_links,
        "writable": writable,
        "grid": consultation_services.GRID,
        "grid_total": consultation_services.GRID_TOTAL,
        "scoring_form": (
            RecipientForm(initial={"name": str(contact), "email": contact.email} if contact else {})
            if writable and not current.is_open and not current.evaluated_at and proposals
            else None
        ),
        "selection_form": (
            SelectionForm(proposals=proposals)
            if writable and not current.is_open and not current.decided_at and proposals
            else None
        ),
    }
    return render(request, "espace/consultation_officer.html", context)


def _start(request, ingenierie, writable):
    if not writable:
        if request.method == "POST":
            raise PermissionDenied("Vous pouvez consulter cette ingénierie mais pas la modifier.")
        return render(
            request,
            "espace/consultation_officer.html",
            {"ingenierie": ingenierie, "consultation": None, "writable": False},
        )
    candidates = consultation_services.candidates(ingenierie)
    # Narrow the register by competence, sector, department covered, past missions.
    filters = RegisterFilterForm(
        request.GET or None, departements=ingenierie.dla.region.departements.all()
    )
    if filters.is_valid():
        data = filters.cleaned_data
        candidates = register_services.search(
            candidates,
            text=data["q"],
            competence=data["competence"],
            sector=data["sector"],
            departement=data["departement"],
            min_missions=data["min_missions"],
            expired_only=data["expired"],
            sort=data["tri"] or "nom",
        )
    form = ConsultationForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            consultation_services.start_consultation(
                ingenierie,
                prestataires=list(form.cleaned_data["prestataires"]),
                deadline=form.cleaned_data["deadline"],
                by=request.user,
            )
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, "Consultation envoyée : chaque prestataire a reçu son lien.")
            return redirect("espace:consultation", pk=ingenierie.pk)
    return render(
        request,
        "espace/consultation_start.html",
        {
            "ingenierie": ingenierie,
            "form": form,
            "candidates": candidates,
            "min": consultation_services.MIN_CONSULTED,
            "max": consultation_services.MAX_CONSULTED,
        },
    )


def _editable_consultation(request, pk) -> Consultation:
    ingenierie = _editable_ingenierie(request, pk)
    return get_object_or_404(
        Consultation.objects.select_related("ingenierie__dla"), ingenierie=ingenierie
    )


@require_POST
def send_scoring(request, pk):
    consultation = _editable_consultation(request, pk)
    form = RecipientForm(request.POST)
    case = consultation.ingenierie.accompagnements.select_related("structure").first()
    if not form.is_valid() or case is None:
        messages.error(request, "Destinataire : indiquez un nom et un courriel valides.")
    else:
        try:
            consultation_services.send_for_scoring(
                consultation, case, by=request.user, **form.cleaned_data
            )
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request, "Les propositions sont envoyées à la structure pour notation."
            )
    return redirect("espace:consultation", pk=pk)


@require_POST
def select(request, pk):
    consultation = _editable_consultation(request, pk)
    proposals = consultation_services.received_proposals(consultation)
    form = SelectionForm(request.POST, proposals=proposals)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label} : {error}")
        return redirect("espace:consultation", pk=pk)
    proposal = get_object_or_404(Proposal, pk=form.cleaned_data["proposal"])
    try:
        consultation_services.select(
            consultation, proposal, reason=form.cleaned_data["reason"], by=request.user
        )
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, f"{proposal.prestataire} est retenu·e ; chaque candidat·e est informé·e."
        )
    return redirect("espace:consultation", pk=pk)


def selection_report(request, pk):
    """The PV de sélection, printable (the browser's print to PDF, or the PDF link)."""
    ingenierie = get_object_or_404(
        Ingenierie.objects.visible_to(request.user).select_related("selected_prestataire", "dla"),
        pk=pk,
    )
    consultation = (
        Consultation.objects.select_related("preferred__prestataire", "decided_by")
        .filter(ingenierie=ingenierie, decided_at__isnull=False)
        .first()
    )
    if consultation is None:
        return render(request, "espace/pv.html", {"ingenierie": ingenierie, "consultation": None})
    return render(
        request,
        "espace/pv.html",
        {
            "ingenierie": ingenierie,
            "consultation": consultation,
            "invitations": consultation.invitations.select_related("prestataire", "proposal"),
            "grid": consultation_services.GRID,
            "grid_total": consultation_services.GRID_TOTAL,
        },
    )


def handover(request, pk):
    case = get_editable_or_403(
        Accompagnement.objects.select_related("structure", "reoriented_to", "officer", "dla"),
        request.user,
        pk=pk,
    )
    form = HandoverForm(request.POST or None, initial={"message": case.request})
    if request.method == "POST" and form.is_valid():
        try:
            send_handover(case, by=request.user, **form.cleaned_data)
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, f"La demande est transmise à {case.reoriented_to}.")
            return redirect(case)
    return render(
        request,
        "espace/handover.html",
        {"case": case, "form": form, "back_url": case.get_absolute_url()},
    )
