"""Classes of the current school year: ``GET /api/v1/classes/[?school=<id>]`` and one class."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.context import found_or_404
from apps.apikit.base import ActorApi, PersonRefSerializer, SchoolRefSerializer
from apps.schools.selectors import (
    classroom_listing,
    may_list_pupils,
    school_visible_to,
)


class ClassroomOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    levels = serializers.ListField(child=serializers.CharField())
    setup = serializers.CharField()
    year = serializers.CharField(source="year.label")
    school = SchoolRefSerializer()
    teachers = PersonRefSerializer(source="visible_teachers", many=True)


class ClassroomListApi(ActorApi):
    class FilterSerializer(serializers.Serializer):
        school = serializers.IntegerField(required=False, help_text="Identifiant d'une école")

    @extend_schema_serializer(component_name="Classroom")
    class OutputSerializer(ClassroomOutputSerializer):
        pass

    @extend_schema(
        operation_id="classes_list",
        summary="Classes de l'année",
        description="Les classes que le compte peut voir (toutes celles de ses écoles pour "
        "le personnel, la sienne pour un élève, celles de ses enfants pour un parent). "
        "Filtrer par une école hors de portée répond 404.",
        parameters=[FilterSerializer],
        responses=OutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        actor = self.actor()
        school_id = filters.validated_data.get("school")
        if school_id is not None:
            found_or_404(school_visible_to(actor, school_id))
        classes = classroom_listing(actor, school_id=school_id)
        return Response(self.OutputSerializer(classes, many=True).data)


class ClassroomDetailApi(ActorApi):
    @extend_schema_serializer(component_name="ClassroomDetail")
    class OutputSerializer(ClassroomOutputSerializer):
        pupil_count = serializers.SerializerMethodField()

        def get_pupil_count(self, classroom) -> int | None:
            """Only for those who may see the class list (``can_view_pupils_of_classroom``)."""
            if may_list_pupils(self.context["actor"], classroom):
                return int(classroom.pupil_count)
            return None

    @extend_schema(
        operation_id="classes_retrieve",
        summary="Une classe",
        description="Avec ses enseignants ; le nombre d'élèves seulement pour qui peut voir "
        "la liste de la classe. 404 pour une classe absente ou hors de portée.",
        responses=OutputSerializer,
    )
    def get(self, request: Request, classroom_id: int) -> Response:
        actor = self.actor()
        classroom = found_or_404(classroom_listing(actor).filter(pk=classroom_id).first())
        return Response(self.OutputSerializer(classroom, context={"actor": actor}).data)
