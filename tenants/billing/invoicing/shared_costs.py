"""Shared costs of the groupement: created as drafts, split once among the communes."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from apps.accounts.models import User
from tenants.audited import Requester, audit
from tenants.billing.invoicing.statements import communes_in_order, day_fr
from tenants.billing.models import (
    PriceLine,
    SharedCost,
    SharedCostShare,
    SharedCostStatus,
)
from tenants.billing.money import is_whole_cents, round_cents
from tenants.billing.permissions import BillingScope
from tenants.billing.services import (
    BillingError,
    price_in_force,
)
from tenants.permissions import is_coordinator
from tenants.usage.models import ClassCountSnapshot
from tenants.usage.sharing import (
    NoClassesToShareError,
    share_costs,
)

# --- Shared costs ----------------------------------------------------------------------------


@transaction.atomic
def shared_cost_create(
    *,
    label: str,
    reference_date: datetime.date,
    period_start: datetime.date,
    period_end: datetime.date,
    rubrique: str,
    nature: str,
    created_by: User,
    amount_ht: Decimal | None = None,
    vat_rate: Decimal | None = None,
    price_line: PriceLine | None = None,
    quantity: Decimal | None = None,
    by: Requester | None = None,
) -> SharedCost:
    """A draft shared cost: a typed amount and VAT rate (percent), or a quantity of a price
    line at the price in force on the reference date."""
    if not is_coordinator(created_by):
        raise BillingError("Seul un coordinateur du groupement crée un coût partagé.")
    if price_line is not None:
        if quantity is None or amount_ht is not None:
            raise BillingError(
                "Avec une ligne du bordereau, indiquez la quantité et non le montant."
            )
        revision = price_in_force(price_line=price_line, on=reference_date)
        amount_ht = round_cents(quantity * revision.unit_price_ht)
        vat_rate = revision.vat_rate
    elif amount_ht is None or vat_rate is None:
        raise BillingError("Indiquez un montant HT et un taux de TVA, ou une ligne du bordereau.")
    elif quantity is not None:
        raise BillingError("Une quantité va avec une ligne du bordereau.")
    if not is_whole_cents(amount_ht):
        raise BillingError(f"Un montant se donne au centime près : {amount_ht}.")
    cost = SharedCost(
        label=label.strip(),
        price_line=price_line,
        quantity=quantity,
        amount_ht=amount_ht,
        vat_rate=vat_rate,
        reference_date=reference_date,
        period_start=period_start,
        period_end=period_end,
        rubrique=rubrique,
        nature=nature,
        created_by=created_by,
        created_by_name=created_by.display_name,
    )
    if period_start > period_end:
        raise BillingError("La période couverte commence après sa fin.")
    cost.full_clean()
    cost.save()
    audit(by, "billing.shared_cost_created", cost.label, shared_cost=cost.pk)
    return cost


@transaction.atomic
def shared_cost_split(
    *, shared_cost: SharedCost, by: Requester | None = None
) -> list[SharedCostShare]:
    """Split a draft shared cost among the communes counted on its reference date.

    Every live commune must have a snapshot that day (a missing one would silently shift
    its share onto the others). HT and VAT are each split by largest remainder.
    """
    cost = SharedCost.objects.select_for_update().get(pk=shared_cost.pk)
    if cost.status != SharedCostStatus.DRAFT:
        raise BillingError(f"« {cost.label} » est déjà répartie.")
    snapshots = list(
        ClassCountSnapshot.objects.filter(date=cost.reference_date).select_related("commune")
    )
    counted = {snapshot.commune_id for snapshot in snapshots}
    missing = [commune.name for commune in communes_in_order() if commune.pk not in counted]
    if missing:
        raise BillingError(
            f"Relevé des classes manquant au {day_fr(cost.reference_date)} pour : "
            f"{', '.join(missing)}."
        )
    by_insee = {snapshot.commune.insee_code: snapshot for snapshot in snapshots}
    try:
        parts = share_costs(
            amount_ht=cost.amount_ht,
            vat_rate=cost.vat_rate,
            class_counts={insee: s.primary_classes for insee, s in by_insee.items()},
        )
    except NoClassesToShareError:
        raise BillingError(
            f"Aucune classe relevée au {day_fr(cost.reference_date)} : rien sur quoi répartir."
        ) from None
    shares = SharedCostShare.objects.bulk_create(
        [
            SharedCostShare(
                shared_cost=cost,
                commune=by_insee[part.insee_code].commune,
                classes=part.classes,
                total_classes=part.total_classes,
                amount_ht=part.ht.rounded,
                amount_vat=part.vat.rounded,
                amount_ttc=part.ttc,
                ht_exact=part.ht.exact_decimal.quantize(Decimal("0.000001")),
                vat_exact=part.vat.exact_decimal.quantize(Decimal("0.000001")),
                ht_extra_cent=part.ht.got_extra_cent,
                vat_extra_cent=part.vat.got_extra_cent,
                explanation=f"{by_insee[part.insee_code].commune.name} ({part.statement()}).",
            )
            for part in parts
        ]
    )
    cost.status = SharedCostStatus.SPLIT
    cost.split_at = timezone.now()
    cost.save(update_fields=["status", "split_at"])
    shared_cost.status, shared_cost.split_at = cost.status, cost.split_at
    audit(by, "billing.shared_cost_split", cost.label, shared_cost=cost.pk, communes=len(shares))
    return shares


def shared_cost_get(*, scope: BillingScope, pk: int) -> SharedCost:
    """One shared cost (groupement-wide scope only); ``SharedCost.DoesNotExist`` otherwise."""
    if not isinstance(scope, BillingScope) or not scope.is_groupement_wide:
        raise TypeError("a groupement-wide BillingScope is required")
    return SharedCost.objects.get(pk=pk)


def shared_cost_list(*, scope: BillingScope) -> list[SharedCost]:
    """Every shared cost with its shares (groupement-wide scope only; three queries)."""
    if not isinstance(scope, BillingScope) or not scope.is_groupement_wide:
        raise TypeError("a groupement-wide BillingScope is required")
    shares = SharedCostShare.objects.select_related("commune").order_by("commune__insee_code")
    return list(
        SharedCost.objects.select_related("price_line").prefetch_related(
            Prefetch("shares", queryset=shares)
        )
    )
