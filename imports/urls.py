from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("imports/new/", views.import_new, name="import"),
    path("imports/template.xlsx", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_preview, name="import_preview"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/annotated.xlsx", views.import_annotated, name="import_annotated"),
]
