"""``/pieces-jointes/…``: downloads, included once by ``config.urls_tenants``."""

from django.urls import include, path

from apps.attachments import views

patterns = [path("<int:attachment_id>/", views.download, name="download")]

urlpatterns = [path("", include((patterns, "attachments")))]
