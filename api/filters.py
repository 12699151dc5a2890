"""The API filters its lists with the very FilterSets of the list pages."""

import inspect

from django_filters.rest_framework import DjangoFilterBackend


class ListPageFilterBackend(DjangoFilterBackend):
    """Passes the user to FilterSets that need it (choices bounded by the user's territory)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class and "user" in inspect.signature(filterset_class.__init__).parameters:
            kwargs["user"] = request.user
        return kwargs
