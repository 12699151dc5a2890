"""The case's story in one list: phases, exchanges, documents, tasks and corrections.

Newest first, filterable by kind (``?quoi=``), shown by a fragment of the case
page (views/case_fragments.py). Each source is read in a fixed number of queries,
whatever the number of rows, and only the sources the filter asks for are read.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from territoires.models import Dla
from webinput.markup import escaped
from webinput.reverse import reverse_rows

from .models import (
    Accompagnement,
    Diagnostic,
    Echange,
    EchangeKind,
    Parcours,
    Passation,
    Tache,
    TransitionLog,
)

PHASES = "phases"
ECHANGES = "echanges"
DOCUMENTS = "documents"
TACHES = "taches"
CHANGES = "modifications"

CATEGORIES = {
    PHASES: "changements de phase",
    ECHANGES: "échanges (tous)",
    DOCUMENTS: "documents",
    TACHES: "tâches",
    CHANGES: "modifications de la fiche",
}
# "echange:telephone": one kind of exchange.
EXCHANGE_PREFIX = "echange:"


def filter_choices() -> list[tuple[str, str]]:
    return [
        *CATEGORIES.items(),
        *(
            (f"{EXCHANGE_PREFIX}{value}", f"échanges : {label}")
            for value, label in EchangeKind.choices
        ),
    ]


@dataclass
class Entry:
    at: datetime.datetime
    category: str
    title: str
    who: Any = None
    detail: str = ""
    url: str = ""
    lines: list[str] = field(default_factory=list)
    kind: str = ""
    # The url opens the entry's edit form: a link for those who may edit the case only.
    edits: bool = False


def named(*relations: str) -> list[str]:
    """``defer()`` arguments keeping, of the people behind ``relations`` (foreign keys to
    users), what their name needs (``User.NAME_FIELDS``): a heavy case's timeline names
    some 170 people, whose other columns were compiled, read and set for nothing."""
    user = get_user_model()
    kept = {user._meta.pk.attname, *user.NAME_FIELDS}
    return [
        f"{relation}__{field.attname}"
        for relation in relations
        for field in user._meta.concrete_fields
        if field.attname not in kept
    ]


# Sources most cases leave empty: exchanges with consultants or support actors, handovers.
RARE_PARTICIPANTS = ("prestataires", "acteurs")
_HAS = "timeline_has_"


def presence() -> dict[str, Exists]:
    """Annotations of a case (``views.common.timeline_queryset``) telling whether it has
    any of the rarely used sources, read with the case: the timeline skips the query of
    each empty one (three of fifteen for most cases)."""
    flags = {
        f"{_HAS}{name}": Exists(
            Echange._meta.get_field(name).remote_field.through.objects.filter(
                echange__accompagnement=OuterRef("pk")
            )
        )
        for name in RARE_PARTICIPANTS
    }
    flags[f"{_HAS}passations"] = Exists(Passation.objects.filter(accompagnement=OuterRef("pk")))
    return flags


def _may_have(case, source: str) -> bool:
    """False when the case was read with ``presence()`` and has no ``source``."""
    return getattr(case, f"{_HAS}{source}", True) is not False


def _gather(parents: list, attribute: str, children, parent_key) -> None:
    """Give each of ``parents`` a plain list ``attribute`` of its ``children`` (rows of one
    query for the whole case, in their order); ``parent_key(child)``: its parent's key."""
    by_pk = {parent.pk: parent for parent in parents}
    for parent in parents:
        setattr(parent, attribute, [])
    for child in children:
        getattr(by_pk[parent_key(child)], attribute).append(child)


