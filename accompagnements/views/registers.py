"""Registers shared by cases: consultants, support actors, comités d'appui; reminders."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from territoires import policy
from territoires.access import get_editable_or_403, get_visible_or_404
from territoires.collation import french
from webinput.search import validate_search

from ..forms import ActeurAppuiForm, ComiteForm, ComiteReviewForm, PrestataireForm
from ..models import (
    Accompagnement,
    ActeurAppui,
    ComiteAppui,
    ComiteReview,
    Notification,
    Prestataire,
)
from ..services.registers import add_review, create_comite, save_acteur, save_prestataire
from ..services.reminders import mark_notifications_read, open_notification
from .common import render_form


def _require_dla(user):
    if not policy.may_add_to_dla_registers(user):
        raise PermissionDenied("Seul·es les membres d'un DLA peuvent créer cet élément.")


class PrestataireSearchForm(forms.Form):
    """The register's search box and sort order (a GET form: bounded, never an error page)."""

    q = forms.CharField(
        label="Rechercher",
        required=False,
        validators=[validate_search],
        help_text="Nom, SIRET, domaine d'intervention, personne de contact ou courriel.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    tri = forms.ChoiceField(
        label="Trier par",
        required=False,
        choices=[
            ("nom", "nom (A → Z)"),
            ("-nom", "nom (Z → A)"),
            ("region", "région"),
            ("-ingenieries", "ingénieries retenues (les plus sollicités d'abord)"),
            ("ingenieries", "ingénieries retenues (les moins sollicités d'abord)"),
            ("statut", "statut (référencés d'abord)"),
        ],
    )


# Each sort ends on the name and the id: a total order, pages never shuffle. Names in
# French order (territoires.collation: « École » among the E's).
_NAME = french("name").asc()
PRESTATAIRE_SORTS = {
    "nom": (_NAME, "pk"),
    "-nom": (french("name").desc(), "-pk"),
    "region": (french("region__name").asc(), _NAME, "pk"),
    "ingenieries": ("selections", _NAME, "pk"),
    "-ingenieries": ("-selections", _NAME, "pk"),
    "statut": ("-is_active", _NAME, "pk"),
}
PRESTATAIRE_SEARCH_FIELDS = ("name", "siret", "themes", "contact_name", "email")


def prestataire_list(request):
    form = PrestataireSearchForm(request.GET)
    query, sort = "", "nom"
    if form.is_valid():
        query, sort = form.cleaned_data["q"].strip(), form.cleaned_data["tri"] or "nom"
    prestataires = (
        Prestataire.objects.visible_to(request.user)
        .select_related("region", "dla")
        .annotate(selections=Count("ingenieries"))
    )
    for word in query.split():
        words = Q()
        for field in PRESTATAIRE_SEARCH_FIELDS:
            words |= Q(**{f"{field}__icontains": word})
        prestataires = prestataires.filter(words)
    prestataires = prestataires.order_by(*PRESTATAIRE_SORTS[sort])
    can_add = policy.may_add_prestataire(request.user)
    editable = set(Prestataire.objects.editable_by(request.user).values_list("pk", flat=True))
    return render(
        request,
        "accompagnements/prestataires.html",
        {
            "prestataires": prestataires,
            "can_add": can_add,
            "editable": editable,
            "form": form,
            "query": query,
            "sort": sort,
        },
    )


def prestataire_edit(request, pk=None):
    if pk:
        prestataire = get_editable_or_403(Prestataire.objects.all(), request.user, pk=pk)
    else:
        # The register is managed by regional coordinators (DOMAIN.md).
        if not policy.may_add_prestataire(request.user):
            raise PermissionDenied("Le registre des prestataires est géré par le DLA régional.")
        prestataire = Prestataire(dla=request.user.dla)
    form = PrestataireForm(request.POST or None, instance=prestataire)
    if request.method == "POST" and form.is_valid():
        save_prestataire(form.save(commit=False), by=request.user)
        messages.success(request, "Prestataire enregistré.")
        return redirect("accompagnements:prestataires")
    return render_form(
        request,
        title="Prestataire",
        form=form,
        back_url=reverse("accompagnements:prestataires"),
    )


def acteur_list(request):
    acteurs = (
        ActeurAppui.objects.visible_to(request.user)
        .select_related("region")
        .prefetch_related("departements")
        .filter(is_active=True)
    )
    editable = set(ActeurAppui.objects.editable_by(request.user).values_list("pk", flat=True))
    can_add = policy.may_add_to_dla_registers(request.user)
    return render(
        request,
        "accompagnements/acteurs.html",
        {"acteurs": acteurs, "can_add": can_add, "editable": editable},
    )


