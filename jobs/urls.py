from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("tasks/", views.job_list, name="list"),
    path("tasks/<int:pk>/", views.job_detail, name="detail"),
    path("tasks/<int:pk>/download/", views.job_download, name="download"),
    path("tasks/<int:pk>/restart/", views.job_restart_view, name="restart"),
    path("tasks/export/performance/", views.export_performance_start, name="export_performance_all"),
    path("tasks/export/performance/<slug:slug>/", views.export_performance_start, name="export_performance"),
    path("tasks/export/activities/", views.export_activities_start, name="export_activities"),
    path("tasks/import/<int:pk>/", views.import_confirm_start, name="import_confirm"),
]
