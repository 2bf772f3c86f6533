"""Schools: ``GET /api/v1/schools/`` and ``GET /api/v1/schools/<id>/``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.context import found_or_404
from apps.apikit.base import ActorApi
from apps.schools.selectors import school_visible_to, schools_visible_to


class SchoolOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    uai = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    street = serializers.CharField()
    postal_code = serializers.CharField()
    city = serializers.CharField()
    deployment_status = serializers.CharField()
    deployment_status_label = serializers.CharField(source="get_deployment_status_display")
    is_deployed = serializers.BooleanField()
    primary_colour = serializers.CharField()
    secondary_colour = serializers.CharField()


class SchoolListApi(ActorApi):
    @extend_schema_serializer(component_name="School")
    class OutputSerializer(SchoolOutputSerializer):
        pass

    @extend_schema(
        operation_id="schools_list",
        summary="Écoles",
        description="Les écoles que le compte peut voir : toutes pour l'administration de la "
        "commune, sinon les siennes (personnel, élève, parent d'élève).",
        responses=OutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        schools = schools_visible_to(self.actor()).order_by("name")
        return Response(self.OutputSerializer(schools, many=True).data)


class SchoolDetailApi(ActorApi):
    @extend_schema_serializer(component_name="SchoolDetail")
    class OutputSerializer(SchoolOutputSerializer):
        pass

    @extend_schema(
        operation_id="schools_retrieve",
        summary="Une école",
        description="404 pour une école absente comme pour une école hors de portée.",
        responses=OutputSerializer,
    )
    def get(self, request: Request, school_id: int) -> Response:
        school = found_or_404(school_visible_to(self.actor(), school_id))
        return Response(self.OutputSerializer(school).data)
