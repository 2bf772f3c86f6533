from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """What is new for each person (in-app feed, optional daily e-mail digest)."""

    name = "apps.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from apps.notifications.topics import register_topics

        register_topics()
