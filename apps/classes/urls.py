"""``/classes/…`` (the teacher's class pages) and ``/qr/<token>/`` (QR login of maternelle
pupils), included once by ``config.urls_tenants``."""

from django.urls import include, path

from apps.classes import views

class_patterns = [
    path("", views.classroom_list, name="list"),
    path("<int:classroom_id>/", views.classroom_detail, name="detail"),
    path("<int:classroom_id>/cartes/", views.classroom_cards, name="cards"),
    path(
        "<int:classroom_id>/comptes/<int:user_id>/nouveau-code/",
        views.account_new_code,
        name="account_new_code",
    ),
    path(
        "<int:classroom_id>/comptes/<int:user_id>/bloquer/",
        views.account_block,
        name="account_block",
    ),
    path(
        "<int:classroom_id>/comptes/<int:user_id>/debloquer/",
        views.account_unblock,
        name="account_unblock",
    ),
    path(
        "<int:classroom_id>/comptes/<int:user_id>/qr/nouveau/",
        views.qr_token_renew,
        name="qr_renew",
    ),
    path(
        "<int:classroom_id>/comptes/<int:user_id>/qr/revoquer/",
        views.qr_token_revoke_view,
        name="qr_revoke",
    ),
]

urlpatterns = [
    path("classes/", include((class_patterns, "classes"))),
    path("qr/", include("apps.qrlogin.urls")),
]
