"""Every audited action has a French label, and the groupement has its own journal."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.test import Client

from apps.accounts.models import Profile, User
from apps.audit.actions import ACTION_LABELS
from apps.audit.models import AuditEvent
from apps.audit.services import record_event
from tenants.db import use_public_schema

ROOT = Path(__file__).resolve().parents[2]
JOURNAL = "/coordination/journal/"


_DOTTED = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


def _audited_actions() -> Iterator[tuple[str, str]]:
    """(file, action) for each dotted literal given as ``action=`` to any call (record_event
    and the helpers that pass it on) or as the second argument of ``tenants.audited.audit``
    (the billing and usage services) or a view's ``_audit``."""
    for folder in ("apps", "tenants", "provisioning"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                values = [k.value for k in node.keywords if k.arg == "action"]
                if name in ("audit", "_audit") and len(node.args) > 1:
                    values.append(node.args[1])
                for value in values:
                    if (
                        isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                        and _DOTTED.match(value.value)
                    ):
                        yield str(path.relative_to(ROOT)), value.value


def test_every_recorded_action_has_a_french_label() -> None:
    found = list(_audited_actions())
    missing = sorted({f"{file}: {action}" for file, action in found if action not in ACTION_LABELS})

    # The walk must see the actions it guards, or it would pass by seeing nothing.
    assert len({action for _file, action in found}) >= 30
    assert {
        "billing.invoice_cancelled",
        "billing.order_issued",
        "login.success",
        "import.onde",
    } <= {action for _file, action in found}
    assert missing == []


@pytest.mark.django_db
def test_the_coordinator_reads_the_groupements_journal(
    base_login: Callable[[User], Client], coordinator: User
) -> None:
    use_public_schema()
    record_event(action="billing.invoice_cancelled", actor=coordinator, target="2026-000004")
    client = base_login(coordinator)

    page = client.get(JOURNAL, {"action": "billing.invoice_cancelled"})

    assert page.status_code == 200
    text = page.content.decode()
    assert "Journal d'audit du groupement" in text
    assert "Facture annulée par avoir" in text and "2026-000004" in text
    assert 'aria-current="page">Journal d' in text


@pytest.mark.django_db
def test_only_coordinators_read_the_groupements_journal(
    base_login: Callable[[User], Client], tenant_client: Callable[..., Client]
) -> None:
    use_public_schema()
    staff = User.objects.create_user(username="staff", profile=Profile.STAFF)
    AuditEvent.objects.create(action="login.success", target="coord")

    assert base_login(staff).get(JOURNAL).status_code == 404
    assert tenant_client(None).get(JOURNAL).status_code == 302  # to the login page
    assert tenant_client("bordeaux").get(JOURNAL).status_code == 404  # not on a commune host
