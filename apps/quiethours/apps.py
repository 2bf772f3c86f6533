from django.apps import AppConfig


class QuietHoursConfig(AppConfig):
    """Quiet hours (*heures calmes*): when notifications are held, per commune and per school,
    and the one function that says when something sent at a moment is delivered
    (``apps.quiethours.schedule.delivery_time``). ``apps.notifications`` goes through it."""

    name = "apps.quiethours"
    label = "quiethours"
    verbose_name = "Heures calmes"
