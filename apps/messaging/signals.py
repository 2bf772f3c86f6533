"""What the messagerie hears of other apps: people renamed (``apps.accounts.signals``)."""

from __future__ import annotations

from typing import Any


def on_names_changed(sender: Any, user_ids: list[int], **kwargs: Any) -> None:
    # A search by the sender's name must find their messages under the name they now bear.
    from apps.messaging.services import senders_renamed

    senders_renamed(user_ids)
