"""Statements: what a commune would be billed for whole months, every figure explained."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.french import formatting
from tenants.billing.models import (
    CommuneBillingProfile,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    PriceLine,
    PriceRevision,
    PriceUnit,
    SharedCostShare,
    SharedCostStatus,
    UsageBilledMonth,
)
from tenants.billing.money import round_cents, vat_amount
from tenants.billing.permissions import BillingScope
from tenants.billing.services import (
    BillingError,
    InvoiceLineSpec,
)
from tenants.models import LIVE_STATUSES, Commune
from tenants.selectors import communes as every_commune
from tenants.selectors import live_communes
from tenants.usage.models import ClassCountSnapshot
from tenants.usage.sharing import (
    daily_counts_for_month,
    hosting_charge,
)


class StatementError(BillingError):
    """The statement cannot be built (missing profile, price or counts); nothing written."""


class AlreadyInvoicedError(BillingError):
    """The commune's month is already on an invoice that stands."""


# --- Months ----------------------------------------------------------------------------------


def month_label(month: datetime.date) -> str:
    """ "octobre 2026"."""
    return formatting.month(month)


def month_last_day(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def parse_month(text: str) -> datetime.date:
    """``"2026-10"`` → 1 October 2026; anything else is one clear error."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        raise BillingError(f"mois invalide : {text!r} (attendu AAAA-MM, par ex. 2026-10)") from None


def months_of(period_start: datetime.date, period_end: datetime.date) -> list[datetime.date]:
    """The first days of the whole months from ``period_start`` to ``period_end``."""
    if period_start.day != 1 or period_end != month_last_day(period_end):
        raise BillingError("Une période facturée à l'usage compte des mois entiers.")
    if period_start > period_end:
        raise BillingError("La période facturée commence après sa fin.")
    months, current = [], period_start
    while current <= period_end:
        months.append(current)
        current = month_last_day(current) + datetime.timedelta(days=1)
    return months


def day_fr(value: datetime.date) -> str:
    """ "1er octobre 2026", as the pages write it."""
    return formatting.date_courte(value)


def _number_fr(value: Decimal) -> str:
    return formatting.number(value)


def euros_fr(value: Decimal) -> str:
    return formatting.euros(value)


def _exact_fr(value: Fraction) -> str:
    """An exact quotient in French, to six places, with "…" when it goes on."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    shown = exact.quantize(Decimal("0.000001"))
    text = formatting.number(shown, 6).rstrip("0").rstrip(",")
    return text if shown == exact else f"{text}…"


# --- Statements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    label: str
    explanation: str
    quantity: Decimal
    unit_price_ht: Decimal
    vat_rate: Decimal  # percent, like the price revisions
    amount_ht: Decimal
    amount_vat: Decimal
    rubrique: str
    nature: str
    hosting_month: datetime.date | None = None
    cost_share_id: int | None = None

    @property
    def amount_ttc(self) -> Decimal:
        return self.amount_ht + self.amount_vat

    @property
    def imputation(self) -> str:
        return f"{self.rubrique}/{self.nature}"

    def spec(self) -> InvoiceLineSpec:
        return InvoiceLineSpec(
            label=self.label,
            quantity=self.quantity,
            unit_price_ht=self.unit_price_ht,
            vat_rate=self.vat_rate,
            rubrique=self.rubrique,
            nature=self.nature,
            amount_ht=self.amount_ht,
            amount_vat=self.amount_vat,
            explanation=self.explanation,
            hosting_month=self.hosting_month,
            cost_share_id=self.cost_share_id,
        )


@dataclass(frozen=True)
class ImputationTotal:
    imputation: str
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal


@dataclass(frozen=True)
class Statement:
    commune: Commune
    period_start: datetime.date
    period_end: datetime.date
    lines: tuple[StatementLine, ...]

    @property
    def total_ht(self) -> Decimal:
        return sum((line.amount_ht for line in self.lines), Decimal("0.00"))

    @property
    def total_vat(self) -> Decimal:
        return sum((line.amount_vat for line in self.lines), Decimal("0.00"))

    @property
    def total_ttc(self) -> Decimal:
        return self.total_ht + self.total_vat

    def imputations(self) -> list[ImputationTotal]:
        """Totals per budget line (rubrique/nature), as the commune's finance officer books them."""
        sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])
        for line in self.lines:
            sums[line.imputation][0] += line.amount_ht
            sums[line.imputation][1] += line.amount_vat
        return [
            ImputationTotal(imputation=key, total_ht=ht, total_vat=vat, total_ttc=ht + vat)
            for key, (ht, vat) in sorted(sums.items())
        ]


