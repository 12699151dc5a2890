import django_filters
from django.db.models import Q

from territoires.choices import departement_choices
from webinput.search import validate_search

from .models import LegalForm, Sector, SizeClass, Structure, cases

SIZE_RANGES = {
    SizeClass.NONE: Q(headcount=0),
    SizeClass.SMALL: Q(headcount__gte=1, headcount__lte=9),
    SizeClass.MEDIUM: Q(headcount__gte=10, headcount__lte=49),
    SizeClass.LARGE: Q(headcount__gte=50),
}


YES_NO = [("oui", "oui"), ("non", "non")]


class StructureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        method="filter_search",
        help_text="Nom, SIRET, RNA ou commune",
        validators=[validate_search],
    )
    departement = django_filters.ChoiceFilter(
        label="Département", choices=departement_choices, empty_label="Tous"
    )
    legal_form = django_filters.ChoiceFilter(
        label="Forme juridique", choices=LegalForm.choices, empty_label="Toutes"
    )
    sector = django_filters.ChoiceFilter(
        label="Secteur", choices=Sector.choices, empty_label="Tous"
    )
    size_class = django_filters.ChoiceFilter(
        label="Taille", choices=SizeClass.choices, method="filter_size_class", empty_label="Toutes"
    )
    in_qpv = django_filters.ChoiceFilter(
        label="En QPV", choices=YES_NO, method="filter_yes_no", empty_label="—"
    )
    in_zrr = django_filters.ChoiceFilter(
        label="En ZRR", choices=YES_NO, method="filter_yes_no", empty_label="—"
    )
    open_case = django_filters.ChoiceFilter(
        label="Accompagnement en cours", choices=YES_NO, method="filter_open_case", empty_label="—"
    )

    class Meta:
        model = Structure
        fields = ["q", "departement", "legal_form", "sector", "size_class", "in_qpv", "in_zrr"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_size_class(self, queryset, name, value):
        return queryset.filter(SIZE_RANGES[value])

    def filter_yes_no(self, queryset, name, value):
        return queryset.filter(**{name: value == "oui"})

    def filter_open_case(self, queryset, name, value):
        # A semi-join on the cases table alone: no duplicate rows, no DISTINCT.
        open_structures = cases().open().values("structure_id")
        if value == "oui":
            return queryset.filter(pk__in=open_structures)
        return queryset.exclude(pk__in=open_structures)
