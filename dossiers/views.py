"""Documents: add to a structure, a case or an ingénierie; versions; download; delete.

Every view reaches a document through ``Document.objects.visible_to`` /
``editable_by`` (so through its anchor's scope); files are only ever served here,
as attachments, never from a public URL.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accompagnements.models import Accompagnement, Ingenierie
from structures.models import Structure
from territoires.access import get_editable_or_403, get_visible_or_404
from uploads import UploadRefused

from .forms import DeleteForm, DocumentForm, SharingForm, VersionForm
from .models import Document, DocumentVersion
from .paperwork import KINDS, generate
from .services import (
    DocumentRefused,
    add_document,
    add_version,
    delete_document,
    max_upload_bytes,
    open_version,
    set_shared_with_comite,
)

ANCHORS = {
    "accompagnement": Accompagnement,
    "structure": Structure,
    "ingenierie": Ingenierie,
}


def _max_mb() -> int:
    return max_upload_bytes() // 1_000_000


def document_add(request, pk, anchor):
    obj = get_editable_or_403(ANCHORS[anchor].objects.all(), request.user, pk=pk)
    form = DocumentForm(request.POST or None, request.FILES or None, max_mb=_max_mb())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = add_document(
                upload=data["file"],
                kind=data["kind"],
                title=data["title"],
                shared_with_comite=data["shared_with_comite"],
                by=request.user,
                **{anchor: obj},
            )
        except UploadRefused as refused:
            form.add_error("file", str(refused))
        else:
            messages.success(request, f"Document « {document} » ajouté.")
            return redirect(_back_url(obj))
    return render(
        request,
        "dossiers/upload.html",
        {"form": form, "anchor": obj, "back_url": _back_url(obj)},
    )


def _document(request, pk, *, editable=False) -> Document:
    queryset = Document.objects.alive().select_related(
        "structure", "accompagnement__structure", "ingenierie", "created_by"
    )
    document = get_visible_or_404(queryset, request.user, pk=pk)
    if editable and not Document.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied("Vous pouvez consulter ce document mais pas le modifier.")
    return document


def document_detail(request, pk):
    document = _document(request, pk)
    writable = Document.objects.editable_by(request.user).filter(pk=pk).exists()
    versions = document.versions.select_related("uploaded_by")
    return render(
        request,
        "dossiers/document.html",
        {
            "document": document,
            "versions": versions,
            "writable": writable,
            "version_form": VersionForm() if writable else None,
            "delete_form": DeleteForm() if writable else None,
            "back_url": _back_url(document.anchor),
            "max_mb": _max_mb(),
        },
    )


@require_POST
def version_add(request, pk):
    document = _document(request, pk, editable=True)
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = add_version(document, upload=form.cleaned_data["file"], by=request.user)
        except UploadRefused as refused:
            form.add_error("file", str(refused))
        else:
            messages.success(request, f"Version {version.number} ajoutée.")
            return redirect(document)
    return render(
        request,
        "dossiers/document.html",
        {
            "document": document,
            "versions": document.versions.select_related("uploaded_by"),
            "writable": True,
            "version_form": form,
            "delete_form": DeleteForm(),
            "back_url": _back_url(document.anchor),
            "max_mb": _max_mb(),
        },
        status=400,
    )


@require_POST
def document_sharing(request, pk):
    document = _document(request, pk, editable=True)
    form = SharingForm(request.POST)
    form.is_valid()
    shared = bool(form.cleaned_data.get("shared"))
    set_shared_with_comite(document, shared=shared, by=request.user)
    messages.success(
        request,
        "Le document pourra être montré au comité d'appui."
        if shared
        else "Le document ne sera plus montré au comité d'appui.",
    )
    return redirect(document)


def document_delete(request, pk):
    """GET asks for confirmation; POST deletes (soft, journaled)."""
    document = _document(request, pk, editable=True)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        delete_document(document, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Document « {document} » supprimé.")
        return redirect(_back_url(document.anchor))
    return render(
        request,
        "dossiers/delete.html",
        {"document": document, "form": form, "back_url": document.get_absolute_url()},
    )


def version_download(request, pk):
    visible = Document.objects.visible_to(request.user).alive()
    version = get_object_or_404(
        DocumentVersion.objects.filter(document__in=visible.values("pk"), purged_at__isnull=True),
        pk=pk,
    )
    try:
        handle = open_version(version)
    except FileNotFoundError:
        raise Http404("Ce fichier n'est plus disponible.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.original_name,
        content_type=version.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser were to render it, the file runs no script and loads nothing.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def paperwork_generate(request, pk, anchor, kind):
    """Generate a piece of paperwork from the anchor's data and store it as a document."""
    obj = get_editable_or_403(ANCHORS[anchor].objects.all(), request.user, pk=pk)
    paperwork = KINDS.get(kind)
    if paperwork is None or paperwork.anchor != anchor:
        raise Http404("Document inconnu.")
    try:
        document = generate(kind, obj, by=request.user)
    except DocumentRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"« {document} » généré : il est rangé dans les documents.")
    return redirect(_back_url(obj))


def _back_url(anchor) -> str:
    if isinstance(anchor, Accompagnement):
        name = "accompagnements:detail"
    elif isinstance(anchor, Ingenierie):
        name = "accompagnements:ingenierie"
    else:
        name = "structures:detail"
    return reverse(name, args=[anchor.pk]) + "#documents"


def documents_for(queryset):
    """Alive documents with their versions, for a page listing them (two queries)."""
    return queryset.alive().prefetch_related(
        Prefetch("versions", queryset=DocumentVersion.objects.order_by("-number"))
    )
