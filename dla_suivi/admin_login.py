"""The admin's login URL, for a site with one login page.

Django's admin sends whoever it refuses to its login URL. Anonymous visitors go
on to the one login page (throttled by django-axes); a signed-in person who is
not staff would be sent back to the admin by that page, and round again: they
get a 403 page with a link home instead.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponseRedirect:
    if request.user.is_authenticated:
        raise PermissionDenied(
            "L'administration de DLA Suivi est réservée aux administrateur·rices de la plateforme."
        )
    query = request.GET.urlencode()
    return redirect(f"{reverse('login')}?{query}" if query else reverse("login"))
