"""Signals of the accounts: what other apps may want to hear of a person without the code that
changed them knowing those apps."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``user_ids`` (a list) once the first or last names of those people are written
# (an ONDE import, the teachers' import), inside the writer's transaction: a receiver that
# keeps a copy of a name (the messagerie's search text) writes it again.
names_changed = Signal()

# Sent with ``user_ids`` (a list) once those pupils' photo consent (ONDE's « Autorisation
# photo ») was written as « non » where it was « oui » or not recorded, inside the writer's
# transaction: the public pages that show them are taken down (``apps.attachments``).
photo_consent_withdrawn = Signal()

# Sent with ``user_id`` and ``family`` (a pupil's or a parent's account) just before an
# account is erased (``apps.privacy``), inside the erasure's transaction: a receiver that keeps
# the person's name beside what they wrote forgets it, and what a pupil or a parent wrote is
# theirs and goes with them (a teacher's stays for the class, without their name).
person_erased = Signal()
