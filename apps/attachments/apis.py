"""Attachments in the API: the shape listed by the notebooks' APIs (with each download URL)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from apps.attachments.models import Attachment


@extend_schema_serializer(component_name="Attachment")
class AttachmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="En octets")
    sha256 = serializers.CharField()
    url = serializers.SerializerMethodField(
        help_text="Téléchargement (mêmes règles que le mot ou la séance ; sur S3, redirige "
        "vers une adresse valable une minute)"
    )

    @extend_schema_field(serializers.URLField())
    def get_url(self, attachment: Attachment) -> str:
        path = reverse("attachments:download", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
