"""The Django project package of ENT Groupement (lives in platform/, which is not a package)."""

from config.celery import app as celery_app

__all__ = ["celery_app"]
