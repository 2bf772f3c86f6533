"""``{% load attachments %}``: ``{{ attachment.size|taille }}`` → ``1,5 Mo``; and photos in
pages, at the size the page shows them (``apps.attachments.renditions``):

    {% for attachment in attachments|photos %}
      {% photo attachment alt="…" sizes="(max-width: 40rem) 100vw, 40rem" %}
    {% endfor %}

``photos`` keeps the images of a list of attachments and reads their renditions in one query
for them all (``selectors.with_renditions``); ``photo`` prints the ``<img>``, with a
``srcset`` of the renditions and the original, its size (nothing moves as it loads) and
``loading="lazy"``. A photo stored before renditions existed has neither: its original."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from apps.attachments.models import Attachment
from apps.attachments.renditions import WIDTH_PARAMETER
from apps.attachments.selectors import with_renditions
from apps.attachments.services import size_text

register = template.Library()


@register.filter
def taille(size: int) -> str:
    return size_text(int(size))


@register.filter
def photos(attachments: Iterable[Attachment]) -> list[Attachment]:
    return with_renditions(a for a in attachments if a.content_type.startswith("image/"))


@register.simple_tag
def photo(attachment: Attachment, *, alt: str, sizes: str = "100vw") -> SafeString:
    original = reverse("attachments:download", args=[attachment.pk])
    renditions = sorted(attachment.renditions.all(), key=lambda r: r.width)
    if not renditions or not attachment.width or not attachment.height:
        return format_html('<img class="photo" src="{}" alt="{}" loading="lazy">', original, alt)
    candidates = [(f"{original}?{WIDTH_PARAMETER}={r.width}", r.width) for r in renditions] + [
        (original, attachment.width)
    ]
    srcset = ", ".join(f"{url} {width}w" for url, width in candidates)
    # The source for a browser without srcset: the largest rendition, never the original's
    # megabytes.
    return format_html(
        '<img class="photo" src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"'
        ' loading="lazy">',
        candidates[-2][0],
        srcset,
        sizes,
        attachment.width,
        attachment.height,
        alt,
    )