@dataclass(frozen=True)
class StatementOutcome:
    """One commune's statement for a period, or why there is none."""

    commune: Commune
    statement: Statement | None = None
    error: str | None = None
    # Months of the period already on a standing invoice: month → invoice number.
    billed: tuple[tuple[datetime.date, str], ...] = ()

    @property
    def invoice_numbers(self) -> list[str]:
        return sorted({number for _, number in self.billed})

    @property
    def nothing_to_bill(self) -> bool:
        """A suspended or archived commune neither served in the period nor owing a share."""
        return self.statement is None and self.error is None and not self.billed


@dataclass
class _Inputs:
    """Everything the statements of some communes need, read in a fixed number of queries."""

    profiles: dict[int, CommuneBillingProfile]
    revisions: dict[int, list[PriceRevision]]
    snapshots: dict[int, list[ClassCountSnapshot]]
    carried: dict[int, ClassCountSnapshot]
    shares: dict[int, list[SharedCostShare]]
    billed: dict[int, dict[datetime.date, str]]


def _unbilled_shares(period_end: datetime.date) -> QuerySet[SharedCostShare]:
    """Shares of split costs a statement ending on ``period_end`` carries: not zero, and on
    no invoice that stands."""
    standing = InvoiceLine.objects.filter(
        cost_share=OuterRef("pk"),
        invoice__kind=InvoiceKind.INVOICE,
        invoice__status=InvoiceStatus.ISSUED,
    )
    return (
        SharedCostShare.objects.filter(
            shared_cost__status=SharedCostStatus.SPLIT,
            shared_cost__period_start__lte=period_end,
        )
        .exclude(amount_ht=0, amount_vat=0)
        .exclude(Exists(standing))
    )


def _inputs(
    commune_ids: list[int], period_start: datetime.date, period_end: datetime.date
) -> _Inputs:
    profiles = {
        profile.commune_id: profile
        for profile in CommuneBillingProfile.objects.filter(
            commune_id__in=commune_ids
        ).select_related("hosting_price_line")
    }
    revisions: dict[int, list[PriceRevision]] = defaultdict(list)
    line_ids = {p.hosting_price_line_id for p in profiles.values() if p.hosting_price_line_id}
    for revision in PriceRevision.objects.filter(
        price_line_id__in=line_ids, valid_from__lte=period_end
    ).order_by("valid_from"):
        revisions[revision.price_line_id].append(revision)
    snapshots: dict[int, list[ClassCountSnapshot]] = defaultdict(list)
    for snapshot in ClassCountSnapshot.objects.filter(
        commune_id__in=commune_ids, date__gte=period_start, date__lte=period_end
    ).order_by("date"):
        snapshots[snapshot.commune_id].append(snapshot)
    carried = {
        snapshot.commune_id: snapshot
        for snapshot in ClassCountSnapshot.objects.filter(
            commune_id__in=commune_ids, date__lt=period_start
        )
        .order_by("commune_id", "-date")
        .distinct("commune_id")
    }
    shares: dict[int, list[SharedCostShare]] = defaultdict(list)
    for share in (
        _unbilled_shares(period_end)
        .filter(commune_id__in=commune_ids)
        .select_related("shared_cost")
        .order_by("shared_cost__period_start", "shared_cost_id")
    ):
        shares[share.commune_id].append(share)
    billed: dict[int, dict[datetime.date, str]] = defaultdict(dict)
    for commune_id, month, number in UsageBilledMonth.objects.filter(
        commune_id__in=commune_ids,
        month__gte=period_start,
        month__lte=period_end,
        released_by__isnull=True,
    ).values_list("commune_id", "month", "invoice__number"):
        billed[commune_id][month] = number
    return _Inputs(profiles, revisions, snapshots, carried, shares, billed)


def _segments(days: list[int]) -> str:
    """``[12]*15 + [14]*15`` → ``"du 1er au 15 : 12 ; du 16 au 30 : 14"``."""
    parts, start = [], 0
    for index in range(1, len(days) + 1):
        if index == len(days) or days[index] != days[start]:
            first = "1er" if start == 0 else str(start + 1)
            parts.append(f"du {first} au {index} : {days[start]}")
            start = index
    return " ; ".join(parts)


