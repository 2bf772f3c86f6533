"""New work in the cahier de textes reaches the class's pupils and families, and no one else."""

from __future__ import annotations

from django_tenants.utils import schema_context

from apps.notifications.models import Kind, Notification
from tests.homework.conftest import entry


def _notified(world, kind=Kind.HOMEWORK) -> set[str]:
    with schema_context(world.schema):
        ids = set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))
    return {name for name in world.people if world[name].pk in ids}


def test_published_work_notifies_the_pupils_and_parents_of_that_class_only(
    bordeaux, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry(bordeaux)  # t1, class A1 (pupils p1 and p2)

    notified = _notified(bordeaux)
    assert {"p1", "p2"} <= notified
    assert "par1" in notified
    assert not notified & {"p3", "p4", "par3", "par4", "t1", "t2", "adm"}


def test_a_draft_or_an_entry_without_work_notifies_no_one(
    bordeaux, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry(bordeaux, publish=False)
        entry(bordeaux, todo="", due_on=None)

    assert _notified(bordeaux) == set()
