"""The case's story in one list: phases, exchanges, documents, tasks and corrections.

Newest first, filterable by kind (``?quoi=``), shown by a fragment of the case
page (views/case_fragments.py). Each source is read in a fixed number of queries,
whatever the number of rows, and only the sources the filter asks for are read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from .models import Accompagnement, Diagnostic, EchangeKind, Parcours, Tache, TransitionLog

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


def html(entries: list[Entry], editable: bool) -> SafeString:
    """The entries as the timeline's list items (``accompagnements/_timeline.html`` prints
    them): written here rather than by a loop of the template, which printed eight
    variables and two date filters per entry — a third of a heavy case's timeline CPU
    (50 exchanges, 20 documents, 10 tasks). ``editable``: edit links are shown."""
    items = []
    for entry in entries:
        at = timezone.localtime(entry.at)
        title = conditional_escape(entry.title)
        if entry.url and (not entry.edits or editable):
            heading = f'<a href="{conditional_escape(entry.url)}">{title}</a>'
        else:
            heading = f"<strong>{title}</strong>"
        who = f" · {conditional_escape(entry.who)}" if entry.who else ""
        lines = "".join(
            f'<br><span class="help">{conditional_escape(line)}</span>' for line in entry.lines
        )
        detail = f"<p>{linebreaksbr(entry.detail)}</p>" if entry.detail else ""
        items.append(
            f'<li class="timeline__entry timeline__entry--{escape(entry.category)}">\n'
            f'    <time datetime="{at.isoformat()}">{at:%d/%m/%Y %H:%M}</time> —\n'
            f"    {heading}\n    {who}\n    {lines}\n    {detail}\n  </li>"
        )
    return mark_safe("\n  ".join(items))  # every piece escaped above


def build(
    case: Accompagnement, choice: str = "", *, tasks=None, documents=None, exchanges=None
) -> list[Entry]:
    """The entries of ``case`` for the filter ``choice`` ('' for everything), newest first.

    ``tasks`` and ``documents`` may be given when the page has already read them
    (see ``load_tasks`` and ``load_documents``), to save their queries.
    """
    if choice.startswith(EXCHANGE_PREFIX):
        category, exchange_kind = ECHANGES, choice.removeprefix(EXCHANGE_PREFIX)
    else:
        category, exchange_kind = choice, ""
    wanted = {category} if category in CATEGORIES else set(CATEGORIES)
    entries: list[Entry] = []
    if PHASES in wanted:
        entries += _phases(case)
        entries += _passations(case)
    if ECHANGES in wanted:
        if exchanges is None:
            exchanges = load_exchanges(case)
        entries += _exchanges(
            case, [e for e in exchanges if e.kind == exchange_kind or not exchange_kind]
        )
    if DOCUMENTS in wanted:
        entries += _documents(load_documents(case) if documents is None else documents)
    if TACHES in wanted:
        entries += _tasks(load_tasks(case) if tasks is None else tasks)
    if CHANGES in wanted:
        entries += _changes(case)
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def _phases(case):
    # The timeline fragment has prefetched the journal (views.common.prefetch_journal).
    logs = getattr(case, "timeline", None)
    if logs is None:
        logs = TransitionLog.objects.filter(accompagnement=case).select_related("user")
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


def _passations(case):
    people = ("from_officer", "to_officer", "requested_by", "decided_by")
    passations = case.passations.select_related("from_dla", "to_dla", *people).defer(
        *named(*people)
    )
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


# The people of an exchange, prefetched into plain lists (``<relation>_list``): with
# ``to_attr`` Django builds no related manager and queryset per exchange to hold them
# (200 of each for a case of 50 exchanges: a fifth of its timeline's CPU).
PARTICIPANTS = ("contacts", "staff", "prestataires", "acteurs")


def load_exchanges(case) -> list:
    """The case's exchanges with their people (five queries, one when there are none)."""
    user = get_user_model()
    staff = user.objects.only(*user.NAME_FIELDS)
    return list(
        case.echanges.select_related("created_by")
        .defer(*named("created_by"))
        .prefetch_related(
            *(
                Prefetch(name, to_attr=f"{name}_list", queryset=staff if name == "staff" else None)
                for name in PARTICIPANTS
            )
        )
    )


# reverse() once for a case's exchanges (~100 function calls each): the edit address
# with this placeholder, then each exchange's key in its place.
_PLACEHOLDER = 2**62


def _exchanges(case, exchanges):
    edit_url = reverse("accompagnements:echange_edit", args=[case.pk, _PLACEHOLDER])
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
            url=edit_url.replace(str(_PLACEHOLDER), str(echange.pk)),
            edits=True,
        )


def load_documents(case):
    """All the case's documents, deleted ones included, with versions and people (3 queries)."""
    # Documents live in a higher app (dossiers); the case reaches them by the reverse relation.
    versions = case.documents.model._meta.get_field("versions").related_model
    return list(
        case.documents.select_related("created_by", "deleted_by")
        .defer(*named("created_by", "deleted_by"))
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=versions.objects.select_related("uploaded_by").defer(
                    *named("uploaded_by")
                ),
                to_attr="all_versions",
            )
        )
    )


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


def load_tasks(case) -> list[Tache]:
    tasks = Tache.objects.filter(accompagnement=case)
    people = ("assignee", "created_by", "done_by")
    return list(tasks.select_related(*people).defer(*named(*people)))


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


def _changes(case):
    sources = [
        ("Fiche de l'accompagnement", Accompagnement.history.filter(id=case.pk)),
        ("Diagnostic partagé", Diagnostic.history.filter(accompagnement_id=case.pk)),
        ("Parcours", Parcours.history.filter(accompagnement_id=case.pk)),
    ]
    for label, history in sources:
        rows = list(
            history.select_related("history_user")
            .defer(*named("history_user"))
            .order_by("history_date", "history_id")
        )
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
