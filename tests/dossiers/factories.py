from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import DocumentKind
from dossiers.services import add_document
from tests.uploads.files import pdf_bytes


def upload(name="statuts.pdf", data=None):
    return SimpleUploadedFile(name, pdf_bytes() if data is None else data)


def case_document(case, *, by=None, kind=DocumentKind.STATUTS, title="", **extra):
    """A document on ``case`` added by its officer, through the service."""
    return add_document(
        upload=extra.pop("upload", None) or upload(),
        kind=kind,
        title=title,
        by=by or case.officer,
        accompagnement=case,
        **extra,
    )
