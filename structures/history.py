"""Who changed what and when, from django-simple-history records."""

from dataclasses import dataclass

from .models import Structure

MAX_ENTRIES = 100
_HISTORICAL = Structure.history.model
_KINDS = {"+": "création", "~": "modification", "-": "suppression"}


@dataclass
class HistoryEntry:
    date: object
    user: object
    kind: str
    fields: list[str]
    reason: str


def history_entries(structure: Structure, limit: int = MAX_ENTRIES) -> list[HistoryEntry]:
    """Newest first. One query: diffs are computed between consecutive records in Python."""
    # The historical model's own manager: ``structure.history`` builds a manager class at
    # each access (``Manager.from_queryset``).
    records = list(
        _HISTORICAL._default_manager.filter(id=structure.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    labels = {f.name: f.verbose_name for f in Structure._meta.fields}
    entries = []
    for index, newer in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        fields = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older)
            fields = [str(labels.get(change.field, change.field)) for change in delta.changes]
        entries.append(
            HistoryEntry(
                date=newer.history_date,
                user=newer.history_user,
                kind=_KINDS.get(newer.history_type, newer.history_type),
                fields=fields,
                reason=newer.history_change_reason or "",
            )
        )
    return entries
