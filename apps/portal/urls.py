from django.urls import path

from apps.portal import views

app_name = "portal"

urlpatterns = [
    path("comptes/", views.account_list, name="accounts"),
    path("comptes/nouveau/", views.account_create, name="account_create"),
    path("comptes/<int:user_id>/", views.account_detail, name="account"),
    path(
        "comptes/<int:user_id>/affectations/",
        views.account_assignments,
        name="account_assignments",
    ),
    path("comptes/<int:user_id>/nouveau-code/", views.account_new_code, name="account_new_code"),
]