def html(entries: list[Entry], editable: bool) -> SafeString:
    """The entries as the timeline's list items (``accompagnements/_timeline.html`` prints
    them): written here rather than by a loop of the template, which printed eight
    variables and two date filters per entry — a third of a heavy case's timeline CPU
    (50 exchanges, 20 documents, 10 tasks). ``editable``: edit links are shown."""
    items = []
    for entry in entries:
        at = timezone.localtime(entry.at)
        title = escaped(entry.title)
        if entry.url and (not entry.edits or editable):
            heading = f'<a href="{escaped(entry.url)}">{title}</a>'
        else:
            heading = f"<strong>{title}</strong>"
        who = f" · {escaped(entry.who)}" if entry.who else ""
        lines = "".join(f'<br><span class="help">{escaped(line)}</span>' for line in entry.lines)
        detail = f"<p>{linebreaksbr(entry.detail)}</p>" if entry.detail else ""
        items.append(
            f'<li class="timeline__entry timeline__entry--{escaped(entry.category)}">\n'
            f'    <time datetime="{at.isoformat()}">{at:%d/%m/%Y %H:%M}</time> —\n'
            f"    {heading}\n    {who}\n    {lines}\n    {detail}\n  </li>"
        )
    return mark_safe("\n  ".join(items))  # every piece escaped above


def build(case: Accompagnement, choice: str = "") -> list[Entry]:
    """The entries of ``case`` for the filter ``choice`` ('' for everything), newest first.

    Each source is read without its people, then the people of all of them in one query
    (``_give_people``): a join per person in each source's query cost more to compile and
    to read than the rows (a case's ten tasks: 3.3 ms with their three people joined, 0.8
    without), and made an instance of the same person for every row.
    """
    if choice.startswith(EXCHANGE_PREFIX):
        category, exchange_kind = ECHANGES, choice.removeprefix(EXCHANGE_PREFIX)
    else:
        category, exchange_kind = choice, ""
    wanted = {category} if category in CATEGORIES else set(CATEGORIES)
    # (entries of rows, the rows), and (rows, their relations to people).
    sources: list[tuple[Callable[[list], Iterable[Entry]], list]] = []
    people: list[tuple[list, tuple[str, ...]]] = []
    if PHASES in wanted:
        logs = list(TransitionLog.objects.filter(accompagnement=case))
        passations = _load_passations(case)
        sources += [(_phases, logs), (_passations, passations)]
        people += [(logs, ("user",)), (passations, PASSATION_PEOPLE)]
    if ECHANGES in wanted:
        exchanges = [
            e for e in load_exchanges(case) if e.kind == exchange_kind or not exchange_kind
        ]
        sources.append((partial(_exchanges, case), exchanges))
        people.append((exchanges, ("created_by",)))
    if DOCUMENTS in wanted:
        documents = load_documents(case)
        versions = [version for document in documents for version in document.all_versions]
        sources.append((_documents, documents))
        people += [(documents, ("created_by", "deleted_by")), (versions, ("uploaded_by",))]
    if TACHES in wanted:
        tasks = list(Tache.objects.filter(accompagnement=case))
        sources.append((_tasks, tasks))
        people.append((tasks, ("assignee", "created_by", "done_by")))
    if CHANGES in wanted:
        histories = _load_histories(case)
        sources.append((_changes, histories))
        people += [(rows, ("history_user",)) for _, rows in histories]
    _give_people(people)
    entries = [entry for entries_of, rows in sources for entry in entries_of(rows)]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def _give_people(people: list[tuple[list, tuple[str, ...]]]) -> None:
    """Set on each row the people of its ``relations`` (foreign keys to users), read in
    one query by their names only (``User.NAME_FIELDS``), none when there are none."""
    user = get_user_model()
    _attach(user.objects.only(*user.NAME_FIELDS), people)


def _attach(objects, targets: list[tuple[list, tuple[str, ...]]]) -> None:
    """Set on each row of ``targets`` the objects of its ``relations`` (foreign keys),
    read from ``objects`` in one query by their keys, none when there are none."""
    keys = {
        getattr(row, f"{name}_id")
        for rows, relations in targets
        for row in rows
        for name in relations
    }
    keys.discard(None)
    found = objects.in_bulk(keys) if keys else {}
    for rows, relations in targets:
        for row in rows:
            for name in relations:
                key = getattr(row, f"{name}_id")
                setattr(row, name, None if key is None else found[key])


