"""A schemathesis fuzz of ``/api/v1/`` against the project's own OpenAPI schema.

Every operation the schema documents is called with generated data, as a teacher and as a
parent of Bordeaux (tests/world.py), through Django's WSGI handler on the commune's host. Each
answer must be no 5xx, have a documented status code, a documented content type and a body
that matches the documented schema. The budget is bounded (a few examples per operation) and
the run is reproducible: ``derandomize=True`` draws the same examples every time, and no
example database is kept between runs.

Tokens authenticate both callers: neither has a second factor, so the API accepts them
(apps/accounts/security/authentication.py) and the unsafe methods need no CSRF dance.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import host_for
from tests.world import World

HOST = host_for("bordeaux")
# Per operation and caller: ~12 operations × 2 callers × this stays well under a minute.
MAX_EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # The world's fixtures are function-scoped on purpose (the test's transaction rolls
    # everything back); the generated cases only read them.
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """Django's WSGI handler, minus the end-of-request connection close that Django's test
    client also turns off: the test runs in a transaction the handler must not end."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _token(world: World, name: str) -> str:
    with schema_context(world.schema):
        return Token.objects.create(user=world[name]).key


def _load_schema(app: WSGIHandler, token: str) -> Any:
    return schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json",
        app,
        headers={"Host": HOST, "Authorization": f"Token {token}"},
    )


def _fuzz(app: WSGIHandler, token: str) -> list[str]:
    schema = _load_schema(app, token)
    headers = {"Host": HOST, "Authorization": f"Token {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the schema documents no operation"
    failures: list[str] = []
    for operation in operations:

        @FUZZ_SETTINGS
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            response = case.call(app=app, headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Exception as error:  # noqa: BLE001 - every operation's failure is reported
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    return failures


@pytest.mark.parametrize("caller", ["t1", "par1"])
def test_every_documented_operation_answers_as_documented(
    bordeaux: World, wsgi_app: WSGIHandler, caller: str
) -> None:
    failures = _fuzz(wsgi_app, _token(bordeaux, caller))

    assert not failures, "\n\n".join(failures)
