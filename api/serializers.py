"""What the API returns: plain read serializers (no logic: values come from the models and the
progress maths), and the input serializers of the writes (checked again by the services)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from indicators.models import Indicator, IndicatorTarget, Location, ProgressReport, ReportBreakdown, Status
from meetings.models import ActionPoint, AgendaItem, Meeting
from workplans.models import Activity, Actor, ExpectedResult, Objective, Quarter, SubCluster, Workplan


class QuarterSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)

    class Meta:
        model = Quarter
        fields = ["id", "code", "year", "number", "start_date", "end_date"]


class SubClusterSerializer(serializers.ModelSerializer):
    cluster = serializers.CharField(source="cluster.code", read_only=True)

    class Meta:
        model = SubCluster
        fields = ["id", "code", "name", "kind", "cluster"]


class OrganisationSerializer(serializers.ModelSerializer):
    subcluster = serializers.CharField(source="subcluster.code", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Actor
        fields = ["id", "acronym", "name", "kind", "subcluster"]


class PlaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "name", "kind", "parent", "pcode"]


class WorkplanSerializer(serializers.ModelSerializer):
    cluster = serializers.CharField(source="cluster.code", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Workplan
        fields = ["id", "slug", "title", "cluster", "start_date", "end_date"]


class WorkplanTreeSerializer(serializers.Serializer):
    """The ``export_workplan --format json`` shape (``imports.export.workplan_tree_data``)."""

    title = serializers.CharField()
    slug = serializers.CharField()
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())
    objectives = serializers.ListField(child=serializers.DictField())


class ObjectiveSerializer(serializers.ModelSerializer):
    workplan = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Objective
        fields = ["id", "workplan", "parent", "code", "title", "order"]


class ResultSerializer(serializers.ModelSerializer):
    workplan = serializers.CharField(source="objective.workplan.slug", read_only=True)

    class Meta:
        model = ExpectedResult
        fields = ["id", "workplan", "objective", "code", "title", "order"]


class ActorLinkSerializer(serializers.Serializer):
    organisation = serializers.CharField(source="actor.acronym")
    role = serializers.CharField()
    note = serializers.CharField(source="role_note")


class ActivitySerializer(serializers.ModelSerializer):
    workplan = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    quarters = serializers.SerializerMethodField()
    actors = ActorLinkSerializer(source="actor_links", many=True, read_only=True)
    indicators = serializers.SerializerMethodField()
    progress = serializers.CharField(source="status_code", read_only=True, help_text=_("Rolled-up progress status."))

    class Meta:
        model = Activity
        fields = ["id", "workplan", "objective", "result", "code", "title", "level", "status", "progress", "place",
                  "period_text", "quarters", "actors", "indicators"]

    def get_quarters(self, activity) -> list[str]:
        return [q.code for q in sorted(activity.quarters.all(), key=lambda q: q.ordinal)]

    def get_indicators(self, activity) -> list[int]:
        return [i.pk for i in getattr(activity, "indicator_list", [])]


class TargetSerializer(serializers.ModelSerializer):
    quarter = serializers.CharField(source="quarter.code", default=None, allow_null=True)
    place = serializers.PrimaryKeyRelatedField(source="location", read_only=True, allow_null=True)

    class Meta:
        model = IndicatorTarget
        fields = ["quarter", "place", "value"]


class QuarterValueSerializer(serializers.Serializer):
    quarter = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    achieved_to_date = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)


class IndicatorSerializer(serializers.ModelSerializer):
    """The definition, then the progress by the maths of ``Indicator.progress`` (validated reports only)."""

    workplan = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    values_by_quarter = serializers.SerializerMethodField()
    achieved = serializers.SerializerMethodField()
    percent = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = ["id", "workplan", "objective", "result", "activity", "code", "text", "kind", "unit", "baseline",
                  "target", "direction", "aggregation", "place_rule", "disaggregate_sex", "disaggregate_age",
                  "disaggregate_cercle", "means_of_verification", "targets", "values_by_quarter", "achieved",
                  "percent", "status"]

    def _progress(self, indicator):
        if not hasattr(indicator, "_api_progress"):
            scheduled = list(indicator.activity.quarters.all()) if indicator.activity_id else []
            indicator._api_progress = indicator.progress(reports=indicator.validated_reports, scheduled_quarters=scheduled)
        return indicator._api_progress

    @extend_schema_field(QuarterValueSerializer(many=True))
    def get_values_by_quarter(self, indicator):
        progress = self._progress(indicator)
        return [
            {"quarter": "{}-Q{}".format(*Quarter.from_ordinal(o)), "value": v, "achieved_to_date": progress.running.get(o)}
            for o, v in sorted(progress.values_by_quarter.items())
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True))
    def get_achieved(self, indicator):
        return self._progress(indicator).achieved

    @extend_schema_field(serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True))
    def get_percent(self, indicator):
        return self._progress(indicator).percent

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices))
    def get_status(self, indicator):
        return str(self._progress(indicator).status)


class PartsSerializer(serializers.Serializer):
    """A report's disaggregation: by sex, by age, by cercle (place id → value)."""

    F = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0)
    M = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0)
    lt18 = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0)
    ge18 = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0)
    cercles = serializers.DictField(child=serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0),
                                    required=False, help_text=_("Place id → value."))


