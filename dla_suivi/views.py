from django.apps import apps
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.module_loading import import_string, module_has_submodule

from territoires import policy

HOME_TEMPLATES = {
    "departement": "home/officer.html",
    "region": "home/coordinator.html",
    "france": "home/national.html",
    "financeur": "home/financeur.html",
    "crdla": "home/crdla.html",
}


def home(request):
    """Each role lands on its own overview; the sections come from the feature apps."""
    user = request.user
    context = {"sections": home_sections(request)}
    return render(request, HOME_TEMPLATES[policy.home_page(user)], context)


def home_sections(request):
    """Apps contribute home sections through a ``home_sections(request)`` hook."""
    sections = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "home"):
            hook = import_string(f"{config.name}.home.home_sections")
            sections.extend(hook(request))
    return sections


@login_not_required
def accessibilite(request):
    """The accessibility statement (RGAA): public, like every administration's."""
    return render(request, "accessibilite.html")
