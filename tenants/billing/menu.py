"""Billing in the menus: the commune administrator's read-only page on a commune's host, the
coordinator's pages on the groupement's."""

from apps.accounts.models import Profile
from apps.navigation.registry import COORDINATORS, Host, MenuEntry

ENTRIES = [
    MenuEntry(
        key="billing_commune",
        label="Facturation",
        url_name="billing:home",
        profiles=frozenset({Profile.COMMUNE_ADMIN}),
        order=80,
        summary="Le marché, les prix, les bons de commande et les factures de la commune.",
    ),
    MenuEntry(
        key="billing_contract",
        label="Marché",
        url_name="billing:contract_timeline",
        profiles=COORDINATORS,
        host=Host.GROUPEMENT,
        order=20,
        summary="Le marché du groupement, sa notification et sa résiliation.",
    ),
    MenuEntry(
        key="billing_prices",
        label="Bordereau de prix",
        url_name="billing:price_schedule",
        profiles=COORDINATORS,
        host=Host.GROUPEMENT,
        order=30,
        summary="Les prix unitaires et leurs révisions.",
    ),
    MenuEntry(
        key="billing_profiles",
        label="Communes facturées",
        url_name="billing:profiles",
        profiles=COORDINATORS,
        host=Host.GROUPEMENT,
        order=35,
        summary="Le SIRET, l'adresse, le tarif d'hébergement et l'imputation de chaque commune.",
    ),
    MenuEntry(
        key="billing_orders",
        label="Bons de commande",
        url_name="billing:orders",
        profiles=COORDINATORS,
        host=Host.GROUPEMENT,
        order=40,
        summary="Créer, émettre, livrer et facturer les bons de commande.",
    ),
    MenuEntry(
        key="billing_invoices",
        label="Factures et avoirs",
        url_name="billing:invoices",
        profiles=COORDINATORS,
        host=Host.GROUPEMENT,
        order=50,
        summary="Les factures émises, leurs PDF, les avoirs.",
    ),
    MenuEntry(
        key="billing_usage",
        label="Facturation à l'usage",
        url_name="billing:usage_statements",
        profiles=COORDINATORS,
        host=Host.GROUPEMENT,
        order=60,
        summary="Les relevés mensuels de chaque commune, à prévisualiser et émettre.",
    ),
    MenuEntry(
        key="billing_shared_costs",
        label="Coûts partagés",
        url_name="billing:shared_costs",
        profiles=COORDINATORS,
        host=Host.GROUPEMENT,
        order=70,
        summary="Les coûts communs répartis au prorata des classes.",
    ),
]
