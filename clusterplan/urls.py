from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

# The admin modules are discovered here, not at start-up (clusterplan/apps.py: AdminConfig).
admin.autodiscover()

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("indicators.urls")),
    path("", include("imports.urls")),
    path("", include("reports.urls")),
    path("", include("meetings.urls")),
    path("", include("notifications.urls")),
    path("", include("jobs.urls")),
    path("", include("api.urls")),
]

if settings.BENCH_BARE_PAGE:  # `make bench-http` only (bench/http_bench.py)
    from clusterplan.bench_views import bare_page

    urlpatterns.append(path("bench/bare/", bare_page))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
