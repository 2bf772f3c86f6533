"""``/api/v1/liaison/…``, included by ``apps.api.urls`` (namespace ``api``)."""

from django.urls import path

from apps.apikit.base import by_method
from apps.liaison.apis import (
    LiaisonNoteConfirmApi,
    LiaisonNoteCreateApi,
    LiaisonNoteListApi,
    LiaisonNoteReplyApi,
)

urlpatterns = [
    path(
        "notes/",
        by_method(get=LiaisonNoteListApi, post=LiaisonNoteCreateApi),
        name="liaison-note-list",
    ),
    path(
        "notes/<int:note_id>/confirm/", LiaisonNoteConfirmApi.as_view(), name="liaison-note-confirm"
    ),
    path("notes/<int:note_id>/reply/", LiaisonNoteReplyApi.as_view(), name="liaison-note-reply"),
]