def _hosting_line(
    *,
    profile: CommuneBillingProfile,
    price_line: PriceLine,
    revision: PriceRevision,
    month: datetime.date,
    counts: dict[datetime.date, int],
    carried_in: int,
) -> StatementLine:
    per_school = price_line.unit == PriceUnit.SCHOOL_MONTH
    unit, units = ("école", "écoles") if per_school else ("classe", "classes")
    days = daily_counts_for_month(
        year=month.year, month=month.month, counts=counts, carried_in=carried_in
    )
    unit_days, month_days = sum(days), len(days)
    unit_months = Fraction(unit_days, month_days)
    exact = unit_months * Fraction(revision.unit_price_ht)
    amount_ht = hosting_charge(
        year=month.year,
        month=month.month,
        counts=counts,
        monthly_unit_price=revision.unit_price_ht,
        carried_in=carried_in,
    )
    amount_vat = vat_amount(amount_ht, revision.vat_rate)
    explanation = (
        f"{units.capitalize()} déployées par jour : {_segments(days)}. "
        f"{unit_days} {unit}s-jours ÷ {month_days} jours = "
        f"{_exact_fr(unit_months)} {unit}s-mois × {euros_fr(revision.unit_price_ht)} HT "
        f"par {unit} et par mois = {_exact_fr(exact)}{formatting.NBSP}€, arrondi au centime : "
        f"{euros_fr(amount_ht)} HT. Prix en vigueur le {day_fr(month)} (révision applicable "
        f"depuis le {day_fr(revision.valid_from)}). TVA {_number_fr(revision.vat_rate)} % : "
        f"{euros_fr(amount_vat)}."
    )
    return StatementLine(
        label=f"{price_line.code} — {price_line.label}, {month_label(month)} "
        f"({price_line.get_unit_display()})",
        explanation=explanation,
        quantity=round_cents(Decimal(unit_days) / Decimal(month_days)),
        unit_price_ht=revision.unit_price_ht,
        vat_rate=revision.vat_rate,
        amount_ht=amount_ht,
        amount_vat=amount_vat,
        rubrique=profile.hosting_rubrique,
        nature=profile.hosting_nature,
        hosting_month=month,
    )


def _share_line(share: SharedCostShare) -> StatementLine:
    cost = share.shared_cost
    explanation = (
        f"{cost.label} : {euros_fr(cost.amount_ht)} HT, TVA {_number_fr(cost.vat_rate)} % "
        f"({euros_fr(cost.amount_vat)}), {euros_fr(cost.amount_ttc)} TTC, réparti au prorata "
        f"des classes primaires relevées le {day_fr(cost.reference_date)}, chaque montant arrondi "
        f"au centime par la règle du reste le plus fort. {share.explanation}"
    )
    return StatementLine(
        label=f"{cost.label} — quote-part {share.classes}/{share.total_classes} classes "
        f"(période du {day_fr(cost.period_start)} au {day_fr(cost.period_end)})",
        explanation=explanation,
        quantity=Decimal("1.00"),
        unit_price_ht=share.amount_ht,
        vat_rate=cost.vat_rate,
        amount_ht=share.amount_ht,
        amount_vat=share.amount_vat,
        rubrique=cost.rubrique,
        nature=cost.nature,
        cost_share_id=share.pk,
    )


def _served(month: datetime.date, counts: dict[datetime.date, int], carried_in: int) -> bool:
    """Whether the month has a snapshot and a day with something deployed."""
    days = daily_counts_for_month(
        year=month.year, month=month.month, counts=counts, carried_in=carried_in
    )
    return bool(counts) and any(days)


