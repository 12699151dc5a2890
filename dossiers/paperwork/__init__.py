"""Paperwork generated from a case's data: PDFs (WeasyPrint) and an editable ODT.

The diagnostic partagé, the parcours and the bilan belong to the case; the
cahier des charges (PDF and ODT) and the PV de sélection to the ingénierie. Each
is stored as a document through ``dossiers.services`` (a new version of the same
generated document when it exists), so it is versioned, downloadable and shared
like any other document.
"""

from .generate import KINDS, PaperworkKind, generate

__all__ = ["KINDS", "PaperworkKind", "generate"]
