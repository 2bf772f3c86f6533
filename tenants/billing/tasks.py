"""Monthly invoicing from usage as a Celery task (public schema).

No beat entry: invoices are irreversible (only a credit note undoes one), so the month is
issued when the coordinator has reviewed its statements and counts — from the page, the
``invoice_month`` command, or an operator's schedule calling this task.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from config.celery import app
from tenants.billing.invoicing import parse_month, usage_invoices_issue_month


@app.task(name="billing.invoice_month")
def invoice_month(month: str, issued_on: str | None = None) -> dict[str, list[str]]:
    """Issue every live commune's invoice of ``month`` ("AAAA-MM"); outcome → messages."""
    rows = usage_invoices_issue_month(
        month=parse_month(month),
        issued_on=(datetime.date.fromisoformat(issued_on) if issued_on else timezone.localdate()),
    )
    outcome: dict[str, list[str]] = {"issued": [], "skipped": [], "error": []}
    for row in rows:
        outcome[row.outcome].append(f"{row.commune.schema_name}: {row.message}")
    return outcome
