"""What every API class shares: the caller's Actor, and 404 for missing and forbidden alike."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import Actor
from apps.portal.access import request_actor


class ActorApi(APIView):
    """Base of the API classes: authenticated (session or token), read through the rules.

    Querysets come only from the ``*_visible_to`` selectors of ``apps.schools.selectors``,
    which are built from the Actor; an object outside them answers 404, like a missing one.
    """

    def actor(self) -> Actor:
        return request_actor(self.request)


class PersonPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def paginated(
    api: APIView, request: Request, rows: Any, serializer: type[serializers.Serializer]
) -> Response:
    paginator = PersonPagination()
    page: list[Any] | None = paginator.paginate_queryset(rows, request, view=api)
    return paginator.get_paginated_response(serializer(page, many=True).data)


def page_serializer(name: str, item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The envelope of a paginated list, for the OpenAPI schema."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


# --- small nested shapes shared by several operations ---------------------------------------


class SchoolRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    profile = serializers.CharField()


class ClassroomRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    levels = serializers.ListField(child=serializers.CharField())
    school = SchoolRefSerializer()
