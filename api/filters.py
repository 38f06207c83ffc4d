"""Filters of the API lists. Activities use the page's own ``workplans.filters.ActivityFilter``."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from indicators.models import Indicator, ProgressReport
from workplans.models import Actor, ExpectedResult, Objective, Quarter


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number a database column holds (1e25 or 1.5 answer 400, not 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class PageFilterBackend(DjangoFilterBackend):
    """django-filter, plus the page's "unknown value" problems (``ActivityFilter.problems``) as a 400."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        result = filterset.qs
        problems = getattr(filterset, "problems", None)
        if problems:
            raise ValidationError({"detail": [str(p) for p in problems]})
        return result


def _quarter(queryset, name, value):
    pair = Quarter.parse_code(value)
    if pair is None:
        raise ValidationError({name: [_("Unknown quarter: %(v)s (write it like 2021-Q2)") % {"v": value}]})
    return queryset.filter(quarter__year=pair[0], quarter__number=pair[1])


def _organisation(queryset, name, value):
    actor = Actor.objects.filter(pk=value).first() if str(value).isdigit() else Actor.objects.match(value)
    if actor is None:
        raise ValidationError({name: [_("Unknown actor: %(v)s") % {"v": value}]})
    return queryset.filter(organisation=actor)


class ReportFilter(django_filters.FilterSet):
    workplan = django_filters.CharFilter(field_name="indicator__workplan__slug", label=_("Workplan"))
    indicator = IdFilter(field_name="indicator_id", label=_("Indicator"))
    quarter = django_filters.CharFilter(method=lambda qs, name, value: _quarter(qs, name, value), label=_("Quarter"))
    organisation = django_filters.CharFilter(method=lambda qs, name, value: _organisation(qs, name, value),
                                             label=_("Organisation"))
    state = django_filters.ChoiceFilter(choices=ProgressReport.State.choices, label=_("State"))

    class Meta:
        model = ProgressReport
        fields = ["workplan", "indicator", "quarter", "organisation", "state"]


class IndicatorFilter(django_filters.FilterSet):
    workplan = django_filters.CharFilter(field_name="workplan__slug", label=_("Workplan"))
    activity = IdFilter(field_name="activity_id", label=_("Activity"))
    code = django_filters.CharFilter(field_name="code", label=_("Code"))

    class Meta:
        model = Indicator
        fields = ["workplan", "activity", "code"]


class ObjectiveFilter(django_filters.FilterSet):
    workplan = django_filters.CharFilter(field_name="workplan__slug", label=_("Workplan"))

    class Meta:
        model = Objective
        fields = ["workplan"]


class ResultFilter(django_filters.FilterSet):
    workplan = django_filters.CharFilter(field_name="objective__workplan__slug", label=_("Workplan"))
    objective = IdFilter(field_name="objective_id", label=_("Objective"))

    class Meta:
        model = ExpectedResult
        fields = ["workplan", "objective"]
