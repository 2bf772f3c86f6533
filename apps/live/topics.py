"""What a page may watch live: features register topics in their ``ready()``.

A topic is a name ("messaging.badge"), optionally followed by an argument after a colon
("liaison.confirmations:42"). Its ``render`` gives the HTML fragment that a page shows for it —
rendered by the page's own template when the page is built, and again by the consumer, in the
commune's schema, when the topic changes — or None when the person may not watch it (the
argument names something they may not see). One template, so a reload and a live update always
show the same thing; and a page without JavaScript is still right at each reload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from apps.accounts.models import User

MAX_WATCHED = 20


@dataclass(frozen=True)
class Topic:
    name: str
    render: Callable[[User, str], str | None]


_TOPICS: dict[str, Topic] = {}


def register(topic: Topic) -> Topic:
    if ":" in topic.name:
        raise ValueError("a topic's name has no colon: its argument follows one")
    _TOPICS[topic.name] = topic
    return topic


def split(watched: str) -> tuple[Topic, str] | None:
    """The topic a watched name refers to, and its argument; None for an unknown one."""
    name, _colon, argument = watched.partition(":")
    topic = _TOPICS.get(name)
    if topic is None or len(watched) > 100:
        return None
    return topic, argument


def render(user: User, watched: str) -> str | None:
    found = split(watched)
    if found is None:
        return None
    topic, argument = found
    return topic.render(user, argument)