def _phases(logs):
    for log in logs:
        title = (
            f"{log.get_from_state_display()} → {log.get_to_state_display()}"
            if log.from_state
            else f"Ouverture : {log.get_to_state_display()}"
        )
        title = title[:1].upper() + title[1:]
        yield Entry(
            at=log.timestamp, category=PHASES, title=title, who=log.user, detail=log.comment
        )


PASSATION_PEOPLE = ("from_officer", "to_officer", "requested_by", "decided_by")


def _load_passations(case) -> list:
    """The case's handovers with their DLAs (their people are read with the timeline's):
    one query when there are none (most cases), two otherwise. A join of the six
    relations cost five times as much to compile as the empty answer it gave."""
    if not _may_have(case, "passations"):
        return []
    passations = list(case.passations.all())
    if not passations:
        return passations
    _attach(Dla.objects, [(passations, ("from_dla", "to_dla"))])
    return passations


def _passations(passations):
    for p in passations:
        if p.kind == "reassign":
            title = f"Confié à {p.to_officer} (auparavant {p.from_officer})"
            yield Entry(
                at=p.requested_at, category=PHASES, title=title, who=p.requested_by, detail=p.reason
            )
            continue
        yield Entry(
            at=p.requested_at,
            category=PHASES,
            title=f"Transfert proposé : {p.from_dla} → {p.to_dla}",
            who=p.requested_by,
            detail=p.reason,
        )
        if p.decided_at:
            verdict = "accepté" if p.status == "accepted" else "refusé"
            who = f", confié à {p.to_officer}" if p.to_officer else ""
            yield Entry(
                at=p.decided_at,
                category=PHASES,
                title=f"Transfert {verdict} par {p.to_dla}{who}",
                who=p.decided_by,
                detail=p.decision_comment,
            )


# The people of an exchange, in plain lists (``<relation>_list``), read from each
# relation's link table joined to the people and filtered by the case: no related
# manager per exchange, and no list of the exchanges' keys compiled into each query
# (prefetch_related's ``IN``, a third of the exchanges' ORM CPU for a case of 50).
PARTICIPANTS = ("contacts", "staff", "prestataires", "acteurs")


def load_exchanges(case) -> list:
    """The case's exchanges with their people: one query, then one per kind of participant
    (contacts, staff, and consultants or support actors when ``presence`` found some)."""
    exchanges = list(case.echanges.all())
    for name in PARTICIPANTS:
        people = _participants(case, name) if exchanges and _may_have(case, name) else ()
        _gather(exchanges, f"{name}_list", people, attrgetter("timeline_echange"))
    return exchanges


def _participants(case, name: str):
    """The people of the case's exchanges by one relation, each row with its exchange."""
    field = Echange._meta.get_field(name)
    link = field.related_query_name()
    return (
        field.related_model._default_manager.filter(**{f"{link}__accompagnement": case})
        # The exchange of each row, through the join the filter made.
        .annotate(timeline_echange=F(f"{link}__pk"))
        # Their names only (each model's NAME_FIELDS, beside its __str__).
        .only(*field.related_model.NAME_FIELDS)
    )


def _exchanges(case, exchanges):
    # reverse() once for the case's exchanges (~100 function calls each).
    edit_url = reverse_rows("accompagnements:echange_edit", case.pk)
    for echange in exchanges:
        participants = [
            *(str(person) for name in PARTICIPANTS for person in getattr(echange, f"{name}_list")),
            *([echange.other_participants] if echange.other_participants else []),
        ]
        lines = []
        if participants:
            lines.append("Participants : " + ", ".join(participants))
        if echange.next_step:
            lines.append(
                f"Prochaine étape : {echange.next_step} (pour le {echange.next_step_due:%d/%m/%Y})"
            )
        yield Entry(
            at=echange.occurred_at,
            category=ECHANGES,
            kind=echange.kind,
            title=f"{echange.get_kind_display().capitalize()} : {echange.subject}",
            who=echange.created_by,
            detail=echange.summary,
            lines=lines,
            url=edit_url(echange.pk),
            edits=True,
        )


