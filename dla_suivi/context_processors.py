from django.urls import NoReverseMatch, reverse

# (label, url name, roles that see it). Entries whose view does not exist yet are skipped.
NAVIGATION = [
    ("Accueil", "home", {"officer", "coordinator", "national", "admin"}),
    ("Structures", "structures:list", {"officer", "coordinator", "national", "admin"}),
    ("Accompagnements", "accompagnements:list", {"officer", "coordinator", "national", "admin"}),
    ("Tableau de suivi", "accompagnements:workboard", {"officer", "coordinator"}),
    (
        "Prestataires",
        "accompagnements:prestataires",
        {"officer", "coordinator", "national", "admin"},
    ),
    ("Comités d'appui", "accompagnements:comites", {"officer", "coordinator", "national", "admin"}),
    ("Acteurs d'appui", "accompagnements:acteurs", {"officer", "coordinator", "national", "admin"}),
    ("Rappels", "accompagnements:notifications", {"officer", "coordinator"}),
    ("Tableaux de bord", "reporting:dashboard", {"officer", "coordinator", "national", "admin"}),
    ("Statistiques", "reporting:exports", {"national", "admin"}),
    ("Rapports", "reporting:reports", {"coordinator", "national", "admin"}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = []
    for label, name, roles in NAVIGATION:
        if user.role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": label, "url": url, "current": current})
    return {"navigation": items}
