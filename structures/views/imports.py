"""Web import: upload, preview (what will be created or updated, per-row errors), confirm.

The uploaded file is kept in storage between preview and confirmation; the
confirmation re-reads and re-validates it, so it never applies a stale plan.
"""

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from francais import pluriel
from territoires import policy

from ..forms import ImportUploadForm
from ..importing import ImportConflict, apply_import, plan_import

SESSION_KEY = "structure_imports"
PREVIEW_ROWS = 200


def _check_can_import(user):
    if not policy.departements_open_to_new_structures(user).exists():
        raise PermissionDenied("Vous ne pouvez pas importer de structures.")


def _preview(request, plan, token, filename):
    context = {
        "plan": plan,
        "token": token,
        "filename": filename,
        "created": plan.count("create"),
        "updated": plan.count("update"),
        "unchanged": plan.count("unchanged"),
        "changes": [row for row in plan.rows if row.action != "unchanged"][:PREVIEW_ROWS],
        "preview_limit": PREVIEW_ROWS,
    }
    return render(request, "structures/import_preview.html", context)


def _forget_pending(request):
    """One pending import per session: a new upload drops the previous file."""
    for entry in request.session.pop(SESSION_KEY, {}).values():
        default_storage.delete(entry["path"])


@require_http_methods(["GET", "POST"])
def import_upload(request):
    _check_can_import(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        plan = plan_import(data, upload.name, user=request.user)
        token = None
        _forget_pending(request)
        if plan.is_valid:
            token = secrets.token_urlsafe(16)
            extension = upload.name.rsplit(".", 1)[-1].lower()
            path = default_storage.save(
                f"structure-imports/{request.user.pk}-{token}.{extension}", ContentFile(data)
            )
            pending = request.session.get(SESSION_KEY, {})
            pending[token] = {"path": path, "name": upload.name}
            request.session[SESSION_KEY] = pending
        return _preview(request, plan, token, upload.name)
    return render(request, "structures/import.html", {"form": form})


@require_POST
def import_confirm(request):
    _check_can_import(request.user)
    token = request.POST.get("token", "")
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.get(token)
    if entry is None or not default_storage.exists(entry["path"]):
        messages.error(request, "Cet import a expiré : envoyez à nouveau le fichier.")
        return redirect("structures:import")
    with default_storage.open(entry["path"], "rb") as handle:
        data = handle.read()
    plan = plan_import(data, entry["name"], user=request.user)
    if not plan.is_valid:
        return _preview(request, plan, None, entry["name"])
    try:
        result = apply_import(plan, user=request.user)
    except ImportConflict as error:
        messages.error(request, str(error))
        return redirect("structures:import")
    _forget_pending(request)
    messages.success(
        request,
        f"Import terminé : {pluriel(result.created, 'structure créée')}, "
        f"{pluriel(result.updated, 'mise à jour', 'mises à jour')}, "
        f"{pluriel(result.unchanged, 'inchangée')}.",
    )
    return redirect("structures:list")
