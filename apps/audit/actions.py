"""The actions written to the audit log, with their French labels (codes stay English)."""

from __future__ import annotations

from typing import Any

ACTION_LABELS: dict[str, str] = {
    "login.success": "Connexion réussie",
    "login.failure": "Échec de connexion",
    "login.locked_out": "Connexion bloquée (trop d'essais)",
    "logout": "Déconnexion",
    "2fa.verified": "Double authentification validée",
    "2fa.enrolled": "Double authentification activée",
    "2fa.removed": "Double authentification désactivée",
    "2fa.backup_codes_regenerated": "Codes de secours renouvelés",
    "2fa.reset_by_admin": "Double authentification réinitialisée par l'administration",
    "password.changed": "Mot de passe modifié",
    "password.reset": "Mot de passe réinitialisé par courriel",
    "password.reset_by_staff": "Mot de passe d'élève changé par l'école",
    "account.activated": "Compte activé",
    "account.unlocked": "Compte débloqué après des échecs de connexion",
    "account.blocked": "Compte bloqué",
    "account.unblocked": "Compte réactivé",
    "account.code_reissued": "Nouveau code de connexion donné",
    "account.email_changed": "Adresse électronique du compte ajoutée, changée ou retirée",
    "account.created": "Compte du personnel créé",
    "account.assignments_changed": "Écoles ou classes d'un compte modifiées",
    "accounts.leavers_deactivated": "Comptes des élèves partis désactivés",
    "accounts.leavers_purged": "Comptes des élèves partis supprimés (fin de conservation)",
    "privacy.exported": "Données personnelles téléchargées (droit d'accès)",
    "privacy.erased": "Compte et données effacés (droit à l'effacement)",
    "cards.printed": "Cartes de connexion imprimées",
    "login.qr": "Connexion par QR code",
    "login.qr_failure": "Échec de connexion par QR code",
    "qrlogin.token_issued": "QR code de connexion créé",
    "qrlogin.token_revoked": "QR code de connexion révoqué",
    "import.onde": "Import ONDE (élèves et responsables)",
    "import.teachers": "Import des enseignants",
    "commune.status_changed": "Statut d'une commune changé (exploitation)",
    "school.added": "École ajoutée (exploitation)",
    "school.created": "École créée",
    "school.updated": "École modifiée",
    "usage.class_count_corrected": "Nombre de classes corrigé",
    "billing.contract_create": "Marché enregistré",
    "billing.contract_notice": "Résiliation du marché enregistrée",
    "billing.price_line_create": "Ligne ajoutée au bordereau de prix",
    "billing.profile_save": "Données de facturation d'une commune enregistrées",
    "billing.price_revision": "Révision de prix",
    "billing.order_created": "Bon de commande créé",
    "billing.order_issued": "Bon de commande émis",
    "billing.order_delivered": "Bon de commande livré",
    "billing.order_invoiced": "Bon de commande facturé",
    "billing.invoice_cancelled": "Facture annulée par avoir",
    "billing.usage_month_issued": "Factures à l'usage émises pour un mois",
    "billing.shared_cost_created": "Coût partagé créé",
    "billing.shared_cost_split": "Coût partagé réparti entre les communes",
    "cards.exported": "Cartes de connexion exportées",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


_STAGES = {
    "password": "mot de passe",
    "second_factor": "code de vérification",
    "second_factor_reauth": "code de confirmation",
    "password_reauth": "mot de passe redemandé",
    "activation_code": "code d'activation",
}
_METHODS = {"totp": "application", "backup_code": "code de secours"}


def details_text(details: dict[str, Any]) -> str:
    """A short French reading of the details the login side records; others as key: value."""
    parts: list[str] = []
    for key, value in sorted(details.items()):
        if key == "stage":
            parts.append(f"étape : {_STAGES.get(str(value), str(value))}")
        elif key == "method":
            parts.append(f"avec : {_METHODS.get(str(value), str(value))}")
        elif key == "attempts_removed":
            parts.append(f"essais effacés : {value}")
        else:
            parts.append(f"{key} : {value}")
    return ", ".join(parts)
