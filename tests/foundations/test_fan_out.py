"""One list of live communes, one fan-out, one "is this a commune's schema" guard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from tenants.db import current_schema
from tenants.models import Commune, CommuneStatus
from tenants.selectors import is_commune_schema, is_live_commune, live_communes
from tenants.tasks import for_each_live_commune, in_commune_schema

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class Recorder:
    """A stand-in task: records the schema and arguments each message is queued with."""

    name: str | None = "tests.recorder"

    def __init__(self) -> None:
        self.queued: list[tuple[str, list[Any]]] = []

    def delay(self, *args: Any, **kwargs: Any) -> None:
        self.queued.append((current_schema(), list(args)))


def test_live_communes_are_the_served_ones_never_the_template():
    Commune.objects.filter(slug="bassens").update(status=CommuneStatus.ARCHIVED)

    assert [c.schema_name for c in live_communes()] == ["bordeaux", "pessac"]
    assert is_live_commune(Commune.objects.get(slug="bordeaux"))
    assert not is_live_commune(Commune.objects.get(slug="bassens"))


def test_the_public_and_template_schemas_are_no_communes():
    assert not is_commune_schema("public")
    assert not is_commune_schema(settings.ENT_TEMPLATE_SCHEMA)
    assert is_commune_schema("bordeaux")


def test_the_fan_out_queues_once_in_each_live_communes_schema():
    Commune.objects.filter(slug="pessac").update(status=CommuneStatus.SUSPENDED)
    task = Recorder()

    schemas = for_each_live_commune(task, "2027-01-01")

    assert schemas == ["bassens", "bordeaux"]
    assert task.queued == [("bassens", ["2027-01-01"]), ("bordeaux", ["2027-01-01"])]
    assert current_schema() == "public"


def test_a_public_fan_out_passes_the_commune_and_stays_in_the_public_schema():
    task = Recorder()

    schemas = for_each_live_commune(task, "2027-01-01", run_in="public")

    ids = dict(Commune.objects.values_list("schema_name", "pk"))
    assert task.queued == [("public", [ids[schema], "2027-01-01"]) for schema in schemas]


def test_a_per_commune_task_runs_only_in_a_commune_schema(caplog):
    assert not in_commune_schema("tests.task")
    with schema_context(settings.ENT_TEMPLATE_SCHEMA):
        assert not in_commune_schema("tests.task")
    with schema_context("pessac"):
        assert in_commune_schema("tests.task")
    assert "tests.task called outside a commune's schema: skipped" in caplog.text


@pytest.mark.parametrize(
    "module",
    [
        "apps/accounts/tasks.py",
        "apps/liaison/tasks.py",
        "apps/notifications/tasks.py",
        "apps/privacy/tasks.py",
        "tenants/usage/tasks.py",
    ],
)
def test_every_nightly_fan_out_goes_through_the_one_helper(module):
    text = (ROOT / module).read_text()

    assert "for_each_live_commune(" in text
    assert "LIVE_STATUSES" not in text and "ENT_TEMPLATE_SCHEMA" not in text