def _outcome(
    commune: Commune,
    inputs: _Inputs,
    period_start: datetime.date,
    period_end: datetime.date,
    months: list[datetime.date],
) -> StatementOutcome:
    billed = tuple(sorted(inputs.billed.get(commune.pk, {}).items()))
    if billed:
        return StatementOutcome(commune=commune, billed=billed)

    def refused(message: str) -> StatementOutcome:
        return StatementOutcome(commune=commune, error=f"{commune.name} : {message}")

    profile = inputs.profiles.get(commune.pk)
    if profile is None:
        return refused(
            "aucune donnée de facturation (SIRET, adresse, tarif d'hébergement) ; "
            "renseignez-les dans « Communes facturées » avant de facturer."
        )
    price_line = profile.hosting_price_line
    if price_line is None:
        return refused("aucun tarif d'hébergement choisi dans ses données de facturation.")
    revisions = inputs.revisions.get(price_line.pk, [])
    basis = "deployed_schools" if price_line.unit == PriceUnit.SCHOOL_MONTH else "deployed_classes"
    snapshots = inputs.snapshots.get(commune.pk, [])
    before = inputs.carried.get(commune.pk)
    lines = []
    for month in months:
        end = month_last_day(month)
        counts = {s.date: getattr(s, basis) for s in snapshots if month <= s.date <= end}
        earlier = [s for s in snapshots if s.date < month]
        last_before = earlier[-1] if earlier else before
        carried_in = getattr(last_before, basis) if last_before is not None else 0
        if not commune.is_live and not _served(month, counts, carried_in):
            # A suspended or archived commune owes no hosting for a month it was not served:
            # one served part of a month has the snapshot of the day it stopped in it.
            continue
        in_force = [revision for revision in revisions if revision.valid_from <= month]
        if not in_force:
            return refused(f"aucun prix en vigueur le {day_fr(month)} pour {price_line.code}.")
        if not counts:
            return refused(f"aucun relevé des classes en {month_label(month)}.")
        lines.append(
            _hosting_line(
                profile=profile,
                price_line=price_line,
                revision=in_force[-1],
                month=month,
                counts=counts,
                carried_in=carried_in,
            )
        )
    lines.extend(_share_line(share) for share in inputs.shares.get(commune.pk, []))
    if not lines:
        return StatementOutcome(commune=commune)
    return StatementOutcome(
        commune=commune,
        statement=Statement(
            commune=commune, period_start=period_start, period_end=period_end, lines=tuple(lines)
        ),
    )


def statements_for(
    *, communes: Sequence[Commune], period_start: datetime.date, period_end: datetime.date
) -> list[StatementOutcome]:
    """The statements of ``communes`` for a period of whole months (six queries in all)."""
    months = months_of(period_start, period_end)
    inputs = _inputs([commune.pk for commune in communes], period_start, period_end)
    return [_outcome(commune, inputs, period_start, period_end, months) for commune in communes]


def statement_build(
    *, commune: Commune, period_start: datetime.date, period_end: datetime.date
) -> Statement:
    """One commune's statement, or ``StatementError`` / ``AlreadyInvoicedError``."""
    (outcome,) = statements_for(
        communes=[commune], period_start=period_start, period_end=period_end
    )
    if outcome.billed:
        months = ", ".join(month_label(month) for month, _ in outcome.billed)
        numbers = ", ".join(outcome.invoice_numbers)
        raise AlreadyInvoicedError(
            f"{commune.name} : {months} déjà facturé (facture {numbers}) ; pour refacturer, "
            "annulez d'abord cette facture par un avoir."
        )
    if outcome.statement is None:
        raise StatementError(outcome.error or f"{commune.name} : rien à facturer.")
    return outcome.statement


def month_statements(*, scope: BillingScope, month: datetime.date) -> list[StatementOutcome]:
    """The coordinator's preview: the statement of every commune to bill for ``month``."""
    if not isinstance(scope, BillingScope) or not scope.is_groupement_wide:
        raise TypeError("a groupement-wide BillingScope is required")
    return month_outcomes(month)


def month_outcomes(month: datetime.date) -> list[StatementOutcome]:
    """The month's statements of ``communes_to_bill``, leaving out the suspended or archived
    communes that turn out to have nothing to bill (seven queries in all)."""
    period_end = month_last_day(month)
    outcomes = statements_for(
        communes=communes_to_bill(period_start=month, period_end=period_end),
        period_start=month,
        period_end=period_end,
    )
    return [outcome for outcome in outcomes if not outcome.nothing_to_bill]


def communes_to_bill(*, period_start: datetime.date, period_end: datetime.date) -> list[Commune]:
    """The communes a period's batch and preview go through, by name (one query).

    Every live commune, and every suspended or archived one that may still owe something:
    a snapshot within the period (it was served part of it; the snapshot of the day it
    stopped ends its hosting) or a share of a split cost on no standing invoice. The nightly
    collection still counts live communes only.
    """
    snapshot_in_period = ClassCountSnapshot.objects.filter(
        commune=OuterRef("pk"), date__gte=period_start, date__lte=period_end
    )
    unbilled_share = _unbilled_shares(period_end).filter(commune=OuterRef("pk"))
    communes = every_commune().filter(
        Q(status__in=LIVE_STATUSES) | Q(Exists(snapshot_in_period)) | Q(Exists(unbilled_share))
    )
    return sorted(communes, key=lambda commune: (commune.name, commune.insee_code))


def communes_in_order() -> list[Commune]:
    """The live communes by name: those a shared cost is split among."""
    return sorted(live_communes(), key=lambda commune: (commune.name, commune.insee_code))
