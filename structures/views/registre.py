"""Looking structures up in the public register of companies, from the structure form
and the import preview. Reads only: the officer confirms the form before anything is saved.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from territoires import policy

from .. import registre
from ..registre import Entry, RegisterUnavailable

QUERY = "repertoire"


@dataclass
class Lookup:
    """What the register said about the officer's query (nothing when none was typed)."""

    query: str = ""
    entries: list[Entry] = field(default_factory=list)
    chosen: Entry | None = None
    error: str = ""
    enabled: bool = True

    @property
    def initial(self) -> dict:
        return self.chosen.as_initial() if self.chosen else {}


def lookup(request) -> Lookup:
    """``?repertoire=`` a SIRET prefills the form; a name or SIREN lists candidates."""
    query = " ".join(request.GET.get(QUERY, "").split())[:100]
    result = Lookup(query=query, enabled=registre.enabled())
    # Only to show a form: a submitted form carries its own values.
    if not query or not result.enabled or request.method != "GET":
        return result
    try:
        digits = query.replace(" ", "")
        if digits.isdigit() and len(digits) == 14:
            result.chosen = registre.find_siret(digits)
            if result.chosen is None:
                result.error = (
                    f"Le SIRET {digits} est inconnu du répertoire des entreprises (ou non "
                    "diffusible) : vérifiez-le, ou saisissez la structure à la main."
                )
        else:
            result.entries = registre.search(query)
            if not result.entries:
                result.error = "Aucune entreprise ne correspond au répertoire."
    except RegisterUnavailable as unavailable:
        result.error = str(unavailable)
    return result


def _form_url(request) -> str:
    """The form the results prefill: a structure's edit page, or the creation page."""
    pk = request.GET.get("structure", "")
    # isdigit() accepts "²", which int() refuses.
    if pk.isascii() and pk.isdecimal():
        return reverse("structures:update", args=[int(pk)])
    return reverse("structures:create")


def _require_structure_writer(user):
    if not policy.departements_open_to_new_structures(user).exists():
        raise PermissionDenied("La recherche au répertoire sert à enregistrer des structures.")


@require_GET
def register_lookup(request):
    """The lookup's results as an htmx fragment (the form page renders them without JS)."""
    _require_structure_writer(request.user)
    context = {"registre": lookup(request), "form_url": _form_url(request)}
    template = "structures/_registre.html" if request.htmx else "structures/registre.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def register_check(request):
    """One cell of the import preview's "vérifié au répertoire" column."""
    _require_structure_writer(request.user)
    siret = "".join(request.GET.get("siret", "").split())
    error, found = "", None
    try:
        found = registre.find_siret(siret)
    except RegisterUnavailable as unavailable:
        error = str(unavailable)
    context = {"siret": siret, "found": found, "error": error, "enabled": registre.enabled()}
    template = (
        "structures/_registre_check.html" if request.htmx else "structures/registre_check.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response
