"""Billing tables, all in the public schema.

A commune's people are never referenced by a foreign key into the commune's schema: public
rows name them by commune, id and display name. Coordinators live in the public schema's
``accounts.User``, so a foreign key to them is safe.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from apps.french import formatting
from tenants.billing.money import vat_amount
from tenants.billing.validators import (
    NATURE_ARTICLES,
    validate_nature_article,
    validate_rubrique,
    validate_siret,
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months``, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- The contract ----------------------------------------------------------------------------


class ContractStatus(models.TextChoices):
    ACTIVE = "active", "En cours"
    NOTICE_GIVEN = "notice_given", "Résiliation notifiée"
    ENDED = "ended", "Terminé"


@dataclass(frozen=True)
class Milestone:
    key: str
    label: str
    date: datetime.date


class Contract(models.Model):
    """The marché à bons de commande (no minimum, no maximum) that the groupement runs on."""

    holder = models.CharField("titulaire", max_length=200)
    reference = models.CharField("référence du marché", max_length=60, unique=True)
    notified_on = models.DateField("date de notification")
    duration_months = models.PositiveSmallIntegerField("durée (mois)", default=36)
    notice_months = models.PositiveSmallIntegerField("préavis de résiliation (mois)", default=4)
    status = models.CharField(
        "statut", max_length=16, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    notice_letter_date = models.DateField(
        "date de la lettre recommandée de résiliation", null=True, blank=True
    )
    effective_end_date = models.DateField("date de fin effective", null=True, blank=True)

    class Meta:
        verbose_name = "marché"
        ordering = ["-notified_on"]

    def __str__(self) -> str:
        return f"{self.reference} — {self.holder}"

    @property
    def natural_end_date(self) -> datetime.date:
        return add_months(self.notified_on, self.duration_months)

    @property
    def end_date(self) -> datetime.date:
        return self.effective_end_date or self.natural_end_date

    def timeline(self) -> list[Milestone]:
        milestones = [Milestone("notification", "Notification du marché", self.notified_on)]
        if self.notice_letter_date is not None:
            milestones.append(
                Milestone("notice", "Lettre recommandée de résiliation", self.notice_letter_date)
            )
        if self.effective_end_date is not None:
            milestones.append(Milestone("effective_end", "Fin effective", self.effective_end_date))
        milestones.append(Milestone("natural_end", "Échéance du marché", self.natural_end_date))
        return sorted(milestones, key=lambda milestone: milestone.date)


# --- The price schedule (bordereau de prix) --------------------------------------------------


class PriceUnit(models.TextChoices):
    CLASS_MONTH = "class_month", "par classe et par mois"
    SCHOOL_MONTH = "school_month", "par école et par mois"
    TRAINING_DAY = "training_day", "par jour de formation"
    HOUR = "hour", "par heure"
    FLAT = "flat", "forfait"


class PriceLine(models.Model):
    code = models.CharField("code", max_length=20, unique=True)
    label = models.CharField("désignation", max_length=200)
    unit = models.CharField("unité", max_length=16, choices=PriceUnit.choices)

    class Meta:
        verbose_name = "ligne du bordereau de prix"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class PriceRevision(models.Model):
    """A price applying from ``valid_from``; invoices copy it, so a revision never rewrites
    what was already billed."""

    price_line = models.ForeignKey(PriceLine, on_delete=models.PROTECT, related_name="revisions")
    unit_price_ht = models.DecimalField(
        "prix unitaire HT", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    vat_rate = models.DecimalField("taux de TVA (%)", max_digits=5, decimal_places=2)
    valid_from = models.DateField("applicable à partir du")

    class Meta:
        verbose_name = "révision de prix"
        ordering = ["price_line", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["price_line", "valid_from"], name="one_price_revision_per_day"
            ),
        ]

    def __str__(self) -> str:
        price, since = formatting.euros(self.unit_price_ht), formatting.date_courte(self.valid_from)
        return f"{self.price_line.code} : {price} HT dès le {since}"


# --- Budget imputation -----------------------------------------------------------------------

NATURE_CHOICES = [(article, article) for article in NATURE_ARTICLES]


class BudgetImputation(models.Model):
    """The commune's budget line: functional rubrique (e.g. "020") and nature article."""

    rubrique = models.CharField("rubrique", max_length=4, validators=[validate_rubrique])
    nature = models.CharField(
        "article de nature",
        max_length=4,
        choices=NATURE_CHOICES,
        validators=[validate_nature_article],
    )

    class Meta:
        abstract = True

    @property
    def imputation(self) -> str:
        return f"{self.rubrique}/{self.nature}"


# --- Purchase orders (bons de commande) ------------------------------------------------------


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    ISSUED = "issued", "Émis"
    DELIVERED = "delivered", "Livré"
    INVOICED = "invoiced", "Facturé"


