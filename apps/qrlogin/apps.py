from django.apps import AppConfig


class QrLoginConfig(AppConfig):
    """QR code login for maternelle pupils, who cannot type a login and a password yet."""

    name = "apps.qrlogin"
    label = "qrlogin"
    verbose_name = "Connexion par QR code"
    default_auto_field = "django.db.models.BigAutoField"
