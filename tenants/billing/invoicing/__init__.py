"""Statements and invoices built from usage: hosting month by month, shares of shared costs.

A *statement* is what a commune would be billed for a period of whole months, computed
from the public schema only, with every figure explained: hosting of each month on the
daily deployed-class (or school) counts, pro rata temporis (``tenants.usage.sharing.
hosting_charge``), and the commune's shares of the shared costs split so far
(``SharedCostShare``, largest remainder). Issuing turns the statement into an invoice
through the gapless numbering, with the line amounts exactly as computed.

Rules (docs/billing.md §5):

* **Price of a month.** A month of hosting is billed at the revision in force on its
  **first day**; a revision valid from the 16th applies from the next month. A period of
  several months gets one line per month, each at its own price.
* **Once per month.** ``UsageBilledMonth`` holds a partial unique constraint on (commune,
  month) while the invoice stands, and the commune's billing profile row is locked for the
  run: a second run, concurrent or not, is refused (skipped in a batch). Crediting the
  invoice releases its months and shares, which may then be billed again.
* **Shares** of a shared cost go on the first statement of the commune whose period ends on
  or after the cost's ``period_start``, and only once while that invoice stands.
* **All or nothing.** A live commune with no billing profile, no hosting price in force or
  no snapshot in a month gets one clear error and nothing is written; in a batch, each
  commune is its own transaction, so one failure neither stops the others nor burns a
  number.
* **Suspended and archived communes** are billed for the days they were served (leaving the
  live statuses records a zero-deployed snapshot, so the carried count stops that day) and
  for their shares not yet billed; with neither, they are left out of the month.
"""

from tenants.billing.invoicing.issuing import (
    BatchRow,
    usage_invoice_issue,
    usage_invoices_issue_month,
)
from tenants.billing.invoicing.shared_costs import (
    shared_cost_create,
    shared_cost_get,
    shared_cost_list,
    shared_cost_split,
)
from tenants.billing.invoicing.statements import (
    AlreadyInvoicedError,
    ImputationTotal,
    Statement,
    StatementError,
    StatementLine,
    StatementOutcome,
    month_label,
    month_last_day,
    month_statements,
    months_of,
    parse_month,
    statement_build,
    statements_for,
)

__all__ = [
    "AlreadyInvoicedError",
    "BatchRow",
    "ImputationTotal",
    "Statement",
    "StatementError",
    "StatementLine",
    "StatementOutcome",
    "month_label",
    "month_last_day",
    "month_statements",
    "months_of",
    "parse_month",
    "shared_cost_create",
    "shared_cost_get",
    "shared_cost_list",
    "shared_cost_split",
    "statement_build",
    "statements_for",
    "usage_invoice_issue",
    "usage_invoices_issue_month",
]
