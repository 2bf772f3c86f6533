"""``{% load attachments %}``: ``{{ attachment.size|taille }}`` → ``1,5 Mo``."""

from __future__ import annotations

from django import template

from apps.attachments.services import size_text

register = template.Library()


@register.filter
def taille(size: int) -> str:
    return size_text(int(size))
