"""The public side of links: opening one, and the page shown when one is refused.

Link views are public (``login_not_required``): a link grants its browser session
one purpose on one object and nothing else of the back-office.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from .models import SecureLink
from .services import LinkRefused, link_for_session, open_token

# Where an opened link leads, set by the app that serves the purposes' pages.
_landing: list[Callable[[SecureLink], str]] = []


def set_landing(landing: Callable[[SecureLink], str]) -> None:
    _landing[:] = [landing]


def refused(request, refusal: LinkRefused) -> HttpResponse:
    return render(request, "liens/refus.html", {"message": refusal.message}, status=refusal.status)


@login_not_required
@never_cache
def open_link(request, token: str) -> HttpResponse:
    try:
        link = open_token(request, token)
    except LinkRefused as refusal:
        return refused(request, refusal)
    # The token leaves the address bar at once (history, referrers, logs).
    return redirect(_landing[0](link))


def link_view(purpose: str):
    """Decorate a view ``(request, link, ...)`` reached at ``.../<int:link_pk>/...``."""

    def decorator(view):
        @login_not_required
        @never_cache
        @wraps(view)
        def wrapper(request, link_pk: int, *args, **kwargs):
            try:
                link = link_for_session(request, link_pk, purpose)
            except LinkRefused as refusal:
                return refused(request, refusal)
            try:
                return view(request, link, *args, **kwargs)
            except LinkRefused as refusal:
                return refused(request, refusal)

        return wrapper

    return decorator
