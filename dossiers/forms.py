from django import forms

from .models import DocumentKind


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Type de document", choices=DocumentKind.choices)
    title = forms.CharField(
        label="Intitulé",
        max_length=200,
        required=False,
        help_text="Laissé vide : le nom du fichier.",
    )
    file = forms.FileField(
        label="Fichier",
        help_text="PDF, image, document Word, Excel, PowerPoint ou OpenDocument, CSV ou texte.",
    )
    shared_with_comite = forms.BooleanField(
        label="La structure accepte que ce document soit montré au comité d'appui",
        required=False,
    )

    def __init__(self, *args, max_mb: int, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text += f" {max_mb} Mo au plus."
        if kinds is not None:
            self.fields["kind"].choices = [(k, DocumentKind(k).label) for k in kinds]


class VersionForm(forms.Form):
    file = forms.FileField(label="Nouvelle version du fichier")


class DeleteForm(forms.Form):
    reason = forms.CharField(label="Motif de la suppression", max_length=300, required=False)


class SharingForm(forms.Form):
    shared = forms.BooleanField(required=False)
