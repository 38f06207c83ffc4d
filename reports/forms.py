"""The report filters, read from the query string, and the saved-view form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import Status
from workplans.models import Actor, SubCluster

from .models import SavedView
from .performance import ReportFilters


class ReportFilterForm(forms.Form):
    subcluster = forms.ModelChoiceField(
        SubCluster.objects.all(), to_field_name="code", required=False, label=_("Sub-cluster"), empty_label=_("All")
    )
    actor = forms.ModelChoiceField(
        Actor.objects.all(), to_field_name="acronym", required=False, label=_("Actor"), empty_label=_("All")
    )
    year = forms.IntegerField(required=False, min_value=1990, max_value=2100, label=_("Year"))
    status = forms.ChoiceField(choices=[("", _("All"))] + list(Status.choices), required=False, label=_("Status"))
    completed = forms.BooleanField(required=False, label=_("Only completed quarters"))
    breakdowns = forms.BooleanField(required=False, label=_("Show disaggregated values"))

    def filters(self):
        """The ``ReportFilters`` of a valid form (call ``is_valid()`` first)."""
        data = self.cleaned_data
        return ReportFilters(
            subcluster=data.get("subcluster"),
            actor=data.get("actor"),
            year=data.get("year"),
            status=data.get("status") or "",
            completed_only=bool(data.get("completed")),
            breakdowns=bool(data.get("breakdowns")),
        )


class SavedViewForm(forms.ModelForm):
    class Meta:
        model = SavedView
        fields = ["name", "path", "query"]
        widgets = {"path": forms.HiddenInput, "query": forms.HiddenInput}

    def clean_path(self):
        path = self.cleaned_data["path"]
        if not path.startswith("/reports/") or "//" in path:
            raise forms.ValidationError(_("Only report pages can be saved."))
        return path
