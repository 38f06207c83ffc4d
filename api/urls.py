"""``/api/v1/``: the REST API, its schema and documentation, the token page, the Kobo bridge.

Every API view authenticates itself (session with CSRF, or token) and answers 401/403 in JSON:
they are exempt from ``LoginRequiredMiddleware``'s redirect to the login page. The pages (tokens,
Kobo forms) stay behind it.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import pages, views
from .hook import KoboHookView

app_name = "api"

router = SimpleRouter()
router.register("workplans", views.WorkplanViewSet, basename="workplan")
router.register("objectives", views.ObjectiveViewSet, basename="objective")
router.register("results", views.ResultViewSet, basename="result")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("reports", views.ProgressReportViewSet, basename="report")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("subclusters", views.SubClusterViewSet, basename="subcluster")
router.register("places", views.PlaceViewSet, basename="place")
router.register("quarters", views.QuarterViewSet, basename="quarter")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("action-points", views.ActionPointViewSet, basename="action-point")


class SchemaView(SpectacularAPIView):
    """``?format=json`` gives JSON (YAML otherwise)."""


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


def _api(view):
    return login_not_required(view)


urlpatterns = [
    path("api/v1/schema/", _api(SchemaView.as_view()), name="schema"),
    path("api/v1/docs/", _api(DocsView.as_view()), name="docs"),
    path("api/v1/tokens/", pages.tokens, name="tokens"),
    path("api/v1/tokens/new/", pages.token_create, name="token-create"),
    path("api/v1/tokens/revoke/", pages.token_revoke, name="token-revoke"),
    path("api/v1/kobo/forms/", pages.kobo_form_list, name="kobo-forms"),
    path("api/v1/kobo/forms/new/", pages.kobo_form_edit, name="kobo-form-new"),
    path("api/v1/kobo/forms/<int:pk>/", pages.kobo_form_edit, name="kobo-form"),
    path("api/v1/kobo/forms/<int:pk>/submissions/", pages.kobo_submissions, name="kobo-submissions"),
    path("api/v1/kobo/forms/<int:pk>/reprocess/", pages.kobo_reprocess, name="kobo-reprocess"),
    path("api/v1/kobo/<slug:secret>/", _api(KoboHookView.as_view()), name="kobo-hook"),
]
for pattern in router.urls:
    pattern.callback = _api(pattern.callback)
urlpatterns += [path("api/v1/", include(router.urls))]
