"""Home page sections (dla_suivi.views.home_sections hook)."""

from django.db.models import Count, Q

from territoires import policy

from .models import Accompagnement, Notification, State, Tache
from .models.case import overdue_q
from .views.case_file import my_pending_tasks


def home_sections(request):
    user = request.user
    if not policy.reads_case_data(user):
        return []
    page = policy.home_page(user)
    if page == "departement":
        return [_my_cases(user)]
    if page == "region":
        return [
            _overview(
                user,
                by="structure__departement",
                label="Département",
                title="Accompagnements ouverts dans la région",
            ),
            _my_cases(user),
        ]
    return [
        _overview(
            user, by="structure__region", label="Région", title="Accompagnements ouverts en France"
        )
    ]


def _my_cases(user):
    cases = Accompagnement.objects.visible_to(user).open().filter(officer=user)
    counts = cases.aggregate(
        **{state: Count("pk", filter=Q(state=state)) for state in State.OPEN},
        overdue=Count("pk", filter=overdue_q()),
    )
    return {
        "template": "accompagnements/home/officer.html",
        "phases": [{"label": State(s).label, "count": counts[s], "state": s} for s in State.OPEN],
        "overdue": counts["overdue"],
        # The reminders still true (a resolved one is no longer counted).
        "unread": Notification.objects.unread().filter(recipient=user).count(),
        "tasks": my_pending_tasks(user, limit=10),
        "overdue_tasks": Tache.objects.visible_to(user).overdue().filter(assignee=user).count(),
    }


def _overview(user, *, by, label, title):
    rows = (
        Accompagnement.objects.visible_to(user)
        .open()
        .values(f"{by}__pk", f"{by}__code", f"{by}__name")
        .annotate(
            **{state: Count("pk", filter=Q(state=state)) for state in State.OPEN},
            overdue=Count("pk", filter=overdue_q()),
        )
        .order_by(f"{by}__code")
    )
    return {
        "template": "accompagnements/home/overview.html",
        "title": title,
        "territory_label": label,
        "phase_labels": [State(s).label for s in State.OPEN],
        "rows": [
            {
                "territory": f"{row[f'{by}__code']} - {row[f'{by}__name']}",
                # Each count opens the case list filtered alike (it filters by department).
                "filter": (
                    f"departement={row[f'{by}__pk']}" if by == "structure__departement" else ""
                ),
                "counts": list(zip(State.OPEN, [row[s] for s in State.OPEN], strict=True)),
                "overdue": row["overdue"],
            }
            for row in rows
        ],
    }
