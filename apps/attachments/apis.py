"""Attachments in the API: the shape listed by the features' APIs (with each download URL),
and ``/api/v1/attachments/`` to join files to a publication or remove one, through the same
services and rules as the forms. A publication is named by its feature's own id, in the field
its kind registered (``homework_entry``, ``liaison_note``…: ``apps.publications.registry``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.context import found_or_404
from apps.accounts.permissions import Actor
from apps.apikit.base import ActorApi
from apps.attachments.models import Attachment
from apps.attachments.selectors import attachment_for_viewer
from apps.attachments.services import AttachmentError, AttachmentNotAllowed, attachments_change
from apps.publications.models import Publication
from apps.publications.registry import PublicationKind, kind_of, kinds


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


def _named_kinds() -> list[PublicationKind]:
    return [kind for kind in kinds() if kind.api_field]


def _for_editor(actor: Actor, publication_id: int | None) -> Publication:
    """The publication, if ``actor`` may change its files; else 404."""
    publication = Publication.objects.filter(pk=publication_id).first() if publication_id else None
    if publication is None or not kind_of(publication.kind).editable(actor, publication.pk):
        raise Http404
    return publication


class AttachmentCreateApi(ActorApi):
    parser_classes = [MultiPartParser]

    @extend_schema_serializer(component_name="AttachmentUpload")
    class InputSerializer(serializers.Serializer):
        files = serializers.ListField(child=serializers.FileField(), min_length=1)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # One optional id field per registered kind, in the feature's own ids.
            for kind in _named_kinds():
                self.fields[kind.api_field] = serializers.IntegerField(
                    required=False, help_text=kind.label
                )

        def validate(self, attrs: dict) -> dict:
            named = [kind for kind in _named_kinds() if kind.api_field in attrs]
            if len(named) != 1:
                fields = ", soit ".join(kind.api_field for kind in _named_kinds())
                raise serializers.ValidationError(f"Indiquez soit {fields}.")
            kind = named[0]
            attrs["publication"] = kind.from_feature_id(attrs[kind.api_field])
            return attrs

    @extend_schema(
        operation_id="attachments_create",
        summary="Joindre des fichiers",
        description="Pour qui peut modifier la publication nommée (une séance, un mot… ; un mot "
        "déjà confirmé par une famille ne change plus). Types reconnus par leur contenu ; "
        "taille et nombre limités. "
        "Un fichier refusé : 400 et rien n'est enregistré. Hors de portée : 404.",
        request={"multipart/form-data": InputSerializer},
        responses={201: AttachmentOutputSerializer(many=True)},
    )
    def post(self, request: Request) -> Response:
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        publication = _for_editor(self.actor(), data["publication"])
        try:
            added = attachments_change(
                user=self.caller.user, publication=publication, add=data["files"]
            )
        except AttachmentNotAllowed as error:
            raise Http404 from error
        except AttachmentError as error:
            raise serializers.ValidationError({"detail": str(error)}) from error
        output = AttachmentOutputSerializer(added, many=True, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


class AttachmentDetailApi(ActorApi):
    @extend_schema(
        operation_id="attachments_delete",
        summary="Retirer une pièce jointe",
        description="Pour qui peut modifier la séance ou le mot, tant qu'aucune famille n'a "
        "confirmé le mot (sinon 400). Hors de portée : 404.",
        responses={204: None},
    )
    def delete(self, request: Request, attachment_id: int) -> Response:
        attachment = found_or_404(attachment_for_viewer(self.actor(), attachment_id))
        publication = _for_editor(self.actor(), attachment.publication_id)
        try:
            attachments_change(
                user=self.caller.user, publication=publication, remove_ids=[attachment.pk]
            )
        except AttachmentNotAllowed as error:
            raise Http404 from error
        except AttachmentError as error:
            raise serializers.ValidationError({"detail": str(error)}) from error
        return Response(status=status.HTTP_204_NO_CONTENT)
