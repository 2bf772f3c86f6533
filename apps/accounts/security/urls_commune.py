"""Staff acting on other accounts of the commune (commune subdomains only: namespace
``account_admin``)."""

from django.urls import path

from apps.accounts.security import views

app_name = "account_admin"

urlpatterns = [
    path("comptes/eleves/<int:pupil_id>/acces/", views.pupil_access, name="pupil_access"),
    path("comptes/<int:user_id>/blocage/", views.account_blocking, name="blocking"),
    path(
        "comptes/<int:user_id>/double-authentification/reinitialiser/",
        views.two_factor_reset,
        name="two_factor_reset",
    ),
]
