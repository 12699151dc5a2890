from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from territoires import policy
from territoires.models import Departement
from territoires.postal import departement_code_from_postal_code

from .duplicates import likely_duplicates
from .models import Contact, Structure
from .validation import (
    check_contracts,
    check_postal_code_in_departement,
    check_year_founded,
    clean_postal_code,
    clean_rna,
    clean_siret,
)

MAX_IMPORT_BYTES = 5 * 1024 * 1024
IMPORT_EXTENSIONS = (".csv", ".xlsx", ".ods")


class StructureForm(forms.ModelForm):
    confirm_not_duplicate = forms.BooleanField(
        label="Je confirme qu'il s'agit d'une structure différente de celles signalées",
        required=False,
    )

    class Meta:
        model = Structure
        fields = [
            "name",
            "siret",
            "rna",
            "legal_form",
            "is_esus",
            "siae_type",
            "is_entreprise_adaptee",
            "is_network",
            "sector",
            "address",
            "postal_code",
            "commune",
            "departement",
            "in_qpv",
            "in_zrr",
            "headcount",
            "fte",
            "cdi_count",
            "cdd_count",
            "budget",
            "year_founded",
            "naf_code",
        ]
        localized_fields = ["fte"]
        widgets = {"fte": forms.TextInput(attrs={"inputmode": "decimal"})}
        help_texts = {
            "siret": "14 chiffres. Laisser vide si la structure n'a pas encore de SIRET.",
            "rna": "Pour les associations : W suivi de 9 chiffres.",
            "departement": "Laisser vide pour le déduire du code postal.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplicates = []
        allowed = policy.departements_open_to_new_structures(user)
        if self.instance.pk:
            allowed = allowed | Departement.objects.filter(pk=self.instance.departement_id)
        self.fields["departement"].queryset = allowed.select_related(None).order_by("code")
        self.fields["departement"].required = False
        for name in ("siret", "rna"):
            # clean_siret/clean_rna accept spaces and give the precise message.
            self.fields[name].max_length = None
            self.fields[name].validators = []
            self.fields[name].widget.attrs.pop("maxlength", None)
        self.fields["year_founded"].min_value = 1800
        # The confirmation box appears only once likely duplicates were shown.
        self.fields["confirm_not_duplicate"].widget = forms.HiddenInput()

    def clean_siret(self):
        siret = clean_siret(self.cleaned_data.get("siret", ""))
        if siret:
            existing = Structure.objects.filter(siret=siret).exclude(pk=self.instance.pk)
            existing = existing.only("pk", "name").first()
            if existing is not None:
                if Structure.objects.visible_to(self.user).filter(pk=existing.pk).exists():
                    raise ValidationError(
                        format_html(
                            'Ce SIRET est déjà enregistré pour la structure <a href="{}">{}</a>.',
                            reverse("structures:detail", args=[existing.pk]),
                            existing.name,
                        ),
                        code="siret_taken",
                    )
                raise ValidationError(
                    "Ce SIRET est déjà enregistré pour une structure hors de votre territoire ; "
                    "contactez le DLA concerné.",
                    code="siret_taken",
                )
        return siret

    def clean_year_founded(self):
        year = self.cleaned_data.get("year_founded")
        check_year_founded(year)
        return year

    def clean_rna(self):
        return clean_rna(self.cleaned_data.get("rna", ""))

    def clean_postal_code(self):
        return clean_postal_code(self.cleaned_data.get("postal_code", ""))

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        cleaned = super().clean()
        postal_code = cleaned.get("postal_code")
        departement = cleaned.get("departement")
        if postal_code and departement is None and "departement" not in self.errors:
            code = departement_code_from_postal_code(postal_code)
            departement = self.fields["departement"].queryset.filter(code=code).first()
            if departement is None:
                self.add_error(
                    "departement",
                    f"Le code postal correspond au département {code}, où vous ne pouvez pas "
                    "enregistrer de structure.",
                )
            else:
                cleaned["departement"] = departement
                self.instance.departement = departement
        elif postal_code and departement is not None:
            try:
                check_postal_code_in_departement(postal_code, departement.code)
            except ValidationError as error:
                self.add_error("postal_code", error)
        elif departement is None and "departement" not in self.errors:
            self.add_error("departement", "Indiquez le département de la structure.")
        if not self.has_error("headcount"):
            try:
                check_contracts(
                    cleaned.get("headcount"), cleaned.get("cdi_count"), cleaned.get("cdd_count")
                )
            except ValidationError as error:
                self.add_error("headcount", error)
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk or self.errors:
            return
        self.duplicates = likely_duplicates(self.instance, self.user)
        if self.duplicates and not self.cleaned_data.get("confirm_not_duplicate"):
            items = format_html_join(
                "",
                "<li>{}</li>",
                (
                    (
                        format_html("une structure hors de votre territoire ({})", d.reason)
                        if d.hidden
                        else format_html(
                            '<a href="{}">{}</a> ({}, {})',
                            reverse("structures:detail", args=[d.pk]),
                            d.name,
                            d.commune,
                            d.reason,
                        ),
                    )
                    for d in self.duplicates
                ),
            )
            self.add_error(
                None,
                ValidationError(
                    format_html(
                        "Cette structure ressemble à des structures déjà enregistrées : "
                        "<ul>{}</ul>Vérifiez qu'il ne s'agit pas d'un doublon, puis cochez la "
                        "case de confirmation pour l'enregistrer quand même.",
                        items,
                    ),
                    code="likely_duplicate",
                ),
            )
            self.fields["confirm_not_duplicate"].widget = forms.CheckboxInput()


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "role", "email", "phone"]


ContactFormSet = forms.inlineformset_factory(
    Structure,
    Contact,
    form=ContactForm,
    # Several people at once (issue 17): blank rows are ignored.
    extra=3,
    can_delete=True,
    max_num=50,
    validate_max=True,
    # A forged TOTAL_FORMS would otherwise build (and render) up to 1,000 more forms.
    absolute_max=50,
)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier à importer",
        help_text="CSV (séparateur ; ou ,), XLSX ou ODS, 5 Mo au plus.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(IMPORT_EXTENSIONS):
            raise ValidationError(
                "Format non pris en charge : envoyez un fichier .csv, .xlsx ou .ods.",
                code="import_extension",
            )
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                "Le fichier dépasse 5 Mo : découpez-le en plusieurs fichiers.",
                code="import_size",
            )
        return upload


class MergeForm(forms.Form):
    merged = forms.CharField(
        label="Structure en double à fusionner",
        help_text="Son SIRET, ou son numéro dans DLA Suivi (visible dans l'adresse de sa fiche).",
    )

    def __init__(self, *args, kept, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = kept
        self.user = user

    def clean_merged(self):
        value = "".join(self.cleaned_data["merged"].split())
        lookup = {"siret": value} if len(value) == 14 else {"pk": value}
        # isdecimal() alone accepts other scripts' digits; "²" passes isdigit() but not int().
        if not (value.isascii() and value.isdecimal()):
            raise ValidationError("Indiquez un SIRET ou un numéro de structure.")
        merged = Structure.objects.visible_to(self.user).filter(**lookup).first()
        if merged is None:
            raise ValidationError("Aucune structure ne correspond.")
        if merged.pk == self.kept.pk:
            raise ValidationError("Une structure ne peut pas être fusionnée avec elle-même.")
        return merged
