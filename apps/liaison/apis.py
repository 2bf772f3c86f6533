"""``/api/v1/liaison/``: the cahier de liaison through the same services, selectors and rules
as its pages. A note, class or child out of reach answers 404 like a missing one."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.context import found_or_404
from apps.accounts.models import User
from apps.apikit.base import ActorApi
from apps.attachments.apis import AttachmentOutputSerializer
from apps.classes.selectors import classroom_managed_by
from apps.liaison import services
from apps.liaison.models import LiaisonNote, Recipients
from apps.liaison.selectors import note_for_family, notes_for_child, notes_written_for
from apps.schools.models import School


@extend_schema_serializer(component_name="LiaisonNote")
class NoteOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField()
    audience = serializers.CharField()
    school = serializers.IntegerField(source="school_id")
    classroom = serializers.IntegerField(source="classroom_id", allow_null=True)
    author_name = serializers.CharField()
    acknowledgement_required = serializers.BooleanField()
    corrects = serializers.IntegerField(source="corrects_id", allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.SerializerMethodField(
        help_text="Pour la famille : quand le mot a été confirmé pour cet enfant."
    )
    recipient_count = serializers.SerializerMethodField(help_text="Pour l'auteur.")
    acknowledgement_count = serializers.SerializerMethodField(help_text="Pour l'auteur.")
    attachments = AttachmentOutputSerializer(many=True, read_only=True)

    def get_confirmed_at(self, note: LiaisonNote) -> str | None:
        value = getattr(note, "confirmed_at", None)
        return value.isoformat() if value is not None else None

    def get_recipient_count(self, note: LiaisonNote) -> int | None:
        return getattr(note, "recipient_count", None)

    def get_acknowledgement_count(self, note: LiaisonNote) -> int | None:
        return getattr(note, "acknowledgement_count", None)


class LiaisonNotePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class LiaisonNoteListApi(ActorApi):
    # drf-spectacular reads it: the list's schema becomes the paginated envelope (count, next,
    # previous, results) with ``page`` and ``page_size`` parameters.
    pagination_class = LiaisonNotePagination

    class FilterSerializer(serializers.Serializer):
        classroom = serializers.IntegerField(
            required=False, help_text="Une classe dont le compte écrit les mots"
        )
        child = serializers.IntegerField(
            required=False, help_text="Un enfant du parent (ou l'élève lui-même)"
        )

    @extend_schema(
        operation_id="liaison_notes_list",
        summary="Mots du cahier de liaison",
        description="Par classe (``classroom``, pour ceux qui y écrivent) ou par enfant "
        "(``child``, pour ses responsables légaux et l'élève lui-même). Sans filtre : les mots "
        "que le compte gère, brouillons compris. Une classe ou un enfant hors de portée répond "
        "404. Par pages de 20 mots (``page_size`` jusqu'à 100), les plus récents d'abord.",
        parameters=[FilterSerializer],
        responses=NoteOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        actor = self.actor()
        classroom_id = filters.validated_data.get("classroom")
        child_id = filters.validated_data.get("child")
        notes: Any
        if child_id is not None:
            if not (
                (actor.is_parent and child_id in actor.child_ids)
                or (actor.is_pupil and actor.id == child_id)
            ):
                raise Http404
            notes = notes_for_child(actor, child_id)
        else:
            notes = notes_written_for(actor)
            if classroom_id is not None:
                found_or_404(classroom_managed_by(actor, classroom_id))
                notes = notes.filter(classroom_id=classroom_id)
        # A total order (the id breaks ties), so that pages neither repeat nor skip a note.
        notes = notes.order_by(F("published_at").desc(nulls_first=True), "-created_at", "-id")
        paginator = self.pagination_class()
        page: list[LiaisonNote] | None = paginator.paginate_queryset(notes, request, view=self)
        return paginator.get_paginated_response(
            NoteOutputSerializer(page, many=True, context={"request": request}).data
        )


class LiaisonNoteCreateApi(ActorApi):
    @extend_schema_serializer(component_name="LiaisonNoteCreate")
    class InputSerializer(serializers.Serializer):
        audience = serializers.ChoiceField(choices=Recipients.choices)
        classroom = serializers.IntegerField(required=False)
        school = serializers.IntegerField(required=False)
        pupils = serializers.ListField(child=serializers.IntegerField(), required=False)
        title = serializers.CharField(max_length=200)
        text = serializers.CharField()
        acknowledgement_required = serializers.BooleanField(default=True)

    @extend_schema(
        operation_id="liaison_notes_create",
        summary="Publier un mot",
        description="Pour l'enseignant de la classe ou le directeur de l'école (un mot à "
        "toute l'école : le directeur seulement). Hors de portée : 404.",
        request=InputSerializer,
        responses={201: NoteOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actor = self.actor()
        values = data.validated_data
        classroom = school = None
        if values["audience"] == Recipients.SCHOOL:
            school = found_or_404(School.objects.filter(pk=values.get("school")).first())
        else:
            if values.get("classroom") is None:
                raise ValidationError({"classroom": "Une classe est nécessaire."})
            classroom = found_or_404(classroom_managed_by(actor, values["classroom"]))
        try:
            note = services.liaison_note_create(
                author=actor,
                classroom=classroom,
                school=school,
                audience=values["audience"],
                pupil_ids=values.get("pupils", ()),
                title=values["title"],
                text=values["text"],
                acknowledgement_required=values["acknowledgement_required"],
            )
        except services.LiaisonError as error:
            raise Http404 from error
        return Response(
            NoteOutputSerializer(note, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


def _family_note(api: ActorApi, note_id: int, child_id: int | None) -> LiaisonNote:
    actor = api.actor()
    found = note_for_family(actor, note_id)
    if found is None or not actor.is_parent:
        raise Http404
    note, recipients = found
    if child_id is not None and (child_id not in actor.child_ids or child_id not in recipients):
        raise Http404
    return note


class LiaisonNoteConfirmApi(ActorApi):
    @extend_schema_serializer(component_name="LiaisonNoteConfirm")
    class InputSerializer(serializers.Serializer):
        child = serializers.IntegerField(help_text="L'enfant pour qui le parent confirme")

    @extend_schema_serializer(component_name="LiaisonAcknowledgement")
    class OutputSerializer(serializers.Serializer):
        note = serializers.IntegerField(source="note_id")
        child = serializers.IntegerField(source="child_id")
        guardian_name = serializers.CharField()
        at = serializers.DateTimeField()

    @extend_schema(
        operation_id="liaison_notes_confirm",
        summary="« J'ai pris connaissance »",
        description="Par un responsable légal ayant l'autorité parentale sur l'enfant, pour un "
        "mot qui le concerne ; une seconde confirmation renvoie la première. Sinon : 404.",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def post(self, request: Request, note_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        child_id = data.validated_data["child"]
        note = _family_note(self, note_id, child_id)
        child = found_or_404(User.objects.filter(pk=child_id).first())
        try:
            acknowledgement = services.liaison_note_confirm(
                guardian=self.actor(), note=note, child=child
            )
        except services.LiaisonError as error:
            raise Http404 from error
        return Response(self.OutputSerializer(acknowledgement).data)


class LiaisonNoteReplyApi(ActorApi):
    @extend_schema_serializer(component_name="LiaisonNoteReplyInput")
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField()

    @extend_schema_serializer(component_name="LiaisonReply")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        note = serializers.IntegerField(source="note_id")
        text = serializers.CharField()
        at = serializers.DateTimeField()

    @extend_schema(
        operation_id="liaison_notes_reply",
        summary="Répondre à l'auteur",
        description="Une réponse par responsable légal et par mot, lue par son auteur seul. "
        "Hors de portée ou déjà répondu : 404.",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request: Request, note_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = _family_note(self, note_id, None)
        try:
            reply = services.liaison_note_reply(
                guardian=self.actor(), note=note, text=data.validated_data["text"]
            )
        except services.LiaisonError as error:
            raise Http404 from error
        return Response(self.OutputSerializer(reply).data, status=status.HTTP_201_CREATED)
