from django.urls import NoReverseMatch

from territoires import policy
from webinput.reverse import reverse_fixed


def _everyone(user) -> bool:
    return True


# The navigation, grouped by task: (group, [(label, url name, who sees it)]). Who sees an
# entry is a capability of the access policy; entries whose view does not exist are skipped.
NAVIGATION = [
    (
        "Mon travail",
        [
            ("Accueil", "home", _everyone),
            ("Tableau de suivi", "accompagnements:workboard", policy.works_cases),
            ("Rappels", "accompagnements:notifications", policy.works_cases),
            ("Diagnostics partagés", "pilotage:partages", policy.reads_shared_diagnostics),
        ],
    ),
    (
        "Registres",
        [
            ("Structures", "structures:list", policy.reads_case_data),
            ("Accompagnements", "accompagnements:list", policy.reads_case_data),
            ("Prestataires", "accompagnements:prestataires", policy.reads_case_data),
            ("Comités d'appui", "accompagnements:comites", policy.reads_case_data),
            ("Acteurs d'appui", "accompagnements:acteurs", policy.reads_case_data),
        ],
    ),
    (
        "Pilotage",
        [
            ("Tableaux de bord", "reporting:dashboard", policy.reads_dashboards),
            ("Pilotage", "pilotage:index", policy.reads_pilotage),
            ("Statistiques", "reporting:exports", policy.may_export_national_statistics),
            ("Rapports", "reporting:reports", policy.may_request_reports),
        ],
    ),
    (
        "Administration",
        [("Administration", "admin:index", policy.uses_admin_site)],
    ),
    (
        "Mon compte",
        [
            ("Mot de passe", "password_change", _everyone),
            ("Jetons d'API", "jetons:list", _everyone),
        ],
    ),
]


def _current(path: str, urls: list[str]) -> str | None:
    """The one entry the page belongs to: the longest URL the path starts with.

    "/accompagnements/tableau-de-suivi/" is the workboard's, not the case list's too.
    """
    matching = [url for url in urls if (path == url if url == "/" else path.startswith(url))]
    return max(matching, key=len, default=None)


def navigation(request):
    # A page renders some templates with a context of their own (django-tables2's
    # render_table): the menu is built once per request.
    if not hasattr(request, "_navigation"):
        request._navigation = _navigation(request)
    return request._navigation


def _navigation(request):
    user = getattr(request, "user", None)
    if user is None or policy.active_role(user) is None:
        return {"navigation": [], "works_cases": False}
    groups = []
    for title, entries in NAVIGATION:
        items = []
        for label, name, shown_to in entries:
            if not shown_to(user):
                continue
            try:
                url = reverse_fixed(name)
            except NoReverseMatch:
                continue
            items.append({"label": label, "url": url, "current": False})
        if items:
            groups.append({"title": title, "items": items, "current": False})
    current = _current(request.path, [item["url"] for group in groups for item in group["items"]])
    for group in groups:
        for item in group["items"]:
            if item["url"] == current:
                item["current"] = group["current"] = True
                break
    return {"navigation": groups, "works_cases": policy.works_cases(user)}
