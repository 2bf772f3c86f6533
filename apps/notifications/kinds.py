"""The kinds of notification, registered by the features that send them (in their
``AppConfig.ready()``): this app names none. ``Notification.kind`` is a plain string, so a
new kind needs no migration; its label, shown in the feed, comes from here."""

from __future__ import annotations

_labels: dict[str, str] = {}

# Shown for a kind no feature registers any more (rows kept from a removed feature).
UNKNOWN_LABEL = "Notification"


def register_kind(name: str, label: str) -> str:
    """Register ``name`` (at most 32 characters, as stored) with its French label; returns
    ``name``, so a feature writes ``NOTE = register_kind("…", "…")`` if it likes."""
    if len(name) > 32:
        raise ValueError(f"a notification kind has at most 32 characters: {name!r}")
    _labels[name] = label
    return name


def label_of(name: str) -> str:
    return _labels.get(name, UNKNOWN_LABEL)


def registered() -> dict[str, str]:
    return dict(_labels)
