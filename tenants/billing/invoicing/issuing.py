"""Issuing the invoices of the statements: one commune, or every commune to bill for a month."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from tenants.audited import Requester, audit
from tenants.billing.invoicing.statements import (
    AlreadyInvoicedError,
    Statement,
    StatementError,
    StatementOutcome,
    day_fr,
    euros_fr,
    month_label,
    month_last_day,
    month_outcomes,
    months_of,
    statement_build,
)
from tenants.billing.models import (
    CommuneBillingProfile,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    SharedCost,
    SharedCostShare,
    SharedCostStatus,
    UsageBilledMonth,
)
from tenants.billing.services import (
    BillingError,
    _invoice_write,
)
from tenants.models import Commune

log = logging.getLogger(__name__)

_UNIQUE_MONTH = "one_usage_invoice_per_commune_month"


# --- Issuing ---------------------------------------------------------------------------------


def usage_invoice_issue(
    *,
    commune: Commune,
    period_start: datetime.date,
    period_end: datetime.date,
    issued_on: datetime.date,
) -> Invoice:
    """Issue the invoice of ``commune``'s statement for the period (whole months, over)."""
    try:
        return _usage_invoice_issue(
            commune=commune, period_start=period_start, period_end=period_end, issued_on=issued_on
        )
    except IntegrityError as error:
        # The constraint is the last line of defence; the profile lock normally answers first.
        if _UNIQUE_MONTH not in str(error):
            raise
        raise AlreadyInvoicedError(
            f"{commune.name} : cette période est déjà facturée ; pour refacturer, annulez "
            "d'abord la facture par un avoir."
        ) from None


@transaction.atomic
def _usage_invoice_issue(
    *,
    commune: Commune,
    period_start: datetime.date,
    period_end: datetime.date,
    issued_on: datetime.date,
) -> Invoice:
    months_of(period_start, period_end)
    if issued_on <= period_end:
        raise StatementError(
            f"{commune.name} : une facture à l'usage s'émet une fois la période terminée "
            f"(après le {day_fr(period_end)})."
        )
    # Runs for one commune queue up here; under READ COMMITTED the next one's statement
    # then sees the invoice the previous one committed, and is refused.
    list(CommuneBillingProfile.objects.select_for_update().filter(commune=commune))
    statement = statement_build(commune=commune, period_start=period_start, period_end=period_end)
    invoice = _invoice_write(
        kind=InvoiceKind.INVOICE,
        commune=commune,
        period_start=period_start,
        period_end=period_end,
        issued_on=issued_on,
        lines=[line.spec() for line in statement.lines],
    )
    UsageBilledMonth.objects.bulk_create(
        [
            UsageBilledMonth(commune=commune, month=month, invoice=invoice)
            for month in months_of(period_start, period_end)
        ]
    )
    _mark_invoiced_costs(
        {line.cost_share_id for line in statement.lines if line.cost_share_id is not None}
    )
    return invoice


def _mark_invoiced_costs(share_ids: set[int]) -> None:
    """A shared cost whose every non-zero share stands on an invoice is ``invoiced``."""
    if not share_ids:
        return
    cost_ids = set(
        SharedCostShare.objects.filter(pk__in=share_ids).values_list("shared_cost_id", flat=True)
    )
    standing = InvoiceLine.objects.filter(
        cost_share=OuterRef("pk"),
        invoice__kind=InvoiceKind.INVOICE,
        invoice__status=InvoiceStatus.ISSUED,
    )
    # Locked in pk order, so two communes' runs cannot deadlock, and the second to commit
    # sees the first's lines when it looks for shares still to bill.
    for cost in SharedCost.objects.select_for_update().filter(pk__in=cost_ids).order_by("pk"):
        pending = cost.shares.exclude(amount_ht=0, amount_vat=0).exclude(Exists(standing)).exists()
        if not pending:
            cost.status = SharedCostStatus.INVOICED
            cost.save(update_fields=["status"])


BatchOutcome = Literal["issued", "skipped", "error", "preview"]


@dataclass(frozen=True)
class BatchRow:
    commune: Commune
    outcome: BatchOutcome
    message: str
    invoice: Invoice | None = None
    statement: Statement | None = None


def usage_invoices_issue_month(
    *,
    month: datetime.date,
    issued_on: datetime.date,
    dry_run: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_row: Callable[[BatchRow], None] | None = None,
    by: Requester | None = None,
) -> list[BatchRow]:
    """The invoice of every commune to bill for ``month`` (``communes_to_bill``: the live
    ones, and the suspended or archived ones still owing hosting or a share), one
    transaction per commune.

    A commune already billed for the month is skipped; a commune that cannot be billed is
    reported and left without invoice (its number is not burnt); the others go on.
    ``dry_run`` builds the statements and writes nothing. Given ``by``, one audit event
    lists what was issued and refused (each commune's invoice commits on its own).
    """
    month = month.replace(day=1)
    period_end = month_last_day(month)
    if issued_on <= period_end:
        raise BillingError(
            f"{month_label(month)} n'est pas terminé au {day_fr(issued_on)} : une facture à "
            f"l'usage s'émet après le {day_fr(period_end)}."
        )
    # Live communes, and suspended or archived ones with hosting or a share still to bill.
    previews = month_outcomes(month)
    communes = [outcome.commune for outcome in previews]
    if on_start is not None:
        on_start(len(communes))
    rows: list[BatchRow] = []
    if dry_run:
        rows = [_preview_row(outcome) for outcome in previews]
        for row in rows:
            if on_row is not None:
                on_row(row)
        return rows
    for commune in communes:
        row = _issue_row(commune, month, period_end, issued_on)
        rows.append(row)
        if on_row is not None:
            on_row(row)
    audit(
        by,
        "billing.usage_month_issued",
        f"{month:%Y-%m}",
        issued_on=issued_on,
        invoices=[row.invoice.number for row in rows if row.invoice],
        refused=[row.commune.slug for row in rows if row.outcome == "error"],
    )
    return rows


def _preview_row(outcome: StatementOutcome) -> BatchRow:
    if outcome.billed:
        numbers = ", ".join(outcome.invoice_numbers)
        return BatchRow(outcome.commune, "skipped", f"déjà facturé (facture {numbers})")
    statement = outcome.statement
    if statement is None:
        return BatchRow(outcome.commune, "error", outcome.error or "rien à facturer")
    return BatchRow(
        outcome.commune,
        "preview",
        f"serait facturé {euros_fr(statement.total_ttc)} TTC ({len(statement.lines)} lignes)",
        statement=statement,
    )


def _issue_row(
    commune: Commune, month: datetime.date, period_end: datetime.date, issued_on: datetime.date
) -> BatchRow:
    try:
        invoice = usage_invoice_issue(
            commune=commune, period_start=month, period_end=period_end, issued_on=issued_on
        )
    except AlreadyInvoicedError as error:
        return BatchRow(commune, "skipped", error.messages[0])
    except BillingError as error:
        return BatchRow(commune, "error", error.messages[0])
    except Exception as error:
        # One commune's failure (a bug, a broken row) must not stop the others' invoices.
        log.exception("usage invoice of %s for %s failed", commune.schema_name, month)
        return BatchRow(commune, "error", f"{commune.name} : échec inattendu ({error}).")
    return BatchRow(
        commune,
        "issued",
        f"facture {invoice.number} : {euros_fr(invoice.total_ttc)} TTC",
        invoice=invoice,
    )
