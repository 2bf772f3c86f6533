"""``/api/v1/attachments/``, included by ``apps.api.urls`` (namespace ``api``)."""

from django.urls import path

from apps.attachments.apis import AttachmentCreateApi, AttachmentDetailApi

urlpatterns = [
    path("", AttachmentCreateApi.as_view(), name="attachment-create"),
    path("<int:attachment_id>/", AttachmentDetailApi.as_view(), name="attachment-detail"),
]
