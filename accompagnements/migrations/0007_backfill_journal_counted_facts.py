"""Fill the journal's counted facts from what each row and its case say today.

Rows written by ``advance`` carry their reason codes in ``details``; the case's
current exit fields describe only its latest exit. A case without an opening
row, or a closed case without its exit row (data older than the journal), gets
the missing row rebuilt from ``opened_on`` / ``closed_on``.
"""

import datetime

from django.db import migrations
from django.utils import timezone

OPEN = ("accueil", "diagnostic", "parcours", "coordination", "suivi")
TERMINAL = ("cloture", "reoriente", "abandonne")
REBUILT = "Écriture reconstituée depuis la fiche de l'accompagnement (reprise de l'historique)."


def _start_of(day):
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=timezone.get_default_timezone())


def backfill(apps, schema_editor):
    Accompagnement = apps.get_model("accompagnements", "Accompagnement")
    TransitionLog = apps.get_model("accompagnements", "TransitionLog")
    ActeurAppui = apps.get_model("accompagnements", "ActeurAppui")
    acteurs = set(ActeurAppui.objects.values_list("pk", flat=True))
    rows_by_case = {}
    for row in TransitionLog.objects.order_by("accompagnement_id", "timestamp", "pk").iterator():
        rows_by_case.setdefault(row.accompagnement_id, []).append(row)
    updated, created = [], []
    for case in Accompagnement.objects.order_by("pk").iterator():
        rows = rows_by_case.get(case.pk, [])
        if not rows or rows[0].from_state:
            first = _start_of(case.opened_on)
            if rows and rows[0].timestamp < first:
                first = rows[0].timestamp - datetime.timedelta(seconds=1)
            opening = TransitionLog(
                accompagnement_id=case.pk,
                user_id=case.officer_id,
                transition="open",
                from_state="",
                to_state="accueil",
                comment=REBUILT,
                timestamp=first,
            )
            rows.insert(0, opening)
        if case.state in TERMINAL and rows[-1].to_state != case.state:
            last = max(_start_of(case.closed_on or case.opened_on), rows[-1].timestamp)
            rows.append(
                TransitionLog(
                    accompagnement_id=case.pk,
                    user_id=case.officer_id,
                    transition={"cloture": "close", "reoriente": "reorient"}.get(
                        case.state, "abandon"
                    ),
                    from_state=case.left_state or rows[-1].to_state,
                    to_state=case.state,
                    comment=REBUILT,
                    timestamp=last + datetime.timedelta(seconds=1),
                )
            )
        previous = None
        for index, row in enumerate(rows):
            latest_exit = index == len(rows) - 1 and row.to_state == case.state
            details = row.details or {}
            if not row.from_state:
                row.on_date = case.opened_on
            elif latest_exit and row.to_state in TERMINAL and case.closed_on:
                row.on_date = case.closed_on
            else:
                row.on_date = timezone.localdate(row.timestamp)
            reason = details.get("reason") or ""
            acteur = (details.get("acteur") or {}).get("id")
            if latest_exit and not reason:
                reason = {
                    "reoriente": case.reorientation_reason,
                    "abandonne": case.abandon_reason,
                }.get(row.to_state, "")
            if latest_exit and not acteur and row.to_state == "reoriente":
                acteur = case.reoriented_to_id
            row.exit_reason = reason if row.to_state in ("reoriente", "abandonne") else ""
            row.reoriented_to_id = (
                acteur if row.to_state == "reoriente" and acteur in acteurs else None
            )
            row.open_days = 0
            if previous is not None:
                row.open_days = previous.open_days
                if previous.to_state in OPEN:
                    row.open_days += max((row.on_date - previous.on_date).days, 0)
            (updated if row.pk else created).append(row)
            previous = row
    fields = ["on_date", "exit_reason", "reoriented_to", "open_days"]
    TransitionLog.objects.bulk_update(updated, fields, batch_size=1000)
    TransitionLog.objects.bulk_create(created, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accompagnements", "0006_journal_counted_facts"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
