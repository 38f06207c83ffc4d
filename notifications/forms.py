from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Kind


class PreferencesForm(forms.Form):
    """One checkbox per kind of email (ticked: send it), and the language of emails."""

    language = forms.ChoiceField(
        label=_("Language of emails"), choices=settings.LANGUAGES,
        help_text=_("The language of emails this user receives."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Kind.choices:
            self.fields[f"email_{value}"] = forms.BooleanField(label=label, required=False)

    def kind_fields(self):
        return [self[f"email_{value}"] for value in Kind.values]

    def wanted_kinds(self):
        return {value for value in Kind.values if self.cleaned_data.get(f"email_{value}")}
