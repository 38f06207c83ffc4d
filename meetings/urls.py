from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.meeting_create, name="create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("meetings/<int:pk>/minutes.docx", views.meeting_docx, name="docx"),
    path("meetings/action-points/", views.action_point_list, name="action_points"),
    path("meetings/action-points/<int:pk>/update/", views.action_point_update_view, name="action_point_update"),
    path("structure/", views.structure, name="structure"),
    path("contacts/", views.contact_list, name="contacts"),
]