class PurchaseOrder(models.Model):
    commune = models.ForeignKey(
        "tenants.Commune", on_delete=models.PROTECT, related_name="purchase_orders"
    )
    status = models.CharField(
        "statut",
        max_length=16,
        choices=PurchaseOrderStatus.choices,
        default=PurchaseOrderStatus.DRAFT,
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="émis par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_by_name = models.CharField("émis par (nom)", max_length=200, blank=True)
    issued_at = models.DateTimeField("émis le", null=True, blank=True)
    delivered_at = models.DateTimeField("livré le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "bon de commande"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Bon de commande n° {self.pk} ({self.commune_id})"


class PurchaseOrderLine(BudgetImputation):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    price_line = models.ForeignKey(PriceLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(
        "quantité", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = "ligne de bon de commande"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.price_line.code}"


# --- Invoices and credit notes ---------------------------------------------------------------


class InvoiceCounter(models.Model):
    """The last number given in a year; locked with SELECT … FOR UPDATE by whoever numbers an
    invoice, inside the transaction that creates it, so a rollback gives the number back."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "compteur de factures"

    def __str__(self) -> str:
        return f"{self.year} : {self.last_number}"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Facture"
    CREDIT_NOTE = "credit_note", "Avoir"


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", "Émise"
    CANCELLED = "cancelled", "Annulée par avoir"


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise ProtectedError("Une facture ne se supprime pas : elle s'annule par un avoir.", set())


class Invoice(models.Model):
    """An invoice or a credit note; both share one gapless numbering per year."""

    number = models.CharField("numéro", max_length=16, unique=True)
    year = models.PositiveSmallIntegerField("exercice")
    sequence = models.PositiveIntegerField("rang dans l'exercice")
    kind = models.CharField("nature", max_length=16, choices=InvoiceKind.choices)
    status = models.CharField(
        "statut", max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED
    )
    commune = models.ForeignKey(
        "tenants.Commune", on_delete=models.PROTECT, related_name="invoices"
    )
    period_start = models.DateField("début de période")
    period_end = models.DateField("fin de période")
    issued_on = models.DateField("date d'émission")
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    credited_invoice = models.OneToOneField(
        "self",
        verbose_name="facture annulée",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_note",
    )
    reason = models.CharField("motif", max_length=300, blank=True)
    total_ht = models.DecimalField("total HT", max_digits=14, decimal_places=2, default=0)
    total_vat = models.DecimalField("total TVA", max_digits=14, decimal_places=2, default=0)
    total_ttc = models.DecimalField("total TTC", max_digits=14, decimal_places=2, default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = "facture"
        ordering = ["year", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="one_invoice_per_rank"),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="invoice_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ProtectedError("Une facture ne se supprime pas : elle s'annule par un avoir.", {self})

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE


class InvoiceLine(BudgetImputation):
    """A billed line. The unit price and VAT rate are copies taken at billing time.

    A line built from usage (hosting of a month, a share of a shared cost) carries its
    amounts as computed (pro rata temporis, largest remainder) rather than quantity × unit
    price, and says how in ``explanation``.
    """

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField("rang")
    label = models.CharField("désignation", max_length=300)
    explanation = models.TextField("détail du calcul", blank=True)
    # Where a usage line comes from: the month of hosting it bills, or the share it bills.
    hosting_month = models.DateField("mois d'hébergement facturé", null=True, blank=True)
    cost_share = models.ForeignKey(
        "billing.SharedCostShare",
        verbose_name="quote-part facturée",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_lines",
    )
    quantity = models.DecimalField("quantité", max_digits=12, decimal_places=2)
    unit_price_ht = models.DecimalField("prix unitaire HT", max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField("taux de TVA (%)", max_digits=5, decimal_places=2)
    amount_ht = models.DecimalField("montant HT", max_digits=14, decimal_places=2)
    amount_vat = models.DecimalField("montant TVA", max_digits=14, decimal_places=2)
    amount_ttc = models.DecimalField("montant TTC", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "ligne de facture"
        ordering = ["invoice", "position"]

    def __str__(self) -> str:
        return f"{self.invoice_id} #{self.position} {self.label}"


# --- Commune public-invoicing data -----------------------------------------------------------


class CommuneBillingProfile(models.Model):
    """What Chorus Pro needs to route an invoice to a commune."""

    commune = models.OneToOneField(
        "tenants.Commune", on_delete=models.PROTECT, related_name="billing_profile"
    )
    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret])
    billing_address = models.TextField("adresse de facturation")
    chorus_service_code = models.CharField("code service Chorus Pro", max_length=100, blank=True)
    # Hosting is billed each month on this price line: per class (deployed classes) or per
    # school (deployed schools), pro rata temporis, imputed to the commune's budget line below.
    hosting_price_line = models.ForeignKey(
        PriceLine,
        verbose_name="tarif d'hébergement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"unit__in": [PriceUnit.CLASS_MONTH, PriceUnit.SCHOOL_MONTH]},
    )
    hosting_rubrique = models.CharField(
        "rubrique (hébergement)", max_length=4, default="020", validators=[validate_rubrique]
    )
    hosting_nature = models.CharField(
        "article de nature (hébergement)",
        max_length=4,
        choices=NATURE_CHOICES,
        default="611",
        validators=[validate_nature_article],
    )

    class Meta:
        verbose_name = "données de facturation de la commune"

    def __str__(self) -> str:
        return f"{self.commune} ({self.siret})"


# --- Billing from usage ----------------------------------------------------------------------


class UsageBilledMonth(models.Model):
    """A month of a commune billed from its usage, and by which invoice.

    The partial unique constraint is what makes a commune's month billable once, even for
    two runs at the same time; crediting the invoice releases the month (``released_by``),
    so it may be billed again.
    """

    commune = models.ForeignKey(
        "tenants.Commune", on_delete=models.PROTECT, related_name="usage_billed_months"
    )
    month = models.DateField("mois (1er jour)")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="billed_months")
    released_by = models.ForeignKey(
        Invoice,
        verbose_name="libéré par l'avoir",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="released_months",
    )

    class Meta:
        verbose_name = "mois facturé à l'usage"
        verbose_name_plural = "mois facturés à l'usage"
        ordering = ["month", "commune_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "month"],
                condition=models.Q(released_by__isnull=True),
                name="one_usage_invoice_per_commune_month",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="billed_month_is_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.month:%Y-%m} → {self.invoice_id}"


class SharedCostStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SPLIT = "split", "Répartie"
    INVOICED = "invoiced", "Facturée"


class SharedCost(BudgetImputation):
    """An amount of the groupement (common platform, training…) to be shared among the
    communes pro rata to their primary classes at ``reference_date``.

    The amount is either typed (``amount_ht`` and ``vat_rate``) or computed from a price
    line (``quantity`` × the unit price in force at the reference date, whose VAT rate it
    takes); either way the HT amount and the VAT rate are copied on the row.
    """

    label = models.CharField("désignation", max_length=200)
    price_line = models.ForeignKey(
        PriceLine,
        verbose_name="ligne du bordereau",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    quantity = models.DecimalField(
        "quantité",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    amount_ht = models.DecimalField(
        "montant HT", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    vat_rate = models.DecimalField(
        "taux de TVA (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    reference_date = models.DateField("date du relevé des classes")
    period_start = models.DateField("début de la période couverte")
    period_end = models.DateField("fin de la période couverte")
    status = models.CharField(
        "statut", max_length=16, choices=SharedCostStatus.choices, default=SharedCostStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by_name = models.CharField("créé par (nom)", max_length=200)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    split_at = models.DateTimeField("réparti le", null=True, blank=True)

    class Meta:
        verbose_name = "coût partagé"
        verbose_name_plural = "coûts partagés"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="shared_cost_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({formatting.euros(self.amount_ht)} HT)"

    @property
    def amount_vat(self) -> Decimal:
        # The same rule as share_costs: VAT of the whole amount, rounded once, half up.
        return vat_amount(self.amount_ht, self.vat_rate)

    @property
    def amount_ttc(self) -> Decimal:
        return self.amount_ht + self.amount_vat


class SharedCostShare(models.Model):
    """One commune's share of a shared cost, as split, with how its rounding came about."""

    shared_cost = models.ForeignKey(SharedCost, on_delete=models.PROTECT, related_name="shares")
    commune = models.ForeignKey(
        "tenants.Commune", on_delete=models.PROTECT, related_name="shared_cost_shares"
    )
    classes = models.PositiveIntegerField("classes de la commune")
    total_classes = models.PositiveIntegerField("classes du groupement")
    amount_ht = models.DecimalField("part HT", max_digits=14, decimal_places=2)
    amount_vat = models.DecimalField("part TVA", max_digits=14, decimal_places=2)
    amount_ttc = models.DecimalField("part TTC", max_digits=14, decimal_places=2)
    ht_exact = models.DecimalField("part HT exacte", max_digits=20, decimal_places=6)
    vat_exact = models.DecimalField("part TVA exacte", max_digits=20, decimal_places=6)
    ht_extra_cent = models.BooleanField("centime HT du reste le plus fort", default=False)
    vat_extra_cent = models.BooleanField("centime TVA du reste le plus fort", default=False)
    explanation = models.TextField("détail du calcul")

    class Meta:
        verbose_name = "quote-part d'un coût partagé"
        ordering = ["shared_cost", "commune__insee_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["shared_cost", "commune"], name="one_share_per_commune_and_cost"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_ttc=models.F("amount_ht") + models.F("amount_vat")),
                name="share_ttc_is_ht_plus_vat",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.shared_cost_id} / {self.commune_id} : {formatting.euros(self.amount_ttc)} TTC"
        )
