"""Signals the register sends for writes that bypass ``post_save`` (bulk paths).

``structures_changed(sender, structure_ids, using)``: structures were updated or moved
in bulk (an import's updates, a merge's moved rows), once per batch. Apps above the
register (reporting's summaries) listen; the register imports none of them.
"""

from django.dispatch import Signal

structures_changed = Signal()
