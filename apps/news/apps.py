from django.apps import AppConfig


class NewsConfig(AppConfig):
    """The *actualités*: news of a school (its direction, or its teachers through the
    moderation circuit) or of the commune (its administrator), for an audience (families,
    pupils, staff, everyone), from a publication date to an expiry date, some « à la une »
    and some shown on the school's public site; and the *bandeau d'alerte*, an emergency
    banner on every page of those concerned until it expires or is ended."""

    name = "apps.news"
    label = "news"
    verbose_name = "Actualités"

    def ready(self) -> None:
        # What it publishes, who hears of it, its rich text and its public items, for the
        # shared services that name no feature.
        from apps.news import notifications, public, publications, richtext, signals  # noqa: F401

        publications.register_kinds()
        notifications.register_kinds()
        richtext.register_fields()
        public.register_source()
