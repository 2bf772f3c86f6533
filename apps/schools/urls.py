from django.urls import path

from apps.schools import views

app_name = "schools"

urlpatterns = [
    path("ecoles/", views.school_list, name="list"),
    path("ecoles/nouvelle/", views.school_create_view, name="create"),
    path("ecoles/<int:school_id>/", views.school_detail, name="detail"),
    path("ecoles/<int:school_id>/modifier/", views.school_edit_view, name="edit"),
]