class ProgressReportSerializer(serializers.ModelSerializer):
    quarter = serializers.CharField(source="quarter.code", read_only=True)
    organisation = serializers.CharField(source="organisation.acronym", read_only=True)
    organisation_id = serializers.IntegerField(read_only=True)
    workplan = serializers.SerializerMethodField()
    parts = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = ["id", "indicator", "workplan", "quarter", "organisation", "organisation_id", "value", "value_text",
                  "narrative", "state", "review_comment", "version", "submitted_at", "reviewed_at", "created_at",
                  "updated_at", "parts"]

    def get_workplan(self, report) -> str:
        return report.indicator.workplan.slug

    @extend_schema_field(PartsSerializer)
    def get_parts(self, report):
        parts = {}
        cercles = {}
        for part in report.breakdowns.all():
            if part.dimension == ReportBreakdown.Dimension.CERCLE:
                cercles[str(part.location_id)] = part.value
            else:
                parts[part.category] = part.value
        if cercles:
            parts["cercles"] = cercles
        return parts


class ReportWriteSerializer(serializers.Serializer):
    """Create or change a report. Values are checked as on the page (``indicators.forms.ReportForm``),
    then by ``indicators.services.report_save``."""

    value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    value_text = serializers.CharField(required=False, allow_blank=True)
    narrative = serializers.CharField(required=False, allow_blank=True)
    parts = PartsSerializer(required=False)
    submit = serializers.BooleanField(required=False, default=False, help_text=_("Submit for validation after saving."))


class ReportCreateSerializer(ReportWriteSerializer):
    indicator = serializers.IntegerField()
    quarter = serializers.CharField(help_text="2021-Q2")
    organisation = serializers.IntegerField(required=False, allow_null=True,
                                            help_text=_("Needed when you may report for several organisations."))


class ReportUpdateSerializer(ReportWriteSerializer):
    version = serializers.IntegerField(help_text=_("The version you read: a stale one is refused (409)."))


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True)


class ReturnSerializer(VersionSerializer):
    comment = serializers.CharField(allow_blank=True)


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = ProgressReportSerializer()


class AgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["order", "title", "discussion", "recommendations"]


class MeetingSerializer(serializers.ModelSerializer):
    cluster = serializers.CharField(source="cluster.code", read_only=True)
    subcluster = serializers.CharField(source="subcluster.code", default=None, read_only=True, allow_null=True)
    co_facilitator = serializers.CharField(source="co_facilitator.acronym", default=None, read_only=True, allow_null=True)
    agenda_items = AgendaItemSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "cluster", "subcluster", "title", "date", "place", "chair", "co_facilitator",
                  "participants_count", "organisations_text", "introduction", "agenda_items"]


class ActionPointSerializer(serializers.ModelSerializer):
    owners = serializers.SlugRelatedField(slug_field="acronym", many=True, read_only=True)

    class Meta:
        model = ActionPoint
        fields = ["id", "meeting", "order", "what", "owners", "owner_people", "deadline", "status", "follow_up",
                  "activity", "reviewed_in", "updated_at"]


class ActionPointUpdateSerializer(serializers.Serializer):
    """Checked by the page's form (``meetings.forms.ActionPointUpdateForm``)."""

    status = serializers.ChoiceField(choices=ActionPoint.Status.choices)
    follow_up = serializers.CharField(required=False, allow_blank=True, default="")
    reviewed_in = serializers.IntegerField(required=False, allow_null=True)
    seen = serializers.CharField(required=False, allow_blank=True,
                                 help_text=_("The updated_at you read: a stale one is refused (409)."))
