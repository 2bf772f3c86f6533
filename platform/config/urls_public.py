"""URLs of the groupement's base domain (coordination)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from tenants import views

handler404 = "tenants.views.not_found"
handler500 = "tenants.views.server_error"

urlpatterns = [
    path("", views.landing, name="home"),
    path("", include("apps.accounts.urls")),
    path("admin/", admin.site.urls),
    path("facturation/", include("tenants.billing.urls")),
    path("coordination/", include("tenants.dashboard.urls")),
    path("api/v1/groupement/", include("tenants.dashboard.api_urls")),
    # The base domain's own OpenAPI schema: this URLconf's paths, not a commune's.
    path(
        "api/schema/",
        SpectacularAPIView.as_view(urlconf="config.urls_public"),
        name="api-schema",
    ),
]
