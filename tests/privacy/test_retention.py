"""The retention rules: each one deletes what is due and keeps the rest, and the table in
docs/data-protection.md says what the code does."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.liaison.notifications import LIAISON_NOTE
from apps.notifications.models import Notification
from apps.privacy.retention import RULES, retention_enforce
from apps.privacy.tasks import enforce_retention
from tests.world import World

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-protection.md"


def test_the_documentation_lists_every_rule_as_the_code_does() -> None:
    text = DOC.read_text(encoding="utf-8")
    for rule in RULES:
        line = f"| `{rule.key}` | {rule.data} | {rule.duration} | `{rule.enforced_by}` |"
        assert line in text, line


@pytest.mark.django_db
def test_retention_deletes_what_is_due_and_keeps_the_rest(bordeaux: World) -> None:
    now = timezone.now()
    old, recent = now - datetime.timedelta(days=400), now - datetime.timedelta(days=10)
    with schema_context("bordeaux"):
        parent = bordeaux["par1"]
        for when in (old, recent):
            event = AuditEvent.objects.create(action="login.success", actor=parent)
            AuditEvent.objects.filter(pk=event.pk).update(at=when)
        read_long_ago = Notification.objects.create(
            recipient=parent, kind=LIAISON_NOTE, title="a", url="/"
        )
        unread = Notification.objects.create(
            recipient=parent, kind=LIAISON_NOTE, title="b", url="/"
        )
        Notification.objects.filter(pk=read_long_ago.pk).update(
            read_at=now - datetime.timedelta(days=100)
        )

        deleted = retention_enforce(now=now)

        assert deleted["journal"] == 1
        assert list(AuditEvent.objects.values_list("at", flat=True)) == [recent]
        assert deleted["notifications"] == 1
        assert list(Notification.objects.values_list("pk", flat=True)) == [unread.pk]
        # Run again: nothing more is due.
        assert set(retention_enforce(now=now).values()) == {0}
        # The task runs in a commune's schema only.
        assert enforce_retention.run()["schema"] == "bordeaux"
    assert enforce_retention.run()["skipped"] is True
