from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/export.<str:fmt>", views.activity_export, name="activity_export"),
    path("workplans/<slug:slug>/", views.workplan_detail, name="workplan"),
    path("reports/", views.index, name="index"),
    path("reports/performance/", views.performance, name="performance_all"),
    path("reports/performance.xlsx", views.performance_xlsx, name="performance_all_xlsx"),
    path("reports/performance.csv", views.performance_csv, name="performance_all_csv"),
    path("reports/saved/", views.saved_views, name="saved_views"),
    path("reports/saved/<int:pk>/delete/", views.saved_view_delete, name="saved_view_delete"),
    path("reports/<slug:slug>/performance/", views.performance, name="performance"),
    path("reports/<slug:slug>/performance.xlsx", views.performance_xlsx, name="performance_xlsx"),
    path("reports/<slug:slug>/performance.csv", views.performance_csv, name="performance_csv"),
    path("reports/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("reports/<slug:slug>/quarter/", views.quarter_summary_page, name="quarter_summary"),
    path("reports/<slug:slug>/quarter.xlsx", views.quarter_summary_xlsx, name="quarter_summary_xlsx"),
]
