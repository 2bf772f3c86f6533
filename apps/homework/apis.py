"""``/api/v1/homework/``: a class's or a child's cahier de textes for a week (GET,
``HomeworkWeekApi``), and a new entry (POST, ``HomeworkCreateApi``).

Same rules as the pages: a class or child out of reach answers 404 like a missing one;
drafts only for those who may edit the class's cahier de textes.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from apps import dates
from apps.accounts.context import found_or_404
from apps.apikit.base import ActorApi
from apps.attachments.apis import AttachmentOutputSerializer
from apps.homework import selectors, services
from apps.homework.models import Repeat, Subject


@extend_schema_serializer(component_name="HomeworkOccurrence")
class OccurrenceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="entry.id")
    classroom = serializers.IntegerField(source="entry.classroom_id")
    domain = serializers.CharField()
    domain_label = serializers.CharField()
    on = serializers.DateField(help_text="Jour de la séance (de cette occurrence)")
    done = serializers.CharField(help_text="HTML assaini")
    due_on = serializers.DateField(allow_null=True)
    todo = serializers.CharField(help_text="HTML assaini")
    cancelled = serializers.BooleanField(
        help_text="Séance annulée seule (vue seulement de qui peut modifier le cahier de textes)"
    )
    changed_alone = serializers.BooleanField(
        help_text="Séance modifiée seule : domaine, textes et jour dû sont les siens"
    )
    repeat = serializers.CharField(source="entry.repeat")
    published = serializers.BooleanField(source="entry.is_published")
    author_name = serializers.CharField(source="entry.author_name")
    attachments = AttachmentOutputSerializer(source="entry.attachments", many=True)


class HomeworkWeekApi(ActorApi):
    class FilterSerializer(serializers.Serializer):
        classroom = serializers.IntegerField(required=False, help_text="Identifiant d'une classe")
        child = serializers.IntegerField(
            required=False, help_text="Identifiant d'un élève (le sien, ou un enfant du parent)"
        )
        week = dates.DateSerializerField(
            required=False, help_text="Un jour de la semaine voulue (par défaut : aujourd'hui)"
        )

        def validate(self, attrs: dict) -> dict:
            if ("classroom" in attrs) == ("child" in attrs):
                raise serializers.ValidationError("Indiquez soit classroom, soit child.")
            return attrs

    @extend_schema(
        operation_id="homework_list",
        summary="Cahier de textes d'une semaine",
        description="Les séances faites ou dues dans la semaine, pour une classe (son "
        "personnel, ses élèves, leurs parents) ou pour un enfant (l'élève lui-même ou son "
        "parent). Une séance répétée apparaît une fois par occurrence, telle que modifiée seule le "
        "cas échéant ; elle n'en a pas les jours sans classe (vacances scolaires de la zone, "
        "jours fériés), sauf son premier jour. Les brouillons et les séances annulées ne sont "
        "vus que de qui peut modifier le cahier de textes de la classe. Hors de portée : 404.",
        parameters=[FilterSerializer],
        responses=OccurrenceOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        actor = self.actor()
        data = filters.validated_data
        if "classroom" in data:
            classroom = found_or_404(selectors.classroom_for_viewer(actor, data["classroom"]))
        else:
            classroom = found_or_404(selectors.classroom_of_pupil(actor, data["child"]))
        start, end = selectors.week_bounds(data.get("week") or timezone.localdate())
        occurrences = selectors.occurrences_between(actor, classroom, start, end)
        return Response(
            OccurrenceOutputSerializer(occurrences, many=True, context={"request": request}).data
        )


class HomeworkCreateApi(ActorApi):
    @extend_schema_serializer(component_name="HomeworkEntryInput")
    class InputSerializer(serializers.Serializer):
        classroom = serializers.IntegerField()
        domain = serializers.ChoiceField(choices=Subject.choices)
        on = dates.DateSerializerField()
        done = serializers.CharField(required=False, allow_blank=True, default="")
        due_on = dates.DateSerializerField(required=False, allow_null=True, default=None)
        todo = serializers.CharField(required=False, allow_blank=True, default="")
        repeat = serializers.ChoiceField(choices=Repeat.choices, required=False, default="")
        repeat_until = dates.DateSerializerField(required=False, allow_null=True, default=None)
        publish = serializers.BooleanField(required=False, default=True)

    @extend_schema(
        operation_id="homework_create",
        summary="Nouvelle séance",
        description="Pour les enseignants de la classe et la direction de l'école. Le texte "
        "est assaini (paragraphes, gras, italique, listes). Classe hors de portée : 404.",
        request=InputSerializer,
        responses={201: OccurrenceOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actor = self.actor()
        data = dict(payload.validated_data)
        classroom = found_or_404(selectors.classroom_for_editor(actor, data.pop("classroom")))
        try:
            entry = services.homework_entry_create(author=actor, classroom=classroom, **data)
        except services.HomeworkError as error:
            raise serializers.ValidationError({"detail": str(error)}) from error
        occurrence = selectors.Occurrence(entry=entry, on=entry.on, due_on=entry.due_on)
        return Response(
            OccurrenceOutputSerializer(occurrence, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )
