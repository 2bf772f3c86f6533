"""``/forums/…``: the class and school forums, included once by ``config.urls_tenants``."""

from django.urls import include, path

from apps.forum import views

patterns = [
    path("", views.index, name="index"),
    path("signalements/", views.reports_page, name="reports"),
    path("<int:forum_id>/", views.forum_page, name="forum"),
    path("<int:forum_id>/nouveau-sujet/", views.subject_new, name="new"),
    path("<int:forum_id>/categories/", views.categories_page, name="categories"),
    path("sujets/<int:subject_id>/", views.subject_page, name="subject"),
    path("sujets/<int:subject_id>/modifier/", views.subject_edit, name="edit"),
    path("sujets/<int:subject_id>/supprimer/", views.subject_delete, name="delete"),
    path("sujets/<int:subject_id>/etat/", views.subject_action, name="action"),
    path("sujets/<int:subject_id>/decision/", views.decide, name="decide"),
    path("sujets/<int:subject_id>/repondre/", views.reply, name="reply"),
    path("sujets/<int:subject_id>/signaler/", views.report_subject, name="report_subject"),
    path("messages/<int:message_id>/", views.message_page, name="message"),
    path("messages/<int:message_id>/modifier/", views.message_edit, name="message_edit"),
    path("messages/<int:message_id>/supprimer/", views.message_delete, name="message_delete"),
    path("messages/<int:message_id>/signaler/", views.report_message, name="report_message"),
]

urlpatterns = [path("", include((patterns, "forum")))]
