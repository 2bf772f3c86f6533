from django.apps import AppConfig


class ForumConfig(AppConfig):
    """The class and school forums: categories of subjects, each subject a conversation of
    messages, written by a class's pupils and teachers (a school's staff and pupils), every
    pupil's writing through the one moderation circuit (``apps.publications.moderation``),
    with locks, pins and « Signaler ». Not the salons (``apps.chat``: live, by slots) nor the
    blogs (``apps.blog``: articles for the families)."""

    name = "apps.forum"
    label = "forum"
    verbose_name = "Forums"

    def ready(self) -> None:
        # What it publishes and who hears of it, for the shared services that name no feature.
        from apps.forum import notifications, publications, signals  # noqa: F401

        publications.register_kinds()
        notifications.register_kinds()
