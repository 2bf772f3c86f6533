"""The caller: ``GET /api/v1/me/`` — profile, classes, schools, and children for parents."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.apikit.base import ActorApi, PersonRefSerializer, SchoolRefSerializer
from apps.schools.selectors import children_of, own_classes, own_schools


class OwnClassroomSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    levels = serializers.ListField(child=serializers.CharField())
    school = SchoolRefSerializer()
    teachers = PersonRefSerializer(source="visible_teachers", many=True)


class ChildSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    display_name = serializers.CharField()
    classroom = OwnClassroomSerializer(source="current_class", allow_null=True)


class MeApi(ActorApi):
    @extend_schema_serializer(component_name="Me")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        first_name = serializers.CharField()
        last_name = serializers.CharField()
        display_name = serializers.CharField()
        profile = serializers.CharField()
        profile_label = serializers.CharField()
        requires_two_factor = serializers.BooleanField()
        classes = OwnClassroomSerializer(many=True)
        schools = SchoolRefSerializer(many=True)
        children = ChildSerializer(many=True)

    @extend_schema(
        operation_id="me_retrieve",
        summary="Mon profil",
        description="Le compte connecté : profil, classes de l'année, écoles et, pour un "
        "parent, ses enfants avec leur classe, leur école et leurs enseignants.",
        responses=OutputSerializer,
    )
    def get(self, request: Request) -> Response:
        user = request.user
        actor = self.actor()
        me = {
            "id": user.pk,
            "username": user.get_username(),
            "first_name": getattr(user, "first_name", ""),
            "last_name": getattr(user, "last_name", ""),
            "display_name": getattr(user, "display_name", ""),
            "profile": actor.profile,
            "profile_label": getattr(user, "get_profile_display", lambda: "")(),
            "requires_two_factor": getattr(user, "requires_two_factor", False),
            "classes": own_classes(actor),
            "schools": own_schools(actor),
            "children": children_of(actor),
        }
        return Response(self.OutputSerializer(me).data)
