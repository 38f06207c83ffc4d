from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("indicators/<int:pk>/", views.indicator_detail, name="detail"),
    path("indicators/<int:pk>/report/<str:quarter>/", views.report_edit, name="report"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/validate/", views.report_validate, name="report_validate"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("reports/awaiting-validation/", views.awaiting_validation, name="awaiting"),
    path("workplans/<slug:slug>/quarters/<str:quarter>/", views.quarter_grid, name="quarter_grid"),
    path("workplans/<slug:slug>/quarters/<str:quarter>/close/", views.quarter_close, name="quarter_close"),
    path("workplans/<slug:slug>/quarters/<str:quarter>/reopen/", views.quarter_reopen, name="quarter_reopen"),
]
