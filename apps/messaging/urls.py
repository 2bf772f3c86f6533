from django.urls import path

from apps.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.box_page, {"box": "inbox"}, name="inbox"),
    path("envoyes/", views.box_page, {"box": "sent"}, name="sent"),
    path("brouillons/", views.box_page, {"box": "drafts"}, name="drafts"),
    path("corbeille/", views.box_page, {"box": "trash"}, name="trash"),
    path("dossiers/<int:folder_id>/", views.folder_page, name="folder"),
    path("actions/", views.copies_action, name="act_on_copies"),
    path("corbeille/vider/", views.trash_empty, name="trash_empty"),
    path("ecrire/", views.compose, name="compose"),
    path("brouillons/<int:draft_id>/", views.compose, name="draft"),
    path("messages/<int:message_id>/", views.message_page, name="message"),
    path("messages/<int:message_id>/imprimer/", views.message_print, name="print"),
    path("messages/<int:message_id>/lectures/", views.receipts_page, name="receipts"),
    path("messages/<int:message_id>/<str:act>/", views.message_act, name="act"),
    path("recherche/", views.search_page, name="search"),
    path("reglages/", views.settings_page, name="settings"),
    path("moderation/", views.moderation_page, name="moderation"),
    path("signalements/", views.reports_page, name="reports"),
    path("retenus/", views.held_page, name="held"),
    path("restrictions/", views.switches_page, name="switches"),
]
