"""A schemathesis fuzz of ``/api/v1/`` against the project's own OpenAPI schema.

Every operation the schema documents is called with generated data, as a teacher and as a
parent of Bordeaux (tests/world.py), through Django's WSGI handler on the commune's host. Each
answer must be no 5xx, have a documented status code, a documented content type and a body
that matches the documented schema. The budget is bounded (a few examples per operation) and
the run is reproducible: ``derandomize=True`` draws the same examples every time, and no
example database is kept between runs.

Random integers hardly ever name a real object, so about half of the id-carrying values
(path, query, body) are swapped for real ids of the world: the operations are exercised past
their 404 too (200 bodies checked against their schema, a reply created, …).

Not enabled: schemathesis' ``positive_data_acceptance`` (a schema-valid request must not be
refused): rules across fields that OpenAPI cannot state (``classroom`` or ``child``, exactly
one; work to do needs its due day) answer 400 to schema-valid requests by design. The
stateful checks (use after free, resource availability) need links the schema does not have.

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
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.accounts.selectors import actor_for
from apps.blog.services import comment_add
from apps.liaison.models import Recipients
from apps.liaison.services import liaison_note_create
from apps.messaging.models import Copy, Field
from apps.messaging.services import Recipient, draft_save, folder_create, message_send
from apps.publications.models import State
from tests.blog.helpers import class_blog, post_in
from tests.conftest import host_for
from tests.world import World

HOST = host_for("bordeaux")
# Per operation and caller: 50 operations (24 of them the messagerie's, 11 the blogs' and the
# moderation queue's) × 2 callers × 25 took 44 s of a quiet 2-core machine, a share of the
# suite's ten minutes that grows with every API; 15 cases per operation (25 s), the same on
# every run (derandomised), and tests/security/test_hostile_urls.py sends its hostile path and
# query values to every route besides.
MAX_EXAMPLES = 15
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


def _known_ids(world: World) -> dict[str, list[int]]:
    """Real ids of the world, by the parameter and field names that carry them: generated
    cases sometimes get one instead of a random integer, so that the operations are also
    exercised past their 404 (an object the caller may see, or one they may not)."""
    with schema_context(world.schema):
        note = liaison_note_create(
            author=actor_for(world["t1"]),
            title="Sortie",
            text="Prévoir un pique-nique.",
            audience=Recipients.CLASS,
            classroom=world.classes["A1"],
        )
        messages = _messages(world)
        blogs = _blogs(world)
    classes = [c.pk for c in world.classes.values()]
    schools = [s.pk for s in world.schools.values()]
    children = [world[name].pk for name in ("p1", "p3", "p4")]
    people = [world[name].pk for name in ("p1", "p2", "par1", "t1", "t2")]
    return {
        "classroom": classes,
        "classroom_id": classes,
        "school": schools,
        "school_id": schools,
        "child": children,
        "pupils": children,
        "person_id": people,
        "note_id": [note.pk],
        "liaison_note": [note.pk],
        "sender": people,
        **messages,
        **blogs,
    }


def _blogs(world: World) -> dict[str, list[int]]:
    """A1's blog with a teacher's published post and a pupil's waiting one, a comment waiting
    on the first (the post's detail shows it to the teacher): the ids the blogs' and the
    moderation queue's operations read."""
    blog = class_blog(world)
    published = post_in(world, State.PUBLISHED, author="t1", title="Fête")
    waiting = post_in(world, State.SUBMITTED)
    # Its id is not offered as ``parent``: that name carries the messagerie's folders.
    comment_add(actor=actor_for(world["p1"]), post=published, body="Super !")
    return {
        "blog_id": [blog.pk],
        "post_id": [published.pk, waiting.pk],
        "publication_id": [published.publication_id, waiting.publication_id],
    }


def _messages(world: World) -> dict[str, list[int]]:
    """A message from the teacher to the parent, a draft of each, a pupil's message waiting
    for the teacher, and a folder of each: the ids the messagerie's operations read."""
    teacher, parent = actor_for(world["t1"]), actor_for(world["par1"])
    to_parent = [Recipient(field=Field.TO, person_id=world["par1"].pk)]
    sent = message_send(
        actor=teacher, draft=draft_save(actor=teacher, subject="Sortie", recipients=to_parent)
    ).message
    pupil = actor_for(world["p1"])
    moderated = message_send(
        actor=pupil,
        draft=draft_save(
            actor=pupil,
            subject="Question",
            recipients=[Recipient(field=Field.TO, person_id=world["t1"].pk)],
        ),
    ).message
    drafts = [draft_save(actor=who, subject="Brouillon").pk for who in (teacher, parent)]
    folders = [folder_create(owner_id=who.id, name="École").pk for who in (teacher, parent)]
    copies = list(Copy.objects.filter(message=sent).values_list("pk", flat=True))
    message_ids = [sent.pk, moderated.pk, *drafts]
    return {
        "message_id": message_ids,
        "message": message_ids,
        "folder_id": folders,
        "folder": folders,
        "parent": folders,
        "copies": copies,
    }


def _with_known_ids(case: Any, data: st.DataObject, ids: dict[str, list[int]]) -> None:
    for values in (case.path_parameters, case.query, case.body):
        if not isinstance(values, dict):
            continue
        for name in [n for n in values if n in ids and isinstance(values[n], int | list)]:
            if data.draw(st.booleans()):
                known = st.sampled_from(ids[name])
                values[name] = data.draw(
                    st.lists(known, min_size=1, max_size=2)
                    if isinstance(values[name], list)
                    else known
                )


def _load_schema(app: WSGIHandler, token: str) -> Any:
    return schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json",
        app,
        headers={"Host": HOST, "Authorization": f"Token {token}"},
    )


def _fuzz(app: WSGIHandler, token: str, ids: dict[str, list[int]]) -> list[str]:
    schema = _load_schema(app, token)
    headers = {"Host": HOST, "Authorization": f"Token {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the schema documents no operation"
    failures: list[str] = []
    for operation in operations:

        @FUZZ_SETTINGS
        @given(case=operation.as_strategy(), data=st.data())
        def run(case: Any, data: st.DataObject) -> None:
            _with_known_ids(case, data, ids)
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
    failures = _fuzz(wsgi_app, _token(bordeaux, caller), _known_ids(bordeaux))

    assert not failures, "\n\n".join(failures)
