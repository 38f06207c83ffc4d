"""The REST API, ``/api/v1/``: reads for everyone signed in, writes through the services.

Each view loads with the pages' helpers (``workplans.permissions``) and the pages' querysets,
then calls ``indicators.services`` / ``meetings.services``. Drafts are visible as on the
pages (``api.permissions.visible_reports`` = ``can_see_report_details``): a report one may not
see is a 404; a forbidden act on one that one sees is a 403; a stale ``version`` a 409.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from imports.export import workplan_tree_data
from indicators import services
from indicators.filters import ActivityFilter
from indicators.models import Indicator, IndicatorTarget, Location, ProgressReport
from indicators.permissions import get_indicator_for_user
from indicators.selectors import activities_with_progress
from meetings.forms import ActionPointFilterForm, ActionPointUpdateForm
from meetings.models import ActionPoint, Meeting
from meetings.permissions import get_action_point_for_user
from meetings.services import action_point_update
from workplans.models import Activity, Actor, ExpectedResult, Objective, Quarter, SubCluster, Workplan

from . import serializers as s
from .filters import IndicatorFilter, ObjectiveFilter, PageFilterBackend, ReportFilter, ResultFilter
from .permissions import visible_reports
from .renderers import CSVRenderer
from .reporting import ReportInvalid, choose_organisation, record_report

RENDERERS = [JSONRenderer, CSVRenderer]


class ListViewSet(viewsets.ReadOnlyModelViewSet):
    """Lists paginated (``count``, ``next``, ``previous``, ``results``); ``?format=csv`` gives every row as CSV."""

    renderer_classes = RENDERERS
    filter_backends = [PageFilterBackend]
    lookup_value_regex = "[^/]+"  # any segment reaches the view: a bad id is a JSON 404, not Django's page

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if "pk" in kwargs and not str(kwargs["pk"]).isdigit():
            raise NotFound()  # ids are numbers: anything else is not found (not a 500)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400 and getattr(response, "accepted_renderer", None) is not None \
                and response.accepted_renderer.format == "csv":
            response.accepted_renderer = JSONRenderer()  # errors are JSON, whatever the format asked
            response.accepted_media_type = JSONRenderer.media_type
        return response

    def paginate_queryset(self, queryset):
        if getattr(self.request, "accepted_renderer", None) is not None and self.request.accepted_renderer.format == "csv":
            return None
        return super().paginate_queryset(queryset)


class QuarterViewSet(ListViewSet):
    queryset = Quarter.objects.order_by("ordinal")
    serializer_class = s.QuarterSerializer


class SubClusterViewSet(ListViewSet):
    queryset = SubCluster.objects.select_related("cluster").order_by("order", "code")
    serializer_class = s.SubClusterSerializer


class OrganisationViewSet(ListViewSet):
    queryset = Actor.objects.select_related("subcluster").order_by("acronym")
    serializer_class = s.OrganisationSerializer


class PlaceViewSet(ListViewSet):
    queryset = Location.objects.order_by("kind", "name", "id")
    serializer_class = s.PlaceSerializer


@extend_schema_view(retrieve=extend_schema(responses=s.WorkplanTreeSerializer,
                                           description="The whole tree, in the `export_workplan --format json` shape."))
class WorkplanViewSet(ListViewSet):
    queryset = Workplan.objects.select_related("cluster").order_by("-start_date", "title")
    serializer_class = s.WorkplanSerializer
    lookup_field = "slug"

    def retrieve(self, request, *args, **kwargs):
        return Response(workplan_tree_data(self.get_object()))


class ObjectiveViewSet(ListViewSet):
    queryset = Objective.objects.select_related("workplan").order_by("workplan__title", "order", "id")
    serializer_class = s.ObjectiveSerializer
    filterset_class = ObjectiveFilter


class ResultViewSet(ListViewSet):
    queryset = ExpectedResult.objects.select_related("objective__workplan").order_by("objective__workplan__title", "order", "id")
    serializer_class = s.ResultSerializer
    filterset_class = ResultFilter


class ActivityViewSet(ListViewSet):
    """The filters of ``/activities/`` (``workplans.filters.ActivityFilter``): same parameters, same rows;
    an unknown sub-cluster, actor, workplan or quarter is a 400 that says so."""

    queryset = Activity.objects.active().order_by("workplan__title", "order", "id")
    serializer_class = s.ActivitySerializer
    filterset_class = ActivityFilter

    def _rows(self, activities, chunk=1000):
        """The page's rows (``activities_with_progress``), in the list's order; by chunks for a whole CSV."""
        ids = [a.pk for a in activities]
        rows = []
        for start in range(0, len(ids), chunk):
            rows += activities_with_progress(Activity.objects.filter(pk__in=ids[start:start + chunk]))
        order = {pk: i for i, pk in enumerate(ids)}
        rows.sort(key=lambda a: order[a.pk])
        return rows

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset.only("pk"))
        if page is not None:
            return self.get_paginated_response(self.get_serializer(self._rows(page), many=True).data)
        return Response(self.get_serializer(self._rows(list(queryset.only("pk"))), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        activity = get_object_or_404(Activity.objects.all(), pk=kwargs["pk"])
        return Response(self.get_serializer(self._rows([activity])[0]).data)


def _indicators():
    validated = ProgressReport.objects.validated().select_related("quarter")
    return (
        Indicator.objects.active().with_thresholds().select_related("workplan", "activity")
        .prefetch_related(
            Prefetch("targets", queryset=IndicatorTarget.objects.select_related("quarter").order_by("quarter__ordinal", "id")),
            Prefetch("reports", queryset=validated, to_attr="validated_reports"),
            "activity__quarters",
        )
        .order_by("workplan__title", "order", "id")
    )


class IndicatorViewSet(ListViewSet):
    """Definition, targets by period, values by quarter, achieved, % and status: ``Indicator.progress``
    (validated reports only), as on the indicator page."""

    queryset = Indicator.objects.none()
    serializer_class = s.IndicatorSerializer
    filterset_class = IndicatorFilter

    def get_queryset(self):
        return _indicators()


def _reports():
    return ProgressReport.objects.select_related("indicator__workplan", "quarter", "organisation").prefetch_related(
        "breakdowns"
    ).order_by("indicator__workplan__title", "indicator__order", "indicator_id", "quarter__ordinal", "organisation__acronym")


CONFLICT = OpenApiResponse(s.ConflictSerializer, description="A stale version: the current report is in `current`.")
REFUSED = OpenApiResponse(OpenApiTypes.OBJECT, description="Messages by field, or `detail` (and `errors`) when the "
                                                            "rules refuse the act.")


@extend_schema_view(
    create=extend_schema(request=s.ReportCreateSerializer,
                         responses={201: s.ProgressReportSerializer, 400: OpenApiTypes.OBJECT, 409: CONFLICT}),
    update=extend_schema(request=s.ReportUpdateSerializer,
                         responses={200: s.ProgressReportSerializer, 400: OpenApiTypes.OBJECT, 409: CONFLICT}),
    partial_update=extend_schema(request=s.ReportUpdateSerializer,
                                 responses={200: s.ProgressReportSerializer, 400: OpenApiTypes.OBJECT, 409: CONFLICT}),
)
class ProgressReportViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ListViewSet):
    """Progress reports. Drafts, submitted and returned reports are seen only by those who may record on
    their indicator (its organisations' members, the coordinators in scope, administrators), as on the pages."""

    queryset = ProgressReport.objects.none()
    serializer_class = s.ProgressReportSerializer
    filterset_class = ReportFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return visible_reports(self.request.user, _reports())

    def _reload(self, report):
        return _reports().get(pk=report.pk)

    def _record(self, request, indicator, quarter, organisation, organisations, data, version, report=None):
        try:
            return record_report(request.user, indicator, quarter, organisation, organisations, data, version=version,
                                 submit=data.get("submit", False), report=report)
        except ReportInvalid as exc:
            raise ValidationError(exc.errors) from None

    def create(self, request, *args, **kwargs):
        given = s.ReportCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        indicator = Indicator.objects.filter(pk=data["indicator"]).first()
        if indicator is None:
            raise ValidationError({"indicator": [_("Unknown indicator.")]})
        indicator = get_indicator_for_user(request.user, indicator.pk, "record")
        pair = Quarter.parse_code(data["quarter"])
        quarter = Quarter.objects.filter(year=pair[0], number=pair[1]).first() if pair else None
        if quarter is None:
            raise ValidationError({"quarter": [_("Unknown quarter: %(v)s (write it like 2021-Q2)") % {"v": data["quarter"]}]})
        try:
            organisation, organisations = choose_organisation(request.user, indicator, data.get("organisation"))
        except ReportInvalid as exc:
            raise ValidationError(exc.errors) from None
        report = self._record(request, indicator, quarter, organisation, organisations, data, version=None)
        return Response(s.ProgressReportSerializer(self._reload(report)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        report = self.get_object()
        given = s.ReportUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        if kwargs.get("partial"):  # PATCH: what is not given stays as it is
            for name in ("value", "value_text", "narrative"):
                if name not in request.data:
                    data[name] = getattr(report, name)
            if "parts" not in request.data:
                data["parts"] = s.ProgressReportSerializer(report).data["parts"]
        indicator = get_indicator_for_user(request.user, report.indicator_id, "record")
        organisation, organisations = choose_organisation(request.user, indicator, report.organisation_id)
        saved = self._record(request, indicator, report.quarter, organisation, organisations, data,
                             version=data["version"], report=report)
        return Response(s.ProgressReportSerializer(self._reload(saved)).data)

    def _act(self, request, serializer_class, act):
        report = self.get_object()
        report.indicator = get_indicator_for_user(request.user, report.indicator_id)
        given = serializer_class(data=request.data)
        given.is_valid(raise_exception=True)
        saved = act(report, given.validated_data)
        return Response(s.ProgressReportSerializer(self._reload(saved)).data)

    @extend_schema(request=s.VersionSerializer, responses={200: s.ProgressReportSerializer, 400: REFUSED, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Draft or returned → submitted (for validation)."""
        return self._act(request, s.VersionSerializer,
                         lambda report, data: services.report_submit(request.user, report, data.get("version")))

    @extend_schema(request=s.VersionSerializer, responses={200: s.ProgressReportSerializer, 400: REFUSED, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        """Submitted → validated (coordinators in scope, administrators)."""
        return self._act(request, s.VersionSerializer,
                         lambda report, data: services.report_validate(request.user, report, data.get("version")))

    @extend_schema(request=s.ReturnSerializer, responses={200: s.ProgressReportSerializer, 400: REFUSED, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """Submitted or validated → returned, with a comment (required)."""
        return self._act(
            request, s.ReturnSerializer,
            lambda report, data: services.report_return(request.user, report, data.get("comment", ""), data.get("version")),
        )


class MeetingViewSet(ListViewSet):
    queryset = Meeting.objects.select_related("cluster", "subcluster", "co_facilitator").prefetch_related(
        "agenda_items").order_by("-date", "-id")
    serializer_class = s.MeetingSerializer


ACTION_POINT_FILTERS = [
    OpenApiParameter("status", str, enum=["", *ActionPoint.Status.values],
                     description="open (the default), done, dropped; empty for all"),
    OpenApiParameter("owner", int, description="An organisation id"),
    OpenApiParameter("person", str),
    OpenApiParameter("overdue", bool),
]


@extend_schema_view(list=extend_schema(parameters=ACTION_POINT_FILTERS))
class ActionPointViewSet(mixins.UpdateModelMixin, ListViewSet):
    """Action points with the filters of ``/meetings/action-points/`` (open ones by default);
    PATCH records where one stands (status, follow-up), as the meeting page does."""

    queryset = ActionPoint.objects.for_list().order_by("deadline", "meeting__date", "order", "id")
    serializer_class = s.ActionPointSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        form = ActionPointFilterForm(self.request.query_params or None)
        if form.is_bound and not form.is_valid():
            raise ValidationError(form.errors)
        return form.filter(queryset, timezone.localdate())

    @extend_schema(request=s.ActionPointUpdateSerializer,
                   responses={200: s.ActionPointSerializer, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT})
    def partial_update(self, request, *args, **kwargs):
        point = get_action_point_for_user(request.user, kwargs["pk"])
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        given = s.ActionPointUpdateSerializer(data={"status": point.status, **request.data})
        given.is_valid(raise_exception=True)
        data = {k: ("" if v is None else v) for k, v in given.validated_data.items()}
        form = ActionPointUpdateForm(data, point=point)
        if not form.is_valid():
            if "seen" in form.errors:
                current = s.ActionPointSerializer(ActionPoint.objects.for_list().get(pk=point.pk)).data
                return Response({"detail": form.errors["seen"][0], "current": current}, status=status.HTTP_409_CONFLICT)
            raise ValidationError(form.errors)
        action_point_update(point, status=form.cleaned_data["status"], follow_up=form.cleaned_data["follow_up"],
                            reviewed_in=form.cleaned_data["reviewed_in"])
        return Response(s.ActionPointSerializer(ActionPoint.objects.for_list().get(pk=point.pk)).data)
