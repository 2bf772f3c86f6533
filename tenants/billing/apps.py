from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "tenants.billing"
    label = "billing"
    verbose_name = "Facturation du groupement"
    default_auto_field = "django.db.models.BigAutoField"
