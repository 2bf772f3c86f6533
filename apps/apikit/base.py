"""What every API class shares: the caller's Actor, and 404 for missing and forbidden alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.context import Caller, caller
from apps.accounts.models import User
from apps.accounts.permissions import Actor


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ApiSchema(AutoSchema):
    """The operations' schema, with the error answers every API class can give.

    They are the same for all classes, so they are written once here rather than on each
    operation: 401/403 for an anonymous or refused caller (a token of an account with a second
    factor, a blocked account); 404 wherever an id is read (path, query filter or body), since
    forbidden and missing answer alike; 400 wherever the caller sends something to check
    (query or body), with DRF's field → messages object.
    """

    def _resolve_path_parameters(self, variables: Any) -> list[dict[str, Any]]:
        # ``<int:…>`` matches digits only: a negative id never reaches the API (Django's HTML
        # 404), so the schema says what the URL accepts.
        parameters: list[dict[str, Any]] = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"].get("type") == "integer":
                parameter["schema"] = {**parameter["schema"], "minimum": 0}
        return parameters

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        error = self._get_response_for_code(ErrorSerializer, "401", direction=direction)
        for code, description in (
            ("401", "Non authentifié, ou jeton refusé."),
            ("403", "Accès refusé."),
        ):
            responses.setdefault(code, {**error, "description": description})
        sends_body = self.method in ("POST", "PUT", "PATCH")
        reads_input = sends_body or bool(self._get_parameters())
        if reads_input:
            responses.setdefault(
                "400",
                {
                    "description": "Donnée refusée : chaque champ avec ses messages.",
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "additionalProperties": {}}
                        }
                    },
                },
            )
        if reads_input:
            responses.setdefault("404", {**error, "description": "Introuvable ou hors de portée."})
        return responses


class ActorApi(APIView):
    """Base of the API classes: authenticated (session or token), read through the rules.

    ``initial`` (run by DRF before any handler) refuses, whatever a subclass declares, an
    anonymous caller (401) and an account that may no longer act (403: blocked, departed),
    and resolves the caller's Actor there, once: a handler reads it with ``self.actor()``.
    A subclass may not replace ``initial`` (its class statement fails), so it cannot skip
    the check by loosening ``permission_classes`` or ``authentication_classes`` either.

    Querysets come only from the ``*_visible_to`` selectors of ``apps.schools.selectors``,
    which are built from the Actor; an object outside them answers 404, like a missing one.
    """

    schema = ApiSchema()
    caller: Caller

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "initial" in cls.__dict__:
            raise TypeError(f"{cls.__name__} may not replace ActorApi.initial (the caller check)")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not isinstance(request.user, User) or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        me = caller(request)
        if not me.actor.active:
            raise exceptions.PermissionDenied("Compte inactif.")
        self.caller = me

    def actor(self) -> Actor:
        return self.caller.actor


def by_method(**operations: type[ActorApi]) -> Callable[..., HttpResponse]:
    """One URL served by one API class per operation: ``by_method(get=ListApi, post=CreateApi)``.

    Each class keeps to one operation (its serializers, its service), and the URL, its name
    and the OpenAPI document stay those of a single path: ``split_operations`` (a
    drf-spectacular preprocessing hook, ``SPECTACULAR_SETTINGS``) gives the schema generator
    each method's own class. Any other method (HEAD aside, which is GET's) goes to the first
    class, which checks the caller as always and then answers DRF's 405.
    """
    views = {method.upper(): api.as_view() for method, api in operations.items()}
    first = next(iter(views.values()))
    served = {**views, "HEAD": views["GET"]} if "GET" in views else views

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = served.get(request.method or "", first)(request, *args, **kwargs)
        return response

    # What the schema generator enumerates: an API view class with the path's methods (never
    # served: ``split_operations`` replaces it by each method's class).
    enumerated = type(
        "ByMethod", (APIView,), {name.lower(): lambda self, request: None for name in views}
    )
    view.cls = enumerated  # type: ignore[attr-defined]
    view.initkwargs = {}  # type: ignore[attr-defined]
    view.operations = views  # type: ignore[attr-defined]
    view.csrf_exempt = True  # type: ignore[attr-defined] # DRF's own session check applies
    return view


def split_operations(endpoints: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """drf-spectacular preprocessing hook: a ``by_method`` path's operations, each with the
    class that serves it."""
    split = []
    for path, path_regex, method, callback in endpoints:
        operations = getattr(callback, "operations", None)
        split.append((path, path_regex, method, operations[method] if operations else callback))
    return split


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