def acteur_edit(request, pk=None):
    if pk:
        acteur = get_editable_or_403(ActeurAppui.objects.all(), request.user, pk=pk)
    else:
        _require_dla(request.user)
        dla = request.user.dla
        acteur = ActeurAppui(dla=dla, region_id=dla.region_id)
    initial = {}
    if not pk and acteur.dla.departement_id:
        initial["departements"] = [acteur.dla.departement_id]
    form = ActeurAppuiForm(
        request.POST or None, instance=acteur, region=acteur.region, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        save_acteur(
            form.save(commit=False),
            departements=form.cleaned_data["departements"],
            by=request.user,
        )
        messages.success(request, "Acteur d'appui enregistré.")
        return redirect("accompagnements:acteurs")
    return render_form(
        request,
        title="Acteur d'appui",
        form=form,
        back_url=reverse("accompagnements:acteurs"),
    )


def comite_list(request):
    comites = (
        ComiteAppui.objects.visible_to(request.user)
        .select_related("dla")
        .annotate(review_count=Count("reviews"))
        # The latest comité first: the one an officer is preparing or just held.
        .order_by("-held_on", "-pk")
    )
    return render(
        request,
        "accompagnements/comites.html",
        {
            "comites": comites,
            "can_add": policy.may_add_to_dla_registers(request.user),
        },
    )


def comite_create(request):
    _require_dla(request.user)
    form = ComiteForm(
        request.POST or None,
        instance=ComiteAppui(dla=request.user.dla),
        initial={"held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        comite = create_comite(form.save(commit=False), by=request.user)
        messages.success(request, "Comité d'appui enregistré.")
        return redirect("accompagnements:comite", pk=comite.pk)
    return render_form(
        request, title="Comité d'appui", form=form, back_url=reverse("accompagnements:comites")
    )


def comite_detail(request, pk):
    # A comité may have reviewed cases its reader may not see (its DLA's cases on
    # structures of another territory): only the visible ones are listed.
    visible_cases = Accompagnement.objects.visible_to(request.user).values("pk")
    queryset = ComiteAppui.objects.select_related("dla").prefetch_related(
        Prefetch(
            "reviews",
            queryset=ComiteReview.objects.filter(accompagnement__in=visible_cases).select_related(
                "accompagnement__structure"
            ),
        )
    )
    comite = get_visible_or_404(queryset, request.user, pk=pk)
    writable = ComiteAppui.objects.editable_by(request.user).filter(pk=pk).exists()
    form = None
    if writable:
        form = ComiteReviewForm(request.POST or None, user=request.user, comite=comite)
        if request.method == "POST" and form.is_valid():
            add_review(comite, form.save(commit=False), by=request.user)
            messages.success(request, "Avis enregistré.")
            return redirect("accompagnements:comite", pk=comite.pk)
    elif request.method == "POST":
        raise PermissionDenied("Vous pouvez consulter ce comité mais pas le modifier.")
    return render(request, "accompagnements/comite.html", {"comite": comite, "form": form})


def notification_list(request):
    """Current reminders first; those whose cause is gone (resolved) are listed apart."""
    mine = Notification.objects.filter(recipient=request.user).select_related(
        "accompagnement__structure"
    )
    return render(
        request,
        "accompagnements/notifications.html",
        {
            "notifications": mine.current()[:200],
            "resolved": mine.filter(resolved_at__isnull=False).order_by("-resolved_at", "-pk")[:20],
        },
    )


@require_POST
def notification_open(request):
    """Opening a reminder marks it read (a POST: a GET never writes), then shows its case.

    Only the recipient's own reminders: any other id is "not found", nothing written.
    """
    raw = request.POST.get("rappel", "")
    notification = (
        Notification.objects.filter(recipient=request.user, pk=int(raw)).first()
        if raw.isascii() and raw.isdigit() and len(raw) < 12
        else None
    )
    if notification is None:
        messages.error(request, "Ce rappel n'existe pas ou ne vous est pas adressé.")
        return redirect("accompagnements:notifications")
    open_notification(notification)
    case = Accompagnement.objects.visible_to(request.user).filter(pk=notification.accompagnement_id)
    if not case.exists():
        messages.info(request, "Vous n'avez plus accès à cet accompagnement.")
        return redirect("accompagnements:notifications")
    return redirect("accompagnements:detail", pk=notification.accompagnement_id)


@require_POST
def notifications_read(request):
    mark_notifications_read(request.user)
    messages.success(request, "Rappels marqués comme lus.")
    return redirect("accompagnements:notifications")
