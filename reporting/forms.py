from django import forms
from django.utils import timezone

from territoires import policy

from .exports import DATASETS
from .indicators import Scope

FORMATS = [("csv", "CSV (UTF-8, « ; »)"), ("xlsx", "Excel (XLSX)"), ("ods", "OpenDocument (ODS)")]
NATIONAL = "national"


def _year_choices():
    """Only the years with data (reporting.trends)."""
    from .trends import years_with_data

    return [(y, str(y)) for y in years_with_data()]


class ReportRequestForm(forms.Form):
    annee = forms.TypedChoiceField(label="Année", coerce=int, choices=_year_choices)
    territoire = forms.ChoiceField(label="Territoire")
    accessible = forms.BooleanField(
        label="Version accessible (PDF/UA)",
        required=False,
        help_text="Document balisé pour les lecteurs d'écran.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.regions = {r.code: r for r in policy.readable_regions(user)}
        choices = [(NATIONAL, "France entière")] if policy.may_read_national(user) else []
        choices += [(code, f"Région {r.name}") for code, r in self.regions.items()]
        self.fields["territoire"].choices = choices
        if self.fields["annee"].initial is None:
            self.fields["annee"].initial = timezone.localdate().year - 1

    def scope(self) -> Scope:
        code = self.cleaned_data["territoire"]
        return Scope.national() if code == NATIONAL else Scope.for_region(self.regions[code])


class ExportForm(forms.Form):
    annee = forms.TypedChoiceField(label="Année", coerce=int, choices=_year_choices)
    jeu = forms.ChoiceField(label="Données", choices=list(DATASETS.items()))
    format = forms.ChoiceField(label="Format", choices=FORMATS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].initial = timezone.localdate().year - 1


class CampaignOpenForm(forms.Form):
    """The national operator opens a year's campaign; the cut-off defaults to the setting."""

    annee = forms.TypedChoiceField(label="Année", coerce=int, choices=_year_choices)
    date_limite = forms.DateField(
        label="Date limite",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Laissée vide : le 31 janvier de l'année suivante (réglage STATISTICS_CUTOFF). "
        "Les chiffres sont figés le lendemain.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].initial = timezone.localdate().year - 1


class FreezeForm(forms.Form):
    motif = forms.CharField(
        label="Motif",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Obligatoire pour une nouvelle version : ce qui a été corrigé et pourquoi.",
    )