def load_documents(case):
    """All the case's documents, deleted ones included, with their versions (2 queries)."""
    # Documents live in a higher app (dossiers); the case reaches them by the reverse relation.
    documents = list(case.documents.all())
    versions = ()
    if documents:
        # The case's versions by their document's case rather than prefetch_related's
        # list of the documents' keys, as the exchanges' people.
        model = case.documents.model._meta.get_field("versions").related_model
        versions = model.objects.filter(document__accompagnement=case)
    _gather(documents, "all_versions", versions, attrgetter("document_id"))
    return documents


def _documents(documents):
    for document in documents:
        for version in document.all_versions:
            label = "Document ajouté" if version.number == 1 else f"Version {version.number}"
            yield Entry(
                at=version.uploaded_at,
                category=DOCUMENTS,
                title=f"{label} : {document} ({document.get_kind_display()})",
                who=version.uploaded_by or version.get_source_display(),
                url="" if document.deleted_at else document.get_absolute_url(),
            )
        if document.deleted_at:
            yield Entry(
                at=document.deleted_at,
                category=DOCUMENTS,
                title=f"Document supprimé : {document}",
                who=document.deleted_by,
                detail=document.deletion_reason,
            )


def _tasks(tasks):
    for task in tasks:
        yield Entry(
            at=task.created_at,
            category=TACHES,
            title=f"Tâche : {task} (pour le {task.due_on:%d/%m/%Y}, confiée à {task.assignee})",
            who=task.created_by,
        )
        if task.done_at:
            yield Entry(
                at=task.done_at, category=TACHES, title=f"Tâche faite : {task}", who=task.done_by
            )


# Fields whose changes the journal already tells (phases) or that say nothing to a reader.
_SILENT = {"state", "state_entered_at", "left_state", "closed_on", "id", "accompagnement"}


# The historical models (django-simple-history), by their own manager: ``Model.history``
# builds a manager class at each access (``Manager.from_queryset``, ~0.4 ms).
_HISTORIES = (
    ("Fiche de l'accompagnement", Accompagnement.history.model, "id"),
    ("Diagnostic partagé", Diagnostic.history.model, "accompagnement_id"),
    ("Parcours", Parcours.history.model, "accompagnement_id"),
)


def _load_histories(case) -> list[tuple[str, list]]:
    """Each history of the case (its label, its rows oldest first)."""
    return [
        (
            label,
            list(
                historical._default_manager.filter(**{key: case.pk}).order_by(
                    "history_date", "history_id"
                )
            ),
        )
        for label, historical, key in _HISTORIES
    ]


def _changes(histories):
    for label, rows in histories:
        for previous, row in zip([None, *rows], rows, strict=False):
            if previous is None:
                if label == "Fiche de l'accompagnement":
                    continue  # the opening is in the journal
                yield Entry(
                    at=row.history_date,
                    category=CHANGES,
                    title=f"{label} commencé",
                    who=row.history_user,
                )
                continue
            changed = [
                str(row.instance_type._meta.get_field(name).verbose_name)
                for name in _changed_fields(previous, row)
            ]
            if changed:
                yield Entry(
                    at=row.history_date,
                    category=CHANGES,
                    title=f"{label} modifié : " + ", ".join(changed),
                    who=row.history_user,
                )


def _changed_fields(previous, row) -> list[str]:
    names = [f.attname for f in row.instance_type._meta.concrete_fields]
    return [
        name.removesuffix("_id")
        for name in names
        if name.removesuffix("_id") not in _SILENT
        and getattr(previous, name, None) != getattr(row, name, None)
    ]
