from django.apps import AppConfig


class ClassesConfig(AppConfig):
    """The teacher's class pages: pupils, their accounts, login cards. No models of its own."""

    name = "apps.classes"
    label = "classes"
    verbose_name = "Classes"
