"""Attachments in the API: the shape listed by the notebooks' APIs (with each download URL),
and ``/api/v1/attachments/`` to join files to an item or remove one, through the same
services and rules as the forms."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.context import found_or_404
from apps.accounts.permissions import Actor
from apps.api.base import ActorApi
from apps.attachments.models import Attachment
from apps.attachments.selectors import attachment_for_viewer
from apps.attachments.services import AttachmentError, AttachmentNotAllowed, attachments_change
from apps.homework.models import HomeworkEntry
from apps.homework.selectors import entry_for_editor
from apps.liaison.models import LiaisonNote
from apps.liaison.selectors import note_managed_by


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


def _item_for_editor(
    actor: Actor, *, homework_entry: int | None, liaison_note: int | None
) -> tuple[HomeworkEntry | None, LiaisonNote | None]:
    """The entry or the note (the other is None), if ``actor`` may edit it; else 404."""
    if homework_entry is not None:
        return found_or_404(entry_for_editor(actor, homework_entry)), None
    return None, found_or_404(note_managed_by(actor, liaison_note or 0))


class AttachmentCreateApi(ActorApi):
    parser_classes = [MultiPartParser]

    @extend_schema_serializer(component_name="AttachmentUpload")
    class InputSerializer(serializers.Serializer):
        homework_entry = serializers.IntegerField(required=False, help_text="Une séance")
        liaison_note = serializers.IntegerField(required=False, help_text="Ou un mot")
        files = serializers.ListField(child=serializers.FileField(), min_length=1)

        def validate(self, attrs: dict) -> dict:
            if ("homework_entry" in attrs) == ("liaison_note" in attrs):
                raise serializers.ValidationError(
                    "Indiquez soit homework_entry, soit liaison_note."
                )
            return attrs

    @extend_schema(
        operation_id="attachments_create",
        summary="Joindre des fichiers",
        description="Pour qui peut modifier la séance ou le mot (un mot déjà confirmé par une "
        "famille ne change plus). Types reconnus par leur contenu ; taille et nombre limités. "
        "Un fichier refusé : 400 et rien n'est enregistré. Hors de portée : 404.",
        request={"multipart/form-data": InputSerializer},
        responses={201: AttachmentOutputSerializer(many=True)},
    )
    def post(self, request: Request) -> Response:
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        entry, note = _item_for_editor(
            self.actor(),
            homework_entry=data.get("homework_entry"),
            liaison_note=data.get("liaison_note"),
        )
        try:
            added = attachments_change(
                user=self.caller.user, homework_entry=entry, liaison_note=note, add=data["files"]
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
        entry, note = _item_for_editor(
            self.actor(),
            homework_entry=attachment.homework_entry_id,
            liaison_note=attachment.liaison_note_id,
        )
        try:
            attachments_change(
                user=self.caller.user,
                homework_entry=entry,
                liaison_note=note,
                remove_ids=[attachment.pk],
            )
        except AttachmentNotAllowed as error:
            raise Http404 from error
        except AttachmentError as error:
            raise serializers.ValidationError({"detail": str(error)}) from error
        return Response(status=status.HTTP_204_NO_CONTENT)
