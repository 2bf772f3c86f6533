"""``/heures-calmes/…``: quiet hours, included once by ``config.urls_tenants``."""

from django.urls import include, path

from apps.quiethours import views

patterns = [
    path("", views.index, name="index"),
    path("ecoles/<int:school_id>/", views.school, name="school"),
    path("ecoles/<int:school_id>/commune/", views.school_reset, name="school_reset"),
]

urlpatterns = [path("", include((patterns, "quiethours")))]
