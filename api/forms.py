from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from workplans.models import Actor, Quarter, Workplan

from .models import KoboForm


class KoboFormForm(forms.ModelForm):
    """A Kobo form and its mapping. Field names may be group paths (``group_x/field``)."""

    indicator_code = forms.CharField(
        label=_("Indicator (its code)"), required=False, max_length=30,
        help_text=_("Every submission reports on this indicator of the workplan…"),
    )

    class Meta:
        model = KoboForm
        fields = ["name", "workplan", "active", "indicator_code", "indicator_field", "quarter", "quarter_field",
                  "organisation", "organisation_field", "value_field", "female_field", "male_field", "under18_field",
                  "adult_field", "narrative_field", "submit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workplan"].queryset = Workplan.objects.order_by("title")
        self.fields["quarter"].queryset = Quarter.objects.order_by("ordinal")
        self.fields["organisation"].queryset = Actor.objects.order_by("acronym")
        if self.instance.indicator_id:
            self.initial["indicator_code"] = self.instance.indicator.code

    def clean(self):
        data = super().clean()
        code = (data.get("indicator_code") or "").strip()
        workplan = data.get("workplan")
        self.instance.indicator = None
        if code and workplan is not None:
            found = list(Indicator.objects.active().filter(workplan=workplan, code__iexact=code)[:2])
            if len(found) != 1:
                self.add_error("indicator_code", _("No single indicator has the code “%(code)s” in this workplan.") % {"code": code})
            else:
                self.instance.indicator = found[0]
        if not code and not data.get("indicator_field"):
            self.add_error("indicator_field", _("Give the indicator, or the field that holds its code."))
        if data.get("quarter") is None and not data.get("quarter_field"):
            self.add_error("quarter_field", _("Give the quarter, or the field that holds the quarter or a date."))
        if not data.get("value_field"):
            self.add_error("value_field", _("Give the field that holds the value."))
        return data
