"""``apps.apikit.base.ActorApi`` checks its caller before any handler, and no subclass skips it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from apps.accounts.models import User
from apps.apikit.base import ActorApi


class OpenDoorApi(ActorApi):
    """A subclass that loosens everything it may: no authentication, anyone allowed."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    handled: list[int] = []

    def get(self, request: Request) -> Response:
        actor = self.actor()
        self.handled.append(actor.id)
        return Response({"id": actor.id})


@pytest.fixture(autouse=True)
def fresh_log():
    OpenDoorApi.handled.clear()


def _get(user: object | None) -> Response:
    request = APIRequestFactory().get("/api/v1/porte-ouverte/")
    if user is not None:
        force_authenticate(request, user=user)
    return OpenDoorApi.as_view()(request)


def test_a_subclass_cannot_replace_the_caller_check():
    with pytest.raises(TypeError, match="may not replace ActorApi.initial"):

        class SkippingApi(ActorApi):
            def initial(self, request, *args, **kwargs):
                return None


def test_an_anonymous_caller_is_refused_even_where_the_subclass_allows_anyone(bordeaux):
    with schema_context(bordeaux.schema):
        anonymous = _get(None)
        forced_anonymous = _get(AnonymousUser())

    assert anonymous.status_code in (401, 403)
    assert forced_anonymous.status_code in (401, 403)
    assert OpenDoorApi.handled == []


def test_an_account_that_left_is_refused_before_the_handler(bordeaux):
    with schema_context(bordeaux.schema):
        departed = User.objects.get(pk=bordeaux["t1"].pk)
        departed.left_at = timezone.now()
        departed.save(update_fields=["left_at"])
        response = _get(departed)

    assert response.status_code == 403
    assert OpenDoorApi.handled == []


def test_an_active_account_reaches_the_handler_with_its_actor(bordeaux):
    with schema_context(bordeaux.schema):
        response = _get(User.objects.get(pk=bordeaux["t1"].pk))

    assert response.status_code == 200
    assert OpenDoorApi.handled == [bordeaux["t1"].pk]


def test_a_path_split_by_method_serves_each_method_with_its_own_class(bordeaux, as_user):
    from django.urls import resolve

    from apps.homework.apis import HomeworkCreateApi, HomeworkWeekApi

    operations = resolve("/api/v1/homework/").func.operations
    client = as_user(bordeaux, "t1")

    assert {method: view.cls for method, view in operations.items()} == {
        "GET": HomeworkWeekApi,
        "POST": HomeworkCreateApi,
    }
    assert client.put("/api/v1/homework/", {}).status_code == 405
    assert client.get("/api/v1/homework/").status_code == 400  # neither class nor child
