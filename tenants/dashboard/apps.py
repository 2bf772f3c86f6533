from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "tenants.dashboard"
    label = "dashboard"
    verbose_name = "Tableau de bord du groupement"
    default_auto_field = "django.db.models.BigAutoField"
