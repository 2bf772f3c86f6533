"""Login, second factor, passwords and first login: on commune subdomains and the base domain.

Included by ``apps.accounts.urls`` (namespace ``accounts``).
"""

from django.urls import path

from apps.accounts.security import views
from apps.accounts.security.views.account import (
    email_address,
    email_address_confirm,
    email_address_remove,
)

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("connexion/code/", views.two_factor_verify, name="two_factor_verify"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("premiere-connexion/", views.first_login, name="first_login"),
    path("mon-compte/", views.account, name="account"),
    path("mon-compte/adresse-electronique/", email_address, name="email_change"),
    path(
        "mon-compte/adresse-electronique/confirmer/<str:token>/",
        email_address_confirm,
        name="email_change_confirm",
    ),
    path("mon-compte/adresse-electronique/retirer/", email_address_remove, name="email_remove"),
    path(
        "mon-compte/double-authentification/activer/",
        views.two_factor_enrol,
        name="two_factor_enrol",
    ),
    path(
        "mon-compte/double-authentification/codes-de-secours/",
        views.backup_codes,
        name="backup_codes",
    ),
    path(
        "mon-compte/double-authentification/codes-de-secours/renouveler/",
        views.backup_codes_regenerate,
        name="backup_codes_regenerate",
    ),
    path(
        "mon-compte/double-authentification/desactiver/",
        views.two_factor_remove,
        name="two_factor_remove",
    ),
    path("mon-compte/mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "mon-compte/mot-de-passe/modifie/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("mot-de-passe-oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe-oublie/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe-oublie/termine/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
