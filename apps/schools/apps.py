from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "apps.schools"
    label = "schools"
    verbose_name = "Écoles et classes"
    default_auto_field = "django.db.models.BigAutoField"
