"""``/blogs/…``: the class and school blogs, included once by ``config.urls_tenants``."""

from django.urls import include, path

from apps.blog import views

patterns = [
    path("", views.index, name="index"),
    path("<int:blog_id>/", views.blog_page, name="blog"),
    path("<int:blog_id>/nouvel-article/", views.post_new, name="new"),
    path("<int:blog_id>/reglages/", views.blog_settings, name="settings"),
    path("articles/<int:post_id>/", views.post_page, name="post"),
    path("articles/<int:post_id>/modifier/", views.post_edit, name="edit"),
    path("articles/<int:post_id>/etat/", views.post_action, name="action"),
    path("articles/<int:post_id>/decision/", views.decide, name="decide"),
    path("articles/<int:post_id>/commenter/", views.comment_new, name="comment"),
    path("articles/<int:post_id>/imprimer/", views.post_print, name="print"),
    path("articles/<int:post_id>/photos/", views.post_photos, name="photos"),
]

urlpatterns = [path("", include((patterns, "blog")))]
