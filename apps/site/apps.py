from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The public site of each school (``/ecole/<UAI>/``): a tree of pages its director or the
    commune's administrator edits, the school's colours and logo, and the public items other
    apps give it through ``apps.site.public``."""

    name = "apps.site"
    label = "school_site"
    verbose_name = "Site de l'école"

    def ready(self) -> None:
        from apps.site import richtext

        richtext.register_fields()
