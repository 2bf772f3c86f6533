"""``/liaison/…``: the cahier de liaison, included once by ``config.urls_tenants``."""

from django.urls import include, path

from apps.liaison import views

patterns = [
    path("", views.index, name="index"),
    path("reglages/", views.policy, name="policy"),
    path("classes/<int:classroom_id>/nouveau/", views.note_new_for_class, name="new_class"),
    path("ecoles/<int:school_id>/nouveau/", views.note_new_for_school, name="new_school"),
    path("notes/<int:note_id>/", views.note_status_page, name="status"),
    path("notes/<int:note_id>/modifier/", views.note_edit, name="edit"),
    path("notes/<int:note_id>/relancer/", views.note_remind, name="remind"),
    path("notes/<int:note_id>/coupons.pdf", views.note_slips, name="slips"),
    path("enfants/<int:child_id>/", views.child_notes, name="child"),
    path(
        "enfants/<int:child_id>/notes/<int:note_id>/confirmer/",
        views.note_confirm,
        name="confirm",
    ),
    path("enfants/<int:child_id>/notes/<int:note_id>/repondre/", views.note_reply, name="reply"),
]

urlpatterns = [path("", include((patterns, "liaison")))]
