from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Window
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

import tabular
from territoires import policy
from territoires.access import get_editable_or_403, get_visible_or_404
from territoires.collation import french_order
from webinput.lists import configure_table
from webinput.tables import plain_selects

from ..continuity import dlas_holding_hidden_open_cases
from ..duplicates import likely_duplicate_pairs, likely_duplicates
from ..filters import StructureFilter
from ..forms import ContactFormSet, MergeForm, StructureForm
from ..history import history_entries
from ..importing import (
    COLUMNS,
    export_instructions,
    export_rows,
    sheet_columns,
    template_instructions,
    template_rows,
)
from ..models import Structure, find_merged_into
from ..services import (
    MergeError,
    identity_differences,
    merge_structures,
    register_structure,
    save_contacts,
    update_structure,
)
from ..tables import StructureTable
from . import registre as registre_views

PER_PAGE = 50
DUPLICATES_SHOWN = 200
EXPORT_EXTRA_HEADERS = ["Région", "Accompagnement en cours"]


def _filtered(request):
    queryset = Structure.objects.visible_to(request.user).select_related("departement")
    filterset = StructureFilter(request.GET or None, queryset=queryset, request=request)
    plain_selects(filterset.form)  # same HTML, options written without a template each
    return filterset, filterset.qs


def _htmx_aware(request, template, context):
    # A history restore needs the whole page, not the fragment.
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template = f"{template}#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def structure_list(request):
    filterset, queryset = _filtered(request)
    # Only the shown columns: narrower rows sort in memory, even deep in the list.
    shown = queryset.only(*StructureTable.Meta.fields[:-1], "departement__code")
    # An officer's structures (their department's and their DLA's) are all read to be
    # sorted, no index giving that order: counted in the same read (COUNT(*) OVER ()),
    # not by a second one (Ille-et-Vilaine at 3x the national data: 20 -> 14 ms of
    # SQL). A region's or the nation's list walks the name index and stops at the page;
    # the window would read them all (Corse at 3x: 13 -> 98 ms), so they are counted
    # apart. benchmarks.structure_count measures both ways.
    counted_with_rows = policy.read_departement_id(request.user) is not None
    if counted_with_rows:
        shown = shown.annotate(rows_in_list=Window(Count("pk")))
    table = StructureTable(shown)
    configure_table(request, table, per_page=PER_PAGE)
    table.load_open_cases()
    records = [row.record for row in table.page.object_list] if table.page else []
    context = {
        "filterset": filterset,
        "table": table,
        "total": records[0].rows_in_list if counted_with_rows and records else queryset.count(),
        "can_create": policy.departements_open_to_new_structures(request.user).exists(),
        "can_merge": policy.may_merge_structures(request.user),
        "export_formats": tabular.FORMATS,
    }
    return _htmx_aware(request, "structures/list.html", context)


@require_GET
def structure_export(request):
    fmt = request.GET.get("format", "csv")
    if fmt not in tabular.FORMATS:
        return HttpResponseBadRequest(
            "Format d'export inconnu : choisissez " + ", ".join(tabular.FORMATS) + ".",
            content_type="text/plain; charset=utf-8",
        )
    filterset, queryset = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        # Before the first byte: an export that cannot honour its filter is refused.
        return HttpResponseBadRequest(
            _filter_errors(filterset), content_type="text/plain; charset=utf-8"
        )
    queryset = queryset.with_open_case().order_by(*french_order("name", "pk"))
    rows = export_rows(queryset, extra=("region__name", "has_open_case"))
    headers = [c.header for c in COLUMNS] + EXPORT_EXTRA_HEADERS
    return tabular.export_response(
        fmt,
        "structures",
        headers,
        rows,
        columns=[*sheet_columns(), tabular.SheetColumn(22), tabular.SheetColumn(14)],
        instructions=export_instructions(),
        title="Structures",
    )


def _filter_errors(filterset) -> str:
    form = filterset.form
    lines = [
        f"{form.fields[name].label if name in form.fields else name} : {error}"
        for name, errors in form.errors.items()
        for error in errors
    ]
    return "Export impossible, un filtre n'est pas valide :\n" + "\n".join(lines)


def _case_url_name():
    """Cases link to their page once the cases app provides one."""
    try:
        reverse("accompagnements:detail", args=[1])
    except NoReverseMatch:
        return None
    return "accompagnements:detail"


@require_GET
def structure_detail(request, pk):
    try:
        structure = get_visible_or_404(
            Structure.objects.select_related("departement", "region"), request.user, pk=pk
        )
    except Http404:
        # A merged structure's page leads to the record it was merged into (read from the
        # merge journal: nothing is written), for whoever may see that record.
        kept = find_merged_into(pk, request.user)
        if kept is None:
            raise
        return redirect("structures:detail", pk=kept.pk)
    context = {
        "structure": structure,
        "contacts": list(structure.contacts.all()),
        # Only the cases this person may see: another DLA's case here is not theirs.
        "cases": list(
            structure.accompagnements.visible_to(request.user)
            .select_related("dla", "officer")
            .order_by("-opened_on", "-pk")
        ),
        "case_url_name": _case_url_name(),
        "open_elsewhere": dlas_holding_hidden_open_cases(structure, request.user),
        "history": history_entries(structure),
        "merges": list(structure.merges.select_related("merged_by")),
        "can_edit": Structure.objects.editable_by(request.user).filter(pk=pk).exists(),
        "can_merge": policy.may_merge_structures(request.user),
        "can_open_case": policy.may_open_case(request.user, structure),
    }
    return render(request, "structures/detail.html", context)


