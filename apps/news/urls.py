"""``/actualites/…``: the news and the emergency banners, included once by
``config.urls_tenants``."""

from django.urls import include, path

from apps.news import views

patterns = [
    path("", views.index, name="index"),
    path("redaction/", views.manage, name="manage"),
    path("nouvelle/", views.news_new, name="new"),
    path("<int:news_id>/", views.detail, name="detail"),
    path("<int:news_id>/modifier/", views.news_edit, name="edit"),
    path("<int:news_id>/etat/", views.news_action, name="action"),
    path("<int:news_id>/decision/", views.decide, name="decide"),
    path("<int:news_id>/photos/", views.photos, name="photos"),
    path("bandeaux/", views.banners, name="banners"),
    path("bandeaux/<int:banner_id>/arreter/", views.banner_end, name="banner_end"),
]

urlpatterns = [path("", include((patterns, "news")))]
