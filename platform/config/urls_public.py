"""URLs of the groupement's base domain (coordination)."""

from django.contrib import admin
from django.urls import include, path

from tenants import views

handler404 = "tenants.views.not_found"
handler500 = "tenants.views.server_error"

urlpatterns = [
    path("", views.landing, name="home"),
    path("", include("apps.accounts.urls")),
    path("admin/", admin.site.urls),
    path("facturation/", include("tenants.billing.urls")),
]
