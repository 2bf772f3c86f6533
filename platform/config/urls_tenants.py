"""URLs of a commune's subdomain."""

from django.contrib import admin
from django.urls import include, path

from apps.portal import views as portal_views

handler404 = "tenants.views.not_found"
handler500 = "tenants.views.server_error"

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("", include("apps.accounts.urls")),
    path("admin/", admin.site.urls),
]
