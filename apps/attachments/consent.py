"""A pupil's photo consent withdrawn (an ONDE import wrote « non »): each publication with a
photo tagging them is handed to its kind, which takes it down from its public pages and tells
its publisher (``PublicationKind.consent_withdrawn``)."""

from __future__ import annotations

from typing import Any

from apps.attachments.selectors import publications_showing
from apps.publications.registry import kind_of


def on_consent_withdrawn(sender: Any, user_ids: list[int], **kwargs: Any) -> None:
    for publication_id, kind in publications_showing(user_ids):
        kind_of(kind).consent_withdrawn(publication_id)
