from functools import partial

import django_filters
from django import forms
from django.db.models import Q

from accounts.models import User
from structures.text import search_terms
from territoires import policy
from territoires.choices import departement_choices
from territoires.collation import french_order
from territoires.models import Departement
from webinput.search import validate_search

from .models import Accompagnement, State
from .models.case import overdue_q


def officers_for(user):
    """People who may own the cases this user sees: the DLAs of their territory.

    Built from the DLA directory, not from the cases (a scan of every visible case).
    """
    territory = policy.case_owners_in_reach(user)
    if territory is None:
        return User.objects.none()
    members = User.objects.filter(policy.dla_members(), territory)
    return members.order_by(*french_order("last_name", "first_name", "pk"))


def officer_choices(user) -> list[tuple[str, str]]:
    """``officers_for(user)`` as choices, labelled as ``User.__str__`` does."""
    rows = officers_for(user).values_list("pk", "first_name", "last_name", "username")
    return [(str(pk), f"{first} {last}".strip() or username) for pk, first, last, username in rows]


# Which cases the list shows: open ones unless asked (closed cases are history).
STATUS_CHOICES = [
    ("ouverts", "En cours"),
    ("termines", "Terminés (clôturés, réorientés, abandonnés)"),
    ("tous", "Tous"),
]


class AccompagnementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        method="filter_search",
        help_text="Nom de la structure, SIRET ou SIREN, nom du ou de la chargé·e.",
        validators=[validate_search],
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    statut = django_filters.ChoiceFilter(
        label="Statut", choices=STATUS_CHOICES, empty_label=None, method="filter_status"
    )
    state = django_filters.ChoiceFilter(label="Phase", choices=State.choices, empty_label="Toutes")
    # Plain choices built once per request (territoires.choices), not model instances.
    officer = django_filters.ChoiceFilter(
        label="Chargé·e", choices=[], empty_label="Tous et toutes"
    )
    departement = django_filters.ChoiceFilter(
        label="Département",
        field_name="structure__departement",
        choices=departement_choices,
        empty_label="Tous",
    )
    overdue = django_filters.BooleanFilter(
        label="En retard",
        method="filter_overdue",
        widget=forms.Select(choices=[("", "Indifférent"), ("true", "Oui"), ("false", "Non")]),
    )

    class Meta:
        model = Accompagnement
        fields = ["q", "statut", "state", "officer", "departement", "overdue"]

    def __init__(self, data=None, *args, user, open_by_default=False, **kwargs):
        # Always bound, so that the status's default applies to a query without it: the
        # case list opens on open cases (open_by_default); the API keeps answering all.
        super().__init__(data if data is not None else {}, *args, **kwargs)
        self.open_by_default = open_by_default
        # Per person, on this request's form (the filters' own fields are shared and
        # cached by django-filter); callables: read when the form renders or validates.
        fields = self.form.fields
        fields["officer"].choices = partial(officer_choices, user)
        # DLA members pick among their region's departments (regional cases included).
        if policy.member_dla_id(user):
            fields["departement"].choices = partial(
                departement_choices, Departement.objects.filter(region_id=user.dla.region_id)
            )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A phase asked for explicitly wins: « clôturé » shows closed cases whatever the status.
        if self.form.cleaned_data.get("state"):
            return queryset
        status = self.form.cleaned_data.get("statut") or (
            "ouverts" if self.open_by_default else "tous"
        )
        if status == "ouverts":
            return queryset.filter(state__in=State.OPEN)
        if status == "termines":
            return queryset.filter(state__in=State.TERMINAL)
        return queryset

    def filter_status(self, queryset, name, value):
        return queryset  # applied in filter_queryset, with its default and the phase's precedence

    def filter_search(self, queryset, name, value):
        """Every word in the structure's name, identifiers or commune, or the officer's name."""
        for term in search_terms(value):
            queryset = queryset.filter(
                Q(structure__search_text__contains=term)
                | Q(officer__last_name__icontains=term)
                | Q(officer__first_name__icontains=term)
            )
        return queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        # The rule on the listed rows' own columns (both non-null, so exclude() is its
        # negation), not a subquery of the whole country's overdue cases.
        overdue = overdue_q()
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
