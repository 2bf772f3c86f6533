"""Audiences: who a thing is for — a class, chosen pupils of a class, a school, a person, a
group of a school's staff — as a value (``Audience``), resolved to pupils, guardians and staff
in one query each (``apps.audiences.selectors``), with the pure rule of who may see what is
addressed to it (``apps.audiences.permissions.may_see``). No tables, no feature: the cahier de
liaison, the cahier de textes and the services to come describe their recipients with it.
"""

from apps.audiences.audience import Audience, Scope

__all__ = ["Audience", "Scope"]
