"""A list of documents (``dossiers/_list.html``, on the case and ingénierie pages) written
here rather than by a loop of the template, which printed nine variables, two URLs and
a date per document: a tenth of a case page carrying twenty documents."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from webinput.markup import escaped

from .models import Document


def document_rows(documents: Iterable[Document]) -> SafeString:
    """A ``<tr>`` per document: its title, kind, latest version and whether the comité
    may see it (``all_versions`` prefetched, as ``Document.latest`` reads them)."""
    rows = []
    for document in documents:
        latest = document.latest
        version = ""
        if latest:
            uploaded = timezone.localtime(latest.uploaded_at)
            version = (
                f'<a href="{latest.get_download_url()}" download>'
                f"v{latest.number} · {escaped(latest.original_name)}</a> ({uploaded:%d/%m/%Y})"
            )
        rows.append(
            "\n    <tr>\n"
            f'      <td><a href="{document.get_absolute_url()}">{escaped(document)}</a></td>\n'
            f"      <td>{escaped(document.get_kind_display())}</td>\n"
            f"      <td>{version}</td>\n"
            f"      <td>{'partageable' if document.shared_with_comite else '—'}</td>\n"
            "    </tr>\n    "
        )
    return mark_safe("".join(rows))  # every text escaped above
