"""Authentication backend: Django's model backend, minus blocked accounts.

``user_can_authenticate`` is consulted both when a password is checked and when a session
is loaded (``get_user``), so a blocked account can neither log in nor keep using a session
opened before it was blocked.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class EntModelBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "blocked_at", None) is None
