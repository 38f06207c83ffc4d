from django.urls import path

from . import import_views, views

app_name = "workplans"

urlpatterns = [
    path("", views.home, name="home"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/export.<str:fmt>", views.activity_export, name="activity_export"),
    path("workplans/<slug:slug>/", views.workplan_detail, name="detail"),
    path("imports/new/", import_views.import_new, name="import"),
    path("imports/template.xlsx", import_views.import_template, name="import_template"),
    path("imports/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("imports/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/annotated.xlsx", import_views.import_annotated, name="import_annotated"),

    path("workplans/<slug:slug>/quarters/<str:quarter>/", views.quarter_grid, name="quarter_grid"),
    path("workplans/<slug:slug>/quarters/<str:quarter>/close/", views.quarter_close, name="quarter_close"),
    path("workplans/<slug:slug>/quarters/<str:quarter>/reopen/", views.quarter_reopen, name="quarter_reopen"),
]
