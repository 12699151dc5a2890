"""Write actions on documents (and, in later modules, generated paperwork).

Other apps use these verbs, never the storage directly: a consultant's proposal
sent through a secure link is ``add_document(..., by=None, source=Source.PRESTATAIRE)``.
"""

from .documents import (
    DocumentRefused,
    add_document,
    add_version,
    delete_document,
    document_storage,
    max_upload_bytes,
    open_version,
    set_shared_with_comite,
)

__all__ = [
    "DocumentRefused",
    "add_document",
    "add_version",
    "delete_document",
    "document_storage",
    "max_upload_bytes",
    "open_version",
    "set_shared_with_comite",
]
