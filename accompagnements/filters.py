import django_filters
from django import forms

from accounts.models import User
from territoires.models import Departement

from .models import Accompagnement, State


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
        visible = Accompagnement.objects.visible_to(user)
        self.filters["officer"].queryset = User.objects.filter(pk__in=visible.values("officer_id"))
        if user.dla_id and user.role in {"officer", "coordinator"}:
            self.filters["departement"].queryset = Departement.objects.filter(
                region_id=user.dla.region_id
            )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Accompagnement.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)
