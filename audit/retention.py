"""RGPD retention: anonymise contacts once a structure's last case ended long ago.

What statistics need (sector, size, territory, jobs, dates, amounts) stays; who
the people were goes, from the live rows and from their history rows, and from the
personal links sent about the structure's cases and their journal (``liens``).
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Exists, Max, Min, Model, OuterRef, Q
from django.utils import timezone

from accompagnements.models import Accompagnement, Diagnostic, Ingenierie, Parcours, PlanAction
from dossiers.models import DocumentVersion
from dossiers.services import document_storage
from liens.services import erase_people
from structures.models import Contact, Structure

from .models import ErasureLog

ANONYMISED = "Personne anonymisée"
CONTACT_VALUES = {"first_name": ANONYMISED, "last_name": "", "email": "", "phone": ""}


@dataclass
class RetentionReport:
    cutoff: datetime.date
    dry_run: bool
    structures: list[int] = field(default_factory=list)
    contacts: int = 0
    validations: int = 0
    history_rows: int = 0
    document_files: int = 0
    links: int = 0
    link_events: int = 0


def expired_structures(cutoff: datetime.date):
    """Structures with no open case whose last case ended before the cutoff."""
    open_case = Accompagnement.objects.open().filter(structure=OuterRef("pk"))
    return (
        Structure.objects.annotate(last_closed=Max("accompagnements__closed_on"))
        .filter(last_closed__lt=cutoff)
        .exclude(Exists(open_case))
    )


def _erase_documents(structures: list[int], report: RetentionReport, *, by) -> list[ErasureLog]:
    """The files of the structure's documents (its own and its cases'), deleted ones included.

    The document and version rows stay (kind, dates, sizes: the journal) without the
    file or its name; the files leave the storage once the transaction commits.
    """
    versions = DocumentVersion.objects.filter(
        Q(document__structure_id__in=structures)
        | Q(document__accompagnement__structure_id__in=structures),
        purged_at__isnull=True,
    ).select_related("document__accompagnement")
    logs, names = [], []
    for version in versions:
        report.document_files += 1
        document = version.document
        structure_id = document.structure_id or document.accompagnement.structure_id
        names.append(version.storage_name)
        logs.append(
            ErasureLog(
                performed_by=by,
                reason=ErasureLog.Reason.RETENTION,
                model="dossiers.DocumentVersion",
                object_id=version.pk,
                structure_id=structure_id,
                fields=["file", "original_name"],
            )
        )
    if report.dry_run:
        return []
    versions.update(purged_at=timezone.now(), original_name="")
    storage = document_storage()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return logs


def _link_targets(structures: list[int]) -> list[tuple[type[Model], dict[int, int | None]]]:
    """What the personal links of these structures point at: per model, object id → its
    structure (``None`` for a collective ingénierie's, which concerns several).

    A case's links (validations, surveys), an orientation's acknowledgement, and an
    ingénierie's consultation (invitations to consultants, the structure's scoring):
    the latter only once every structure of the ingénierie has reached the retention.
    """
    from espace.models import Consultation, Handover, Invitation

    cases = Accompagnement.objects.filter(structure_id__in=structures)
    handovers = Handover.objects.filter(accompagnement__in=cases)
    # An ingénierie that also concerns a structure still kept keeps its links.
    elsewhere = PlanAction.objects.filter(ingenierie_id=OuterRef("pk")).exclude(
        accompagnement__structure_id__in=structures
    )
    ingenieries: dict[int, int | None] = {
        pk: first if count == 1 else None
        for pk, first, count in Ingenierie.objects.filter(
            accompagnements__structure_id__in=structures
        )
        .exclude(Exists(elsewhere))
        .annotate(
            first=Min("accompagnements__structure"),
            count=Count("accompagnements__structure", distinct=True),
        )
        .values_list("pk", "first", "count")
    }
    consultations = Consultation.objects.filter(ingenierie_id__in=ingenieries)
    invitations = Invitation.objects.filter(consultation__in=consultations)
    return [
        (Accompagnement, dict(cases.values_list("pk", "structure_id"))),
        (Handover, dict(handovers.values_list("pk", "accompagnement__structure_id"))),
        (
            Consultation,
            {pk: ingenieries[i] for pk, i in consultations.values_list("pk", "ingenierie_id")},
        ),
        (
            Invitation,
            {
                pk: ingenieries[i]
                for pk, i in invitations.values_list("pk", "consultation__ingenierie_id")
            },
        ),
    ]


def _erase_links(structures: list[int], report: RetentionReport, *, by) -> list[ErasureLog]:
    """The recipients of the personal links about these structures, and the link journal."""
    logs = []
    for model, targets in _link_targets(structures):
        for link in erase_people(model, targets, dry_run=report.dry_run):
            report.links += 1
            report.link_events += link.events
            logs.append(
                ErasureLog(
                    performed_by=by,
                    reason=ErasureLog.Reason.RETENTION,
                    model="liens.SecureLink",
                    object_id=link.link_id,
                    structure_id=targets[link.object_id],
                    fields=[
                        "recipient_name",
                        "recipient_email",
                        "events.name",
                        "events.email",
                        "events.ip_address",
                        "events.details",
                    ],
                    history_rows=link.events,
                )
            )
    return [] if report.dry_run else logs


def apply_retention(*, years: int, dry_run: bool = False, today=None, by=None) -> RetentionReport:
    today = today or timezone.localdate()
    cutoff = today.replace(year=today.year - years)
    report = RetentionReport(cutoff=cutoff, dry_run=dry_run)
    with transaction.atomic():
        structures = list(expired_structures(cutoff).values_list("pk", flat=True))
        contacts = Contact.objects.filter(structure_id__in=structures, anonymised_at__isnull=True)
        diagnostics = Diagnostic.objects.filter(
            accompagnement__structure_id__in=structures
        ).exclude(validated_by_name__in=["", ANONYMISED])
        plans = Parcours.objects.filter(accompagnement__structure_id__in=structures).exclude(
            validated_by_name__in=["", ANONYMISED]
        )
        report.structures = structures
        logs = []
        for contact in contacts.only("pk", "structure_id"):
            history = Contact.history.filter(id=contact.pk)
            rows = history.count()
            report.contacts += 1
            report.history_rows += rows
            if not dry_run:
                history.update(**CONTACT_VALUES)
                logs.append(
                    ErasureLog(
                        performed_by=by,
                        reason=ErasureLog.Reason.RETENTION,
                        model="structures.Contact",
                        object_id=contact.pk,
                        structure_id=contact.structure_id,
                        fields=list(Contact.PERSONAL_DATA_FIELDS),
                        history_rows=rows,
                    )
                )
        for queryset, label in ((diagnostics, "Diagnostic"), (plans, "Parcours")):
            for obj in queryset.only("pk", "accompagnement__structure_id"):
                report.validations += 1
                if not dry_run:
                    logs.append(
                        ErasureLog(
                            performed_by=by,
                            reason=ErasureLog.Reason.RETENTION,
                            model=f"accompagnements.{label}",
                            object_id=obj.pk,
                            structure_id=obj.accompagnement.structure_id,
                            fields=["validated_by_name"],
                        )
                    )
        logs += _erase_documents(structures, report, by=by)
        logs += _erase_links(structures, report, by=by)
        if not dry_run:
            contacts.update(anonymised_at=timezone.now(), **CONTACT_VALUES)
            diagnostics.update(validated_by_name=ANONYMISED)
            plans.update(validated_by_name=ANONYMISED)
            ErasureLog.objects.bulk_create(logs)
    return report
