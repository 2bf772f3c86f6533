"""``/cahier-de-textes/…``: the cahier de textes, included once by ``config.urls_tenants``."""

from django.urls import include, path

from apps.homework import views

patterns = [
    path("", views.index, name="index"),
    path("classes/<int:classroom_id>/", views.class_week, name="class_week"),
    path("classes/<int:classroom_id>/jour/<str:day>/", views.class_day, name="class_day"),
    path("classes/<int:classroom_id>/nouvelle-seance/", views.entry_new, name="new"),
    path("seances/<int:entry_id>/modifier/", views.entry_edit, name="edit"),
    path("seances/<int:entry_id>/le/<str:day>/", views.occurrence_scope, name="occurrence"),
    path(
        "seances/<int:entry_id>/le/<str:day>/modifier/",
        views.occurrence_edit,
        name="occurrence_edit",
    ),
    path("enfants/<int:child_id>/", views.child_week, name="child_week"),
    path("enfants/<int:child_id>/jour/<str:day>/", views.child_day, name="child_day"),
]

urlpatterns = [path("", include((patterns, "homework")))]
