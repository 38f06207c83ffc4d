from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from clusterplan.lib.admin_formats import FORMATS as ADMIN_FORMATS
from workplans.admin import ActivityAdmin
from workplans.models import Activity

from .models import (
    Evidence,
    Indicator,
    IndicatorTarget,
    Location,
    ProgressReport,
    QuarterClosure,
    ReportBreakdown,
)
from .resources import IndicatorResource


class IndicatorInline(admin.StackedInline):
    model = Indicator
    extra = 0
    fields = [("code", "kind", "unit"), "text", ("baseline", "target", "aggregation", "direction"), "means_of_verification"]
    show_change_link = True


# The activity's page in the admin, with its indicators (workplans cannot know of indicators).
admin.site.unregister(Activity)


@admin.register(Activity)
class ActivityWithIndicatorsAdmin(ActivityAdmin):
    inlines = [*ActivityAdmin.inlines, IndicatorInline]

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Indicator) and not instance.workplan_id:
                instance.workplan = form.instance.workplan
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "pcode"]
    list_filter = ["kind", "parent"]
    search_fields = ["name", "pcode"]
    list_select_related = ["parent"]


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0
    autocomplete_fields = ["location"]


@admin.register(Indicator)
class IndicatorAdmin(ImportExportModelAdmin):
    resource_classes = [IndicatorResource]
    formats = ADMIN_FORMATS  # CSV/TSV with a BOM, xlsx by XlsxWriter: each reads back what it writes
    list_display = ["__str__", "workplan", "kind", "baseline", "target", "aggregation", "direction", "archived_at"]
    list_filter = ["workplan", "kind", "aggregation", "direction", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["code", "text", "means_of_verification"]
    list_select_related = ["workplan"]
    raw_id_fields = ["activity", "result", "objective"]
    inlines = [IndicatorTargetInline]


class ReportBreakdownInline(admin.TabularInline):
    model = ReportBreakdown
    extra = 0


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "quarter", "organisation", "value", "state", "updated_at"]
    list_filter = ["state", "quarter", "indicator__workplan"]
    search_fields = ["indicator__text", "organisation__acronym", "narrative"]
    list_select_related = ["indicator", "quarter", "organisation"]
    raw_id_fields = ["indicator"]
    readonly_fields = ["version", "created_by", "reviewed_by", "reviewed_at", "submitted_at"]
    inlines = [ReportBreakdownInline, EvidenceInline]


@admin.register(QuarterClosure)
class QuarterClosureAdmin(admin.ModelAdmin):
    list_display = ["workplan", "quarter", "closed_by", "closed_at", "reopened_by", "reopened_at"]
    list_filter = ["workplan", "quarter"]
    list_select_related = ["workplan", "quarter", "closed_by", "reopened_by"]
