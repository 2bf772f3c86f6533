from django.urls import path

from apps.portal import views

app_name = "portal"

urlpatterns = [
    path("comptes/", views.account_list, name="accounts"),
]