@require_http_methods(["GET", "POST"])
def structure_create(request):
    if not policy.departements_open_to_new_structures(request.user).exists():
        raise PermissionDenied("Vous ne pouvez pas enregistrer de structure.")
    found = registre_views.lookup(request)
    form = StructureForm(request.POST or None, user=request.user, initial=found.initial)
    if request.method == "POST" and form.is_valid():
        structure = register_structure(form.save(commit=False), by=request.user)
        messages.success(request, f"La structure « {structure} » est enregistrée.")
        return redirect("structures:detail", pk=structure.pk)
    context = {"form": form, "structure": None, "registre": found}
    return render(request, "structures/form.html", context)


@require_http_methods(["GET", "POST"])
def structure_update(request, pk):
    structure = get_editable_or_403(
        Structure.objects.select_related("departement"), request.user, pk=pk
    )
    found = registre_views.lookup(request)
    form = StructureForm(
        request.POST or None, instance=structure, user=request.user, initial=found.initial
    )
    if request.method == "POST" and form.is_valid():
        update_structure(form.save(commit=False), by=request.user)
        messages.success(request, "Les modifications sont enregistrées.")
        return redirect("structures:detail", pk=structure.pk)
    context = {"form": form, "structure": structure, "registre": found}
    return render(request, "structures/form.html", context)


@require_http_methods(["GET", "POST"])
def structure_contacts(request, pk):
    structure = get_editable_or_403(Structure.objects.all(), request.user, pk=pk)
    formset = ContactFormSet(request.POST or None, instance=structure, prefix="contacts")
    if request.method == "POST" and formset.is_valid():
        changed = formset.save(commit=False)
        save_contacts(structure, changed=changed, removed=formset.deleted_objects, by=request.user)
        messages.success(request, "Les contacts sont enregistrés.")
        if "encore" in request.POST:
            return redirect("structures:contacts", pk=structure.pk)
        return redirect("structures:detail", pk=structure.pk)
    return render(request, "structures/contacts.html", {"structure": structure, "formset": formset})


@require_http_methods(["GET", "POST"])
def structure_merge(request, pk):
    kept = get_visible_or_404(Structure.objects.all(), request.user, pk=pk)
    if not policy.may_merge_structures(request.user):
        raise PermissionDenied("Seuls l'opérateur national et les administrateurs fusionnent.")
    # ``?avec=<pk>`` (from the list of likely duplicates) opens on the comparison; a GET
    # only compares, the merge itself is a POST.
    data = request.POST if request.method == "POST" else None
    if data is None and "avec" in request.GET:
        data = {"merged": request.GET["avec"]}
    form = MergeForm(data, kept=kept, user=request.user)
    merged = None
    if form.is_bound and form.is_valid():
        merged = form.cleaned_data["merged"]
        if request.method == "POST" and request.POST.get("confirm") == "1":
            try:
                merge_structures(
                    kept=kept,
                    merged=merged,
                    by=request.user,
                    confirmed=request.POST.getlist("confirmed"),
                )
            except MergeError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, f"« {merged.name} » a été fusionnée dans « {kept.name} »."
                )
                return redirect("structures:detail", pk=kept.pk)
    context = {
        "kept": kept,
        "candidates": (
            [] if merged else [c for c in likely_duplicates(kept, request.user) if not c.hidden]
        ),
        # Also after a refusal by the service: the comparison and its error, again.
        "merged": merged,
        "differences": identity_differences(kept, merged) if merged else [],
        "confirmed": request.POST.getlist("confirmed"),
        "form": form,
        "merged_counts": _merge_counts(merged) if merged else None,
    }
    return render(request, "structures/merge.html", context)


@require_GET
@require_GET
def duplicate_list(request):
    """Likely duplicates across the register, each pair linking to its merge comparison."""
    if not policy.may_merge_structures(request.user):
        raise PermissionDenied("Seuls l'opérateur national et les administrateurs fusionnent.")
    pairs, total = likely_duplicate_pairs(request.user, limit=DUPLICATES_SHOWN)
    context = {"pairs": pairs, "total": total, "shown_limit": DUPLICATES_SHOWN}
    return render(request, "structures/duplicates.html", context)


def _merge_counts(structure):
    return {
        "contacts": structure.contacts.count(),
        "accompagnements": structure.accompagnements.count(),
    }


@require_GET
def import_template(request, fmt):
    if fmt not in tabular.FORMATS:
        raise Http404("Format inconnu.")
    headers, rows = template_rows()
    return tabular.export_response(
        fmt,
        "modele-import-structures",
        headers,
        rows,
        columns=sheet_columns(),
        instructions=template_instructions(),
        title="Structures",
    )
