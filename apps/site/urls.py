"""``/site-ecole/…`` (editing) and ``/ecole/<UAI>/…`` (the public site), included once by
``config.urls_tenants``."""

from django.urls import include, path

from apps.site import public_views, views

editing = [
    path("", views.index, name="index"),
    path("<int:school_id>/", views.edit, name="edit"),
    path("<int:school_id>/publier/", views.publish, name="publish"),
    path("<int:school_id>/couleurs/", views.colours, name="colours"),
    path("<int:school_id>/logo/", views.logo, name="logo"),
    path("<int:school_id>/accessibilite/", views.audit, name="audit"),
    path("<int:school_id>/pages/nouvelle/", views.page_add, name="page_add"),
    path("<int:school_id>/pages/<int:page_id>/", views.page_edit, name="page"),
    path("<int:school_id>/pages/<int:page_id>/deplacer/", views.page_move, name="page_move"),
    path("<int:school_id>/pages/<int:page_id>/placer/", views.page_place, name="page_place"),
    path("<int:school_id>/pages/<int:page_id>/supprimer/", views.page_delete, name="page_delete"),
]

UAI = "<str:uai>"
public_site = [
    path(f"{UAI}/", public_views.home, name="home"),
    path(f"{UAI}/mentions-legales/", public_views.legal, name="legal"),
    path(f"{UAI}/accessibilite/", public_views.accessibility, name="accessibility"),
    path(f"{UAI}/actualites.atom", public_views.feed, name="feed"),
    path(f"{UAI}/sitemap.xml", public_views.sitemap, name="sitemap"),
    path(f"{UAI}/couleurs.css", public_views.colours, name="colours"),
    path(f"{UAI}/logo", public_views.logo, name="logo"),
    path(f"{UAI}/publications/", public_views.entries, name="entries"),
    path(f"{UAI}/publications/<slug:key>/<int:item_id>/", public_views.entry, name="entry"),
    path(
        f"{UAI}/publications/<slug:key>/<int:item_id>/photos/<int:attachment_id>",
        public_views.entry_photo,
        name="entry_photo",
    ),
    # A page and its sub-pages: "equipe/cycle-3/" (slugs only, the view checks).
    path(f"{UAI}/<path:path>/", public_views.page, name="page"),
]

urlpatterns = [
    path("site-ecole/", include((editing, "school_site"))),
    path("ecole/", include((public_site, "school_site_public"))),
]
