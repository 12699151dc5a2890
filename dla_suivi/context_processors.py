from django.urls import NoReverseMatch, reverse

from territoires import policy


def _everyone(user) -> bool:
    return True


# (label, url name, who sees it: a capability of the access policy).
# Entries whose view does not exist yet are skipped.
NAVIGATION = [
    ("Accueil", "home", _everyone),
    ("Structures", "structures:list", policy.reads_case_data),
    ("Accompagnements", "accompagnements:list", policy.reads_case_data),
    ("Tableau de suivi", "accompagnements:workboard", policy.works_cases),
    ("Prestataires", "accompagnements:prestataires", policy.reads_case_data),
    ("Comités d'appui", "accompagnements:comites", policy.reads_case_data),
    ("Acteurs d'appui", "accompagnements:acteurs", policy.reads_case_data),
    ("Rappels", "accompagnements:notifications", policy.works_cases),
    ("Tableaux de bord", "reporting:dashboard", policy.reads_dashboards),
    ("Pilotage", "pilotage:index", policy.reads_pilotage),
    ("Diagnostics partagés", "pilotage:partages", policy.reads_shared_diagnostics),
    ("Statistiques", "reporting:exports", policy.may_export_national_statistics),
    ("Rapports", "reporting:reports", policy.may_request_reports),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or policy.active_role(user) is None:
        return {"navigation": [], "works_cases": False}
    items = []
    for label, name, shown_to in NAVIGATION:
        if not shown_to(user):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": label, "url": url, "current": current})
    return {"navigation": items, "works_cases": policy.works_cases(user)}
