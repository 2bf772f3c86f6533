"""``/api/v1/moderation/…``, included by ``apps.api.urls`` (namespace ``api``)."""

from django.urls import path

from apps.publications.apis import DecisionApi, QueueListApi

urlpatterns = [
    path("", QueueListApi.as_view(), name="moderation-queue"),
    path("<int:publication_id>/decision/", DecisionApi.as_view(), name="moderation-decision"),
]
