"""URLs of a commune's subdomain."""

from django.contrib import admin
from django.urls import include, path

from apps.portal import views as portal_views

handler404 = "tenants.views.not_found"
handler500 = "tenants.views.server_error"

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("", include("apps.portal.urls")),
    path("", include("apps.schools.urls")),
    path("api/", include("apps.api.urls")),
    path("", include("apps.accounts.urls")),
    path("", include("apps.accounts.security.urls_commune")),
    path("", include("apps.audit.urls")),
    path("", include("apps.privacy.urls")),
    path("", include("apps.classes.urls")),
    path("liaison/", include("apps.liaison.urls")),
    path("messagerie/", include("apps.messaging.urls")),
    path("salons/", include("apps.chat.urls")),
    path("blogs/", include("apps.blog.urls")),
    path("actualites/", include("apps.news.urls")),
    path("forums/", include("apps.forum.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("heures-calmes/", include("apps.quiethours.urls")),
    path("cahier-de-textes/", include("apps.homework.urls")),
    path("pieces-jointes/", include("apps.attachments.urls")),
    path("a-valider/", include("apps.publications.urls")),
    path("", include("apps.site.urls")),
    path("admin/", admin.site.urls),
    path("administration/imports/", include("apps.schools.urls_imports")),
    # A commune administrator's own contract lines, orders and invoices (scoped to the host).
    path("facturation/", include("tenants.billing.urls")),
]
