"""``/notifications/…``, included once by ``config.urls_tenants``."""

from django.urls import include, path

from apps.notifications import views

patterns = [
    path("", views.feed, name="feed"),
    path("<int:notification_id>/ouvrir/", views.open_notification, name="open"),
    path("tout-lu/", views.mark_all_read, name="mark_all_read"),
    path("resume-par-e-mail/", views.email_digest, name="email_digest"),
]

urlpatterns = [path("", include((patterns, "notifications")))]
