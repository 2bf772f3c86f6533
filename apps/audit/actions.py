"""The actions written to the audit log, with their French labels (codes stay English)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from apps.french.formatting import date_courte

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
    "quiethours.commune_changed": "Heures calmes de la commune modifiées",
    "quiethours.school_changed": "Heures calmes d'une école modifiées",
    "quiethours.school_reset": "Une école revient aux heures calmes de la commune",
    "quiethours.emergency": "Envoi urgent pendant les heures calmes",
    "messaging.held": "Message retenu (limites d'envoi dépassées)",
    "messaging.released": "Message retenu remis par un référent",
    "messaging.held_refused": "Message retenu refusé par un référent",
    "messaging.approved": "Message d'élève validé",
    "messaging.refused": "Message d'élève refusé",
    "messaging.class_moderation": "Validation des messages des élèves d'une classe changée",
    "messaging.reported": "Message signalé",
    "messaging.report_kept": "Message signalé conservé",
    "messaging.report_deleted": "Message signalé supprimé pour tous",
    "messaging.report_blocked": "Message signalé supprimé, messagerie de l'expéditeur bloquée",
    "messaging.sender_blocked": "Messagerie d'un compte bloquée",
    "messaging.sender_unblocked": "Messagerie d'un compte débloquée",
    "messaging.restriction": "Messagerie restreinte ou suspension changée",
    "messaging.settings": "Réglages de la messagerie de la commune modifiés",
    "chat.opened": "Salon de classe ouvert",
    "chat.closed": "Salon de classe fermé",
    "chat.schedule": "Horaires d'un salon de classe modifiés",
    "chat.deleted": "Message de salon supprimé",
    "chat.released": "Message de salon retenu publié",
    "chat.muted": "Parole d'un élève coupée dans un salon",
    "chat.reported": "Message de salon signalé",
    "chat.report_kept": "Message de salon signalé conservé",
    "chat.report_deleted": "Message de salon signalé supprimé",
    "forum.category_created": "Catégorie de forum créée",
    "forum.category_deleted": "Catégorie de forum supprimée",
    "forum.subject_locked": "Sujet de forum verrouillé",
    "forum.subject_unlocked": "Sujet de forum déverrouillé",
    "forum.subject_pinned": "Sujet de forum épinglé",
    "forum.subject_unpinned": "Sujet de forum désépinglé",
    "forum.subject_edited": "Sujet de forum modifié par un modérateur",
    "forum.subject_deleted": "Sujet de forum supprimé",
    "forum.message_edited": "Message de forum modifié par un modérateur",
    "forum.message_deleted": "Message de forum supprimé",
    "forum.reported": "Message de forum signalé",
    "forum.report_dismissed": "Signalement de forum classé sans suite",
    "forum.report_removed": "Message de forum signalé retiré",
    "publication.submitted": "Publication soumise à validation",
    "publication.withdrawn": "Publication soumise reprise par son auteur",
    "publication.published": "Publication publiée",
    "publication.correction_asked": "Correction demandée à l'auteur d'une publication",
    "publication.refused": "Publication refusée",
    "publication.unpublished": "Publication retirée",
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
    "news.banner_set": "Bandeau d'alerte affiché",
    "news.banner_ended": "Bandeau d'alerte arrêté avant sa fin",
    "site.created": "Site de l'école créé",
    "site.published": "Site de l'école publié",
    "site.unpublished": "Site de l'école retiré",
    "site.colours_changed": "Couleurs du site de l'école modifiées",
    "site.logo_changed": "Logo du site de l'école modifié",
    "site.audit_recorded": "Audit d'accessibilité du site de l'école enregistré",
    "site.page_created": "Page du site de l'école créée",
    "site.page_changed": "Page du site de l'école modifiée",
    "site.page_moved": "Page du site de l'école déplacée",
    "site.page_deleted": "Page du site de l'école supprimée",
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

# The French name of every key the services record in an event's details (a test walks the
# code for the keys it records, so a new one cannot show up in the journal in English).
DETAIL_LABELS: dict[str, str] = {
    "accounts": "comptes",
    "adresse": "adresse",
    "attempts_removed": "essais effacés",
    "audience": "pour",
    "background": "couleur du fond",
    "on": "le",
    "rate": "taux de conformité (%)",
    "before": "avant",
    "cards": "cartes",
    "changes": "modifications",
    "class_links_created": "classes attribuées",
    "classes": "classes",
    "classes_added": "classes ajoutées",
    "classes_created": "classes créées",
    "classes_removed": "classes retirées",
    "classroom": "classe",
    "classroom_id": "classe n°",
    "codes_issued": "codes donnés",
    "commune": "commune",
    "communes": "communes",
    "created": "créés",
    "credit_note": "avoir",
    "date": "date",
    "deployed_classes": "classes déployées",
    "deployed_schools": "écoles déployées",
    "deployment_status": "déploiement",
    "dry_run": "simulation",
    "duration_months": "durée (mois)",
    "edited": "modifié",
    "effective_end_date": "fin effective",
    "enrolments": "inscriptions",
    "evening_start": "début du soir",
    "failures": "échecs",
    "field": "champ",
    "files": "fichiers",
    "for_child": "pour un enfant",
    "format": "format",
    "from": "de",
    "guardians": "responsables",
    "guardianships": "liens de responsabilité",
    "holder": "titulaire",
    "hosting_price_line": "tarif d'hébergement",
    "imputation": "imputation",
    "invoice": "facture",
    "invoices": "factures",
    "issued_on": "émise le",
    "kind": "type",
    "label": "désignation",
    "leavers_need_confirmation": "départs à confirmer",
    "leaving": "partants",
    "letter_date": "lettre du",
    "liaison_note_id": "mot n°",
    "limits": "limites d'envoi",
    "lines": "lignes",
    "memberships_created": "affectations créées",
    "message_id": "message n°",
    "method": "avec",
    "moderated": "validés par l'enseignant",
    "morning_end": "fin du matin",
    "moved": "changés de classe",
    "new_value": "nouvelle valeur",
    "note": "avec une note",
    "notified_on": "notifié le",
    "old_value": "ancienne valeur",
    "parents": "parents",
    "parents_deactivated": "parents désactivés",
    "profile": "profil",
    "pupils": "élèves",
    "pupils_suspended": "messagerie des élèves suspendue",
    "qr_tokens_issued": "QR codes donnés",
    "reason": "motif",
    "refused": "refusées",
    "reissue": "nouveaux codes",
    "report_id": "signalement n°",
    "restricted": "messagerie restreinte",
    "retention_days": "conservation (jours)",
    "retention_years": "conservation (années)",
    "rows": "lignes",
    "school": "école",
    "school_id": "école n°",
    "schools": "écoles",
    "schools_added": "écoles ajoutées",
    "schools_removed": "écoles retirées",
    "seconds": "durée (s)",
    "shared_cost": "coût partagé",
    "siret": "SIRET",
    "snapshot": "relevé",
    "stage": "étape",
    "state": "état",
    "status": "statut",
    "teachers": "enseignants",
    "text": "couleur du texte",
    "to": "vers",
    "token": "QR code",
    "total_ttc": "total TTC",
    "uai": "UAI",
    "unchanged": "inchangés",
    "unit": "unité",
    "unit_price_ht": "prix unitaire HT",
    "updated": "mis à jour",
    "until": "jusqu'au",
    "user_id": "compte n°",
    "valid_from": "applicable dès",
    "vat_rate": "TVA (%)",
    "year": "année",
    "year_created": "année créée",
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _value_text(key: str, value: Any) -> str:
    if key == "stage":
        return _STAGES.get(str(value), str(value))
    if key == "method":
        return _METHODS.get(str(value), str(value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return "(" + details_text(value) + ")"
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(key, item) for item in value) or "—"
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date_courte(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def details_text(details: dict[str, Any]) -> str:
    """The details of an event as a person reads them: French names, dates and yes/no."""
    if not isinstance(details, dict):
        return str(details)
    parts = [
        f"{DETAIL_LABELS.get(key, key.replace('_', ' '))} : {_value_text(key, value)}"
        for key, value in details.items()
    ]
    return ", ".join(parts)
