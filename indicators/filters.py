"""The activity filters of ``/activities/`` (django-filter), kept in the URL.

``subcluster`` and ``actor`` accept a code or any alias (case, accents, spaces and hyphens
ignored); ``workplan`` a slug; ``quarter`` a code like ``2021-Q2`` (activities scheduled in
it); ``status`` and ``level`` the stored choices; ``q`` words from the activity or its
indicators (accents ignored); ``late`` the activities whose progress status is *late*,
computed from the validated reports (not a stored field). Filters combine (AND).
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from workplans.models import Activity, Actor, Quarter, SubCluster, Workplan

from .models import Status
from .progress import plan_statuses


class ActivityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Words"), method="filter_q")
    subcluster = django_filters.CharFilter(label=_("Sub-cluster"), method="filter_subcluster")
    actor = django_filters.CharFilter(label=_("Actor"), method="filter_actor")
    workplan = django_filters.CharFilter(label=_("Workplan"), method="filter_workplan")
    quarter = django_filters.CharFilter(label=_("Quarter"), method="filter_quarter",
                                        widget=forms.TextInput(attrs={"placeholder": "2021-Q2"}))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Activity.Status.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Activity.Level.choices)
    late = django_filters.BooleanFilter(label=_("Late only"), method="filter_late",
                                        widget=forms.CheckboxInput)

    class Meta:
        model = Activity
        fields = ["q", "subcluster", "actor", "workplan", "quarter", "status", "level", "late"]

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.problems = []

    def _unknown(self, queryset, message):
        self.problems.append(message)
        return queryset.none()

    def filter_q(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_subcluster(self, queryset, name, value):
        subcluster = SubCluster.objects.match(value)
        if subcluster is None:
            return self._unknown(queryset, _("Unknown sub-cluster: %(v)s") % {"v": value})
        return queryset.filter(actor_links__actor__subcluster=subcluster).distinct()

    def filter_actor(self, queryset, name, value):
        actor = Actor.objects.match(value)
        if actor is None:
            return self._unknown(queryset, _("Unknown actor: %(v)s") % {"v": value})
        return queryset.filter(actor_links__actor=actor).distinct()

    def filter_workplan(self, queryset, name, value):
        workplan = Workplan.objects.filter(slug=value.strip()).first()
        if workplan is None:
            return self._unknown(queryset, _("Unknown workplan: %(v)s") % {"v": value})
        return queryset.filter(workplan=workplan)

    def filter_quarter(self, queryset, name, value):
        pair = Quarter.parse_code(value)
        quarter = Quarter.objects.filter(year=pair[0], number=pair[1]).first() if pair else None
        if quarter is None:
            return self._unknown(queryset, _("Unknown quarter: %(v)s (write it like 2021-Q2)") % {"v": value})
        return queryset.filter(quarters=quarter)

    def filter_late(self, queryset, name, value):
        if not value:
            return queryset
        return late_only(queryset, self.today)

    def filter_queryset(self, queryset):
        # "late" needs the other filters applied first: it computes progress on what is left.
        late = self.form.cleaned_data.get("late")
        others = {k: v for k, v in self.form.cleaned_data.items() if k != "late"}
        for name, value in others.items():
            queryset = self.filters[name].filter(queryset, value)
        if late:
            queryset = self.filters["late"].filter(queryset, late)
        return queryset


def late_only(queryset, today=None):
    """The activities of ``queryset`` whose rolled-up progress status is *late*.

    Computed in Python from the validated reports, per plan and cached until the plan's data
    change (see ``indicators.progress.plan_statuses``);
    the SQL then keeps or excludes the smaller of the two id sets, so it stays within the
    databases' parameter limits.
    """
    plan_ids = set(queryset.order_by().values_list("workplan_id", flat=True).distinct())
    statuses = {}
    for entry in plan_statuses(plan_ids, today=today).values():  # per plan, cached
        statuses.update(entry["statuses"])
    late = [pk for pk, status in statuses.items() if status == Status.LATE]
    if len(late) <= len(statuses) - len(late):
        return queryset.filter(pk__in=late)
    not_late = [pk for pk, status in statuses.items() if status != Status.LATE]
    return queryset.exclude(pk__in=not_late)
