from django.apps import AppConfig


class BlogConfig(AppConfig):
    """The class and school blogs: posts of a class's teachers and pupils (the school's for
    its direction and teachers), comments of their readers, all through the one moderation
    circuit (``apps.publications.moderation``). Not the school's public site (``apps.site``),
    which shows only the posts a teacher made public."""

    name = "apps.blog"
    label = "blog"
    verbose_name = "Blogs"

    def ready(self) -> None:
        # What it publishes and who hears of it, for the shared services that name no feature.
        from apps.blog import notifications, public, publications, richtext, signals  # noqa: F401

        public.register_source()
        publications.register_kinds()
        notifications.register_kinds()
        richtext.register_fields()
