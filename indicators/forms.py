"""The progress entry form: a value by kind, a narrative, the parts by sex, age and cercle."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterplan.lib.numbers import NumberField
from workplans.models import Actor

from .models import Indicator, Location, ReportBreakdown

CERCLE_ROWS = 6


def _number(label, **kwargs):
    return NumberField(
        label=label, required=False, min_value=Decimal(0),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}), **kwargs
    )


class ReportForm(forms.Form):
    """Fields depend on the indicator: its kind and the disaggregations it asks for."""

    organisation = forms.ModelChoiceField(label=_("Reporting organisation"), queryset=Actor.objects.none())
    value = _number(_("Value"))
    value_text = forms.CharField(label=_("Value or milestone (text)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    narrative = forms.CharField(label=_("Narrative"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, indicator, organisations, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["organisation"].queryset = organisations
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]
            self.fields["organisation"].widget = forms.HiddenInput()
        kind = indicator.kind
        if kind == Indicator.Kind.YES_NO:
            self.fields["value"] = forms.TypedChoiceField(
                label=_("Done?"), choices=[("1", _("Yes")), ("0", _("No"))], coerce=Decimal,
                widget=forms.RadioSelect, required=True,
            )
        elif kind == Indicator.Kind.PERCENT:
            self.fields["value"] = _number(_("Value (%)"), max_value=Decimal(100))
        if kind != Indicator.Kind.TEXT:
            del self.fields["value_text"]
        else:
            del self.fields["value"]
            self.fields["value_text"].required = True
        if indicator.disaggregate_sex:
            self.fields["sex_F"] = _number(_("Women and girls (F)"))
            self.fields["sex_M"] = _number(_("Men and boys (M)"))
        if indicator.disaggregate_age:
            self.fields["age_lt18"] = _number(_("Under 18"))
            self.fields["age_ge18"] = _number(_("18 and over"))
        if indicator.disaggregate_cercle:
            cercles = Location.objects.filter(kind=Location.Kind.CERCLE).select_related("parent").order_by("parent__name", "name")
            for i in range(CERCLE_ROWS):
                self.fields[f"cercle_{i}"] = forms.ModelChoiceField(
                    label=_("Cercle"), queryset=cercles, required=False, empty_label="–"
                )
                self.fields[f"cercle_{i}"].label_from_instance = lambda loc: f"{loc.parent} › {loc.name}" if loc.parent else loc.name
                self.fields[f"cercle_value_{i}"] = _number(_("Value"))
        if report is not None and not self.is_bound:
            self.initial.update(
                organisation=report.organisation_id, value=report.value, value_text=report.value_text,
                narrative=report.narrative, version=report.version,
            )
            if kind == Indicator.Kind.YES_NO and report.value is not None:
                self.initial["value"] = str(int(report.value))
            cercle_row = 0
            for part in report.breakdowns.all():
                if part.dimension == ReportBreakdown.Dimension.CERCLE and cercle_row < CERCLE_ROWS:
                    self.initial[f"cercle_{cercle_row}"] = part.location_id
                    self.initial[f"cercle_value_{cercle_row}"] = part.value
                    cercle_row += 1
                else:
                    self.initial[f"{part.dimension}_{part.category}"] = part.value

    def sex_fields(self):
        return [self[n] for n in ("sex_F", "sex_M") if n in self.fields]

    def age_fields(self):
        return [self[n] for n in ("age_lt18", "age_ge18") if n in self.fields]

    def cercle_rows(self):
        return [(self[f"cercle_{i}"], self[f"cercle_value_{i}"]) for i in range(CERCLE_ROWS) if f"cercle_{i}" in self.fields]

    def clean(self):
        data = super().clean()
        seen = set()
        for i in range(CERCLE_ROWS):
            place, value = data.get(f"cercle_{i}"), data.get(f"cercle_value_{i}")
            if place is not None and value is None:
                self.add_error(f"cercle_value_{i}", _("Enter the value for %(place)s.") % {"place": place})
            if place is None and value is not None:
                self.add_error(f"cercle_{i}", _("Choose the cercle of this value."))
            if place is not None:
                if place.pk in seen:
                    self.add_error(f"cercle_{i}", _("%(place)s is given twice.") % {"place": place})
                seen.add(place.pk)
        return data

    def parts(self):
        data = self.cleaned_data
        parts = {}
        if self.indicator.disaggregate_sex:
            parts["sex"] = {"F": data.get("sex_F"), "M": data.get("sex_M")}
        if self.indicator.disaggregate_age:
            parts["age"] = {"lt18": data.get("age_lt18"), "ge18": data.get("age_ge18")}
        if self.indicator.disaggregate_cercle:
            parts["cercle"] = {
                data[f"cercle_{i}"]: data.get(f"cercle_value_{i}")
                for i in range(CERCLE_ROWS)
                if data.get(f"cercle_{i}") is not None
            }
        return parts


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What needs fixing"), widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file (PDF, Word, Excel or image)"))
