from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API of a commune (``/api/v1/``): no models, only views over other apps."""

    name = "apps.api"
    label = "api"
    verbose_name = "API"
