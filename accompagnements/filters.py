import django_filters
from django import forms

from accounts.models import User
from territoires import policy
from territoires.models import Departement

from .models import Accompagnement, State


def officers_for(user):
    """People who may own the cases this user sees: the DLAs of their territory.

    Built from the DLA directory, not from the cases (a scan of every visible case).
    """
    territory = policy.case_owners_in_reach(user)
    if territory is None:
        return User.objects.none()
    return User.objects.filter(policy.dla_members(), territory).order_by("last_name", "first_name")


class AccompagnementFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label="Phase", choices=State.choices, empty_label="Toutes")
    officer = django_filters.ModelChoiceFilter(
        label="Chargé·e", queryset=User.objects.none(), empty_label="Tous et toutes"
    )
    departement = django_filters.ModelChoiceFilter(
        label="Département",
        field_name="structure__departement",
        queryset=Departement.objects.all(),
        empty_label="Tous",
    )
    overdue = django_filters.BooleanFilter(
        label="En retard",
        method="filter_overdue",
        widget=forms.Select(choices=[("", "Indifférent"), ("true", "Oui"), ("false", "Non")]),
    )

    class Meta:
        model = Accompagnement
        fields = ["state", "officer", "departement", "overdue"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["officer"].queryset = officers_for(user)
        # DLA members pick among their region's departments (regional cases included).
        if policy.member_dla_id(user):
            self.filters["departement"].queryset = Departement.objects.filter(
                region_id=user.dla.region_id
            )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Accompagnement.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)
