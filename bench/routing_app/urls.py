"""A commune's URLs plus the bench view."""

from django.urls import path

from bench.routing_app.views import first_user
from config.urls_tenants import handler404, handler500
from config.urls_tenants import urlpatterns as tenant_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]

urlpatterns = [path("bench/", first_user, name="bench-first-user"), *tenant_urlpatterns]
