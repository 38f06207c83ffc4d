from django.urls import path

from . import import_views

app_name = "workplans"

urlpatterns = [
    path("imports/new/", import_views.import_new, name="import"),
    path("imports/template.xlsx", import_views.import_template, name="import_template"),
    path("imports/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("imports/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/annotated.xlsx", import_views.import_annotated, name="import_annotated"),
]
