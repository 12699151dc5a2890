import django_filters
from django import forms
from django.db.models import Q

from accounts.models import Role, User
from territoires.models import Departement

from .models import Accompagnement, State


def officers_for(user):
    """People who may own the cases this user sees: the DLAs of their territory.

    Built from the DLA directory, not from the cases (a scan of every visible case).
    """
    members = User.objects.filter(role__in=[Role.OFFICER, Role.COORDINATOR], is_active=True)
    if user.role in {Role.NATIONAL, Role.ADMIN}:
        return members.order_by("last_name", "first_name")
    if not user.dla_id:
        return User.objects.none()
    if user.role == Role.COORDINATOR:
        territory = Q(dla__region_id=user.dla.region_id)
    else:
        territory = (
            Q(dla__departement_id=user.dla.departement_id)
            | Q(dla__region_id=user.dla.region_id, dla__level="regional")
            | Q(dla_id=user.dla_id)
        )
    return members.filter(territory).order_by("last_name", "first_name")


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
        if user.dla_id and user.role in {"officer", "coordinator"}:
            self.filters["departement"].queryset = Departement.objects.filter(
                region_id=user.dla.region_id
            )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Accompagnement.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)
