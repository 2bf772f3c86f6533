from django.apps import AppConfig


class ChatConfig(AppConfig):
    """Real-time communication: class rooms that the teacher opens and watches, a staff room per
    school, over WebSockets in the right commune (``apps.live``)."""

    name = "apps.chat"
    label = "chat"
    verbose_name = "Salons"

    def ready(self) -> None:
        from apps.chat import notifications

        notifications.register_kinds()
