"""Indicators with their targets, imported and exported from the admin (with the confirm step)."""

from django.core.exceptions import ValidationError
from import_export import fields, widgets

from workplans.models import Activity, Quarter, Workplan
from workplans.resources import RoundTripResource, parse_targets

from .models import Indicator, IndicatorTarget


class IndicatorResource(RoundTripResource):
    """Indicators by id, with their whole-plan target and their quarterly targets (``2020-Q3: 10; …``)."""

    workplan = fields.Field(attribute="workplan", column_name="workplan", widget=widgets.ForeignKeyWidget(Workplan, field="slug"))
    activity = fields.Field(attribute="activity", column_name="activity", widget=widgets.ForeignKeyWidget(Activity))
    quarterly_targets = fields.Field(column_name="quarterly_targets")

    class Meta:
        model = Indicator
        fields = ["id", "workplan", "activity", "code", "text", "kind", "unit", "baseline", "target", "direction",
                  "aggregation", "means_of_verification", "quarterly_targets"]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_queryset(self):
        return Indicator.objects.select_related("workplan", "activity").prefetch_related("targets__quarter")

    def dehydrate_quarterly_targets(self, indicator):
        items = sorted((t for t in indicator.targets.all() if t.quarter_id and not t.location_id), key=lambda t: t.quarter.ordinal)
        return "; ".join(f"{t.quarter.code}: {t.value.normalize():f}" for t in items)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name == "quarterly_targets":
            try:
                parse_targets(row.get("quarterly_targets"))
            except ValueError as error:
                raise ValueError(str(error))
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if original and original.pk:
            wanted = parse_targets(row.get("quarterly_targets"))
            current = {(t.quarter.year, t.quarter.number): t.value
                       for t in original.targets.filter(location__isnull=True, quarter__isnull=False).select_related("quarter")}
            if wanted != current:
                return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.activity_id and instance.workplan_id and instance.activity.workplan_id != instance.workplan_id:
            raise ValidationError("The activity belongs to another workplan.")

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run") and not instance.pk:
            return
        wanted = parse_targets(row.get("quarterly_targets"))
        quarters = {}
        if wanted:
            pairs = sorted(wanted)
            quarters = {(q.year, q.number): q for q in Quarter.objects.ensure_range(pairs[0], pairs[-1])}
        existing = {(t.quarter.year, t.quarter.number): t for t in
                    instance.targets.filter(location__isnull=True, quarter__isnull=False).select_related("quarter")}
        gone = [t.pk for pair, t in existing.items() if pair not in wanted]
        if gone:
            IndicatorTarget.objects.filter(pk__in=gone).delete()
            Workplan.bump_generation(instance.workplan_id)  # a queryset delete: the plan's pages change
        for pair, value in wanted.items():
            target = existing.get(pair)
            if target is None:
                IndicatorTarget.objects.create(indicator=instance, quarter=quarters[pair], value=value)
            elif target.value != value:
                target.value = value
                target.save(update_fields=["value"])
