"""CSV exports of the dashboard for spreadsheets: decimal comma; ``;``, UTF-8 with a BOM and
formulas neutralised (``apps.csvexport``)."""

from __future__ import annotations

from apps.csvexport import csv_text
from tenants.billing.exports import decimal_fr
from tenants.dashboard.selectors import CommuneFigures, CostSharingRow

COMMUNE_COLUMNS = [
    "Commune",
    "Code INSEE",
    "Statut",
    "Écoles déployées",
    "Écoles",
    "Classes déployées",
    "Classes (année en cours)",
    "Comptes actifs 7 jours",
    "Comptes actifs 30 jours",
    "Stockage base de données (Mo)",
    "Stockage fichiers (Mo)",
]

COST_SHARING_COLUMNS = [
    "Commune",
    "Code INSEE",
    "Classes",
    "Total des classes",
    "Part HT",
    "Part TVA",
    "Part TTC",
]


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def communes_csv(*, figures: list[CommuneFigures]) -> str:
    return csv_text(
        COMMUNE_COLUMNS,
        [
            [
                row.name,
                row.insee_code,
                row.status_label,
                row.schools_deployed,
                row.schools_total,
                row.classes_deployed,
                row.classes_total,
                row.active_7_total,
                row.active_30_total,
                megabytes(row.storage_bytes),
                megabytes(row.files_bytes),
            ]
            for row in figures
        ],
    )


def cost_sharing_csv(*, rows: list[CostSharingRow]) -> str:
    return csv_text(
        COST_SHARING_COLUMNS,
        [
            [
                row.name,
                row.share.insee_code,
                row.share.classes,
                row.share.total_classes,
                decimal_fr(row.share.ht.rounded),
                decimal_fr(row.share.vat.rounded),
                decimal_fr(row.share.ttc),
            ]
            for row in rows
        ],
    )
