from django.urls import path

from . import views

app_name = "workplans"

urlpatterns = [
    path("", views.home, name="home"),
    path("workplans/<slug:slug>/", views.workplan_detail, name="detail"),
]
