from django.urls import path

from apps.privacy import views

app_name = "privacy"

urlpatterns = [
    path("mon-compte/mes-donnees/", views.my_data, name="my_data"),
    path("comptes/<int:user_id>/effacement/", views.erasure, name="erasure"),
]
