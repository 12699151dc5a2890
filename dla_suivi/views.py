from django.apps import apps
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.module_loading import import_string, module_has_submodule

from accounts.models import Role

HOME_TEMPLATES = {
    Role.OFFICER: "home/officer.html",
    Role.COORDINATOR: "home/coordinator.html",
    Role.NATIONAL: "home/national.html",
    Role.ADMIN: "home/national.html",
}


def home(request):
    """Each role lands on its own overview; the sections come from the feature apps."""
    user = request.user
    context = {"sections": home_sections(request)}
    return render(request, HOME_TEMPLATES[user.role], context)


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
