from django.urls import path

from . import views

app_name = "workplans"

urlpatterns = [
    path("", views.home, name="home"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/export.<str:fmt>", views.activity_export, name="activity_export"),
    path("workplans/<slug:slug>/", views.workplan_detail, name="detail"),

    path("workplans/<slug:slug>/quarters/<str:quarter>/", views.quarter_grid, name="quarter_grid"),
    path("workplans/<slug:slug>/quarters/<str:quarter>/close/", views.quarter_close, name="quarter_close"),
    path("workplans/<slug:slug>/quarters/<str:quarter>/reopen/", views.quarter_reopen, name="quarter_reopen"),
]
