"""Adding, versioning, sharing and deleting documents; the files go through Django's storage.

The bytes are checked by ``uploads.check_upload`` (type from the content, size,
polyglots) before anything is stored, and stored under a name of our own
(``documents/YYYY/MM/<uuid>.<ext>``) in the ``documents`` storage: the
filesystem under MEDIA_ROOT, or an S3-compatible bucket (docs/configuration.md).
"""

from __future__ import annotations

import uuid
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone

from accompagnements.models import Accompagnement, Ingenierie
from structures.models import Structure
from uploads import CheckedFile, UploadRefused, check_upload

from ..models import Document, DocumentKind, DocumentVersion, Source

STORAGE_ALIAS = "documents"


class DocumentRefused(UploadRefused):
    """The document cannot be added or changed; the message names the problem in French."""


def document_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def max_upload_bytes() -> int:
    return int(settings.DOCUMENTS_MAX_UPLOAD_BYTES)


def add_document(
    *,
    upload: IO[bytes] | File,
    kind: str,
    by: Any | None,
    structure: Structure | None = None,
    accompagnement: Accompagnement | None = None,
    ingenierie: Ingenierie | None = None,
    title: str = "",
    shared_with_comite: bool = False,
    source: str = Source.UPLOAD,
) -> Document:
    """A new document with its first version, attached to exactly one anchor.

    ``by`` is the DLA member who adds it (checked against the anchor's
    ``editable_by``); ``None`` for files that arrive through a secure link, whose
    caller has authorised the sender and says so with ``source``.
    """
    anchors = {"structure": structure, "accompagnement": accompagnement, "ingenierie": ingenierie}
    given = {name: obj for name, obj in anchors.items() if obj is not None}
    if len(given) != 1:
        raise ValueError(
            "Un document est rattaché à une seule structure, un accompagnement ou une ingénierie."
        )
    anchor = next(iter(given.values()))
    _check_author(by, anchor, source)
    if kind not in DocumentKind.values:
        raise DocumentRefused("Type de document : choisissez un type dans la liste.")
    checked = check_upload(upload, max_bytes=max_upload_bytes())
    title = (title or "").strip() or checked.name.rsplit(".", 1)[0]
    name = _store(checked)
    try:
        with transaction.atomic():
            document = Document(
                **given,
                kind=kind,
                title=title[:200],
                shared_with_comite=shared_with_comite,
                created_by=by,
            )
            document._history_user = by
            document.save()
            _version(document, checked, name, number=1, by=by, source=source)
    except BaseException:
        document_storage().delete(name)
        raise
    return document


def add_version(
    document: Document, *, upload: IO[bytes] | File, by: Any | None, source: str = Source.UPLOAD
) -> DocumentVersion:
    """A new file for ``document``; the previous versions stay downloadable."""
    _check_author(by, document.anchor, source)
    if document.is_deleted:
        raise DocumentRefused("Ce document a été supprimé : ajoutez plutôt un nouveau document.")
    checked = check_upload(upload, max_bytes=max_upload_bytes())
    name = _store(checked)
    try:
        with transaction.atomic():
            # The document row lock serialises two uploads racing for the same number.
            locked = Document.objects.select_for_update().get(pk=document.pk)
            last = locked.versions.aggregate(last=Max("number"))["last"] or 0
            version = _version(locked, checked, name, number=last + 1, by=by, source=source)
    except BaseException:
        document_storage().delete(name)
        raise
    return version


def delete_document(document: Document, *, by: Any, reason: str = "") -> Document:
    """Soft delete: hidden from lists and downloads, journaled, the files kept."""
    _check_author(by, document.anchor, Source.UPLOAD)
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.is_deleted:
            return locked
        locked.deleted_at = timezone.now()
        locked.deleted_by = by
        locked.deletion_reason = reason.strip()[:300]
        locked._history_user = by
        locked.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])
    return locked


def set_shared_with_comite(document: Document, *, shared: bool, by: Any) -> Document:
    """Record the structure's consent (or its withdrawal) to show the document to the comité."""
    _check_author(by, document.anchor, Source.UPLOAD)
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.shared_with_comite != shared:
            locked.shared_with_comite = shared
            locked._history_user = by
            locked.save(update_fields=["shared_with_comite"])
    return locked


def open_version(version: DocumentVersion) -> File:
    """The stored file, opened for reading (the caller closes it, e.g. a FileResponse)."""
    if version.purged_at is not None:
        raise FileNotFoundError(version.storage_name)
    return document_storage().open(version.storage_name, "rb")


def _check_author(by: Any | None, anchor: Model, source: str) -> None:
    if by is None:
        if source not in (Source.PRESTATAIRE, Source.STRUCTURE):
            raise PermissionDenied("Un document déposé sans compte doit venir d'un lien sécurisé.")
        return
    if not type(anchor).objects.editable_by(by).filter(pk=anchor.pk).exists():
        raise PermissionDenied("Vous ne pouvez pas modifier les documents de ce dossier.")


def _store(checked: CheckedFile) -> str:
    today = timezone.localdate()
    name = f"documents/{today:%Y/%m}/{uuid.uuid4().hex}.{checked.extension}"
    return document_storage().save(name, ContentFile(checked.content))


def _version(
    document: Document,
    checked: CheckedFile,
    storage_name: str,
    *,
    number: int,
    by: Any | None,
    source: str,
) -> DocumentVersion:
    return DocumentVersion.objects.create(
        document=document,
        number=number,
        storage_name=storage_name,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        source=source,
        uploaded_by=by,
    )
