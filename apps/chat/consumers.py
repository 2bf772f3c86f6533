"""``/ws/salons/<id>/``: one person in one room, over the connection that also carries their
page's live topics (``apps.live.consumers.PersonConsumer``).

The client sends ``resume`` (``{"type": "resume", "after": N}``), ``beat``, ``post`` (``body``),
``delete`` / ``release`` (``number``), ``mute`` (``user``) and the live ``watch``;
it receives ``state`` (what its person may do, and why not), ``post`` (a post's HTML for its
person, ``id`` its version, ``number`` its place), ``caught_up`` and ``error``.

Nothing is lost: a client says the last version it saw (``{"type": "resume", "after": N}``)
and receives every change after it that its person may see, in order, once; then each change
as the room's group hears it, put back in order when two arrive swapped. A version still
missing after ``REORDER_WINDOW`` later ones (the channel layer dropped it), and the client's
heartbeat (every 25 s), both make the consumer read the changes it has not delivered from the
database. Until the client resumes, events are left to the catch-up,
so that nothing is sent twice.
"""

from __future__ import annotations

import time
from typing import Any

from apps.accounts.permissions import Actor
from apps.accounts.security.sessions import session_user
from apps.accounts.selectors import actor_for
from apps.chat import rules, selectors, services
from apps.chat.events import room_group
from apps.chat.models import Room
from apps.chat.rendering import audience_of, post_html
from apps.live.commune import in_commune
from apps.live.consumers import CLOSE_SESSION_ENDED, PersonConsumer

CLOSE_NOT_YOURS = 4404
CLOSE_QUIET = 4423
# A write re-checks the session when the last check is older than this.
SESSION_RECHECK_SECONDS = 30.0
# A room's facts (its session, a teacher there, the mutes, quiet hours) are read once for all
# its connections in this process, again after this long, and at once whenever the room says
# it changed (a teacher arriving or leaving, a mute, an opening or a closing): a slot that
# ends, or quiet hours that begin, take effect within these seconds.
STANDING_SECONDS = 10.0
_ROOM_FACTS: dict[tuple[str, int], tuple[float, selectors.RoomFacts]] = {}
# Changes may arrive out of order (two writers' events race after their commits): up to this
# many are held to be put back in order; more, or a missing one at the next heartbeat, and the
# missing changes are read from the database.
REORDER_WINDOW = 16


def _standing_payload(standing: rules.Standing) -> dict[str, Any]:
    return {
        "type": "state",
        "open": standing.is_open,
        "may_write": standing.may_write,
        "reason": standing.reason,
        "moderator": standing.is_moderator,
    }


class RoomConsumer(PersonConsumer):
    async def connect(self) -> None:
        self.room_id = int(self.scope["url_route"]["kwargs"]["room_id"])
        self.resumed = False
        self.last_version = 0
        self.session_checked = time.monotonic()
        standing = await in_commune(self.scope["commune"], self._enter)
        if standing is None:
            await self.close(code=CLOSE_NOT_YOURS)
            return
        self.pending: dict[int, dict[str, Any]] = {}
        await super().connect()
        self.room_group = room_group(self.commune.schema_name, self.room_id)
        await self.channel_layer.group_add(self.room_group, self.channel_name)
        await self.send_json(_standing_payload(standing))
        if standing.quiet_until is not None:
            # Closed to pupils and parents: the sentence says until when; nothing more is sent.
            await self.close(code=CLOSE_QUIET)
            return
        await in_commune(self.commune, self._present)

    def _enter(self) -> rules.Standing | None:
        self.actor: Actor = actor_for(self.scope["user"])
        found = selectors.room_of(self.actor, self.room_id)
        if found is None:
            return None
        self.room: Room = found[0]
        self.role: str = found[1]
        return self._known_standing() or self._read_standing()

    @property
    def _facts_key(self) -> tuple[str, int]:
        return (self.scope["schema"], self.room_id)

    def _known_standing(self) -> rules.Standing | None:
        """From the room's facts this process read less than ``STANDING_SECONDS`` ago (and
        forgets whenever the room says it changed); None: to be read."""
        known = _ROOM_FACTS.get(self._facts_key)
        if known is None or time.time() - known[0] > STANDING_SECONDS:
            return None
        return selectors.standing_from(self.actor, self.role, known[1])

    def _read_standing(self) -> rules.Standing:
        """In the worker thread: the room's facts read now, kept for the room's connections."""
        facts = selectors.room_facts(self.room)
        _ROOM_FACTS[self._facts_key] = (time.time(), facts)
        return selectors.standing_from(self.actor, self.role, facts)

    @property
    def moderator(self) -> bool:
        return self.role == rules.MODERATOR

    def _present(self) -> None:
        services.presence_enter(
            room=self.room,
            user_id=self.actor.id,
            channel_name=self.channel_name,
            teacher=self.moderator,
        )

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "room_group"):
            await self.channel_layer.group_discard(self.room_group, self.channel_name)
            await in_commune(
                self.commune,
                services.presence_leave,
                room=self.room,
                channel_name=self.channel_name,
                teacher=self.moderator,
            )
        if hasattr(self, "person_group"):
            await super().disconnect(code)

    # --- from the client ----------------------------------------------------------------------

    async def receive_json(self, content: dict[str, Any]) -> None:
        kind = content["type"]
        if kind == "resume":
            after = content.get("after")
            await self.catch_up(after if isinstance(after, int) and after >= 0 else 0)
            self.resumed = True
        elif kind == "beat":
            await self.beat()
        elif kind in ("post", "delete", "release", "mute"):
            await self.act(kind, content)
        else:
            await super().receive_json(content)

    async def beat(self) -> None:
        """Every 25 s: still here (presence), still logged in, and nothing missed — one trip
        to a worker thread for the three."""
        if self.resumed:
            self.pending.clear()
        views, top, more, ended = await in_commune(self.commune, self._beat)
        if ended:
            await self.close(code=CLOSE_SESSION_ENDED)
            return
        if self.resumed and (views or top != self.last_version):
            await self._send_changes(views, top, more)

    def _beat(self) -> tuple[list[dict[str, Any]], int, bool, bool]:
        services.presence_beat(channel_name=self.channel_name)
        if session_user(self.session_key) is None:
            return [], self.last_version, False, True
        self.session_checked = time.monotonic()
        if not self.resumed:
            return [], self.last_version, False, False
        return (*self._changes(self.last_version, only_if_behind=True), False)

    async def act(self, kind: str, content: dict[str, Any]) -> None:
        error = await in_commune(self.commune, self._act, kind, content)
        if error == "session":
            await self.close(code=CLOSE_SESSION_ENDED)
        elif error:
            await self.send_json({"type": "error", "message": error})

    def _act(self, kind: str, content: dict[str, Any]) -> str:
        """Do what the client asked; '' when done, else the sentence to show ("session": the
        session ended)."""
        if time.monotonic() - self.session_checked > SESSION_RECHECK_SECONDS:
            if session_user(self.session_key) is None:
                return "session"
            self.session_checked = time.monotonic()
        raw = content.get("number")
        number = raw if isinstance(raw, int) else 0
        try:
            if kind == "post":
                body = content.get("body")
                services.post_write(
                    actor=self.actor,
                    room=self.room,
                    body=body if isinstance(body, str) else "",
                    # The room's facts as this process knows them, read again when stale.
                    standing=self._known_standing() or self._read_standing(),
                    author=self.scope["user"],
                )
            elif not isinstance(raw, int) and kind != "mute":
                return "Message illisible."
            elif kind == "delete":
                services.post_delete(actor=self.actor, room=self.room, number=number)
            elif kind == "release":
                services.post_release(actor=self.actor, room=self.room, number=number)
            elif kind == "mute":
                user = content.get("user")
                if not isinstance(user, int):
                    return "Message illisible."
                services.pupil_mute(actor=self.actor, room=self.room, user_id=user)
        except services.ChatError as error:
            return str(error)
        return ""

    # --- to the client ------------------------------------------------------------------------

    def _changes(self, after: int, only_if_behind: bool) -> tuple[list[dict[str, Any]], int, bool]:
        """The changes after ``after`` this person sees, and the cursor to keep: the room's
        last version read first (changes they may not see move it too), or the last change
        sent when the catch-up stopped at ``CATCH_UP_MAX``."""
        room_top = Room.objects.values_list("last_version", flat=True).get(pk=self.room_id)
        if only_if_behind and room_top <= after:
            return [], after, False
        posts = selectors.changes_after(self.room, self.actor, self.role, after)
        views = []
        for post in posts:
            audience = audience_of(moderator=self.moderator, mine=post.author_id == self.actor.id)
            html = post_html(post, audience)
            if html is not None:
                views.append(
                    {"type": "post", "id": post.version, "number": post.number, "html": html}
                )
        if len(posts) >= selectors.CATCH_UP_MAX:
            return views, posts[-1].version, True
        # Not ``after``: a client claiming more than the room has would hear nothing more.
        return views, max([room_top, *[p.version for p in posts]]), False

    async def catch_up(self, after: int, *, only_if_behind: bool = False) -> None:
        views, top, more = await in_commune(self.commune, self._changes, after, only_if_behind)
        await self._send_changes(views, top, more)

    async def _send_changes(self, views: list[dict[str, Any]], top: int, more: bool) -> None:
        """Send what ``_changes`` read, and read on while it stopped at its bound."""
        while True:
            for view in views:
                await self.send_json(view)
            self.last_version = top
            if not more:
                break
            views, top, more = await in_commune(self.commune, self._changes, top, False)
        await self.send_json({"type": "caught_up", "id": self.last_version})

    # --- from the room's group ----------------------------------------------------------------

    async def room_change(self, event: dict[str, Any]) -> None:
        if not self.resumed:
            return  # the catch-up of the resume reads it from the database
        version = event["id"]
        if version <= self.last_version or version in self.pending:
            return
        self.pending[version] = event
        while self.last_version + 1 in self.pending:
            self.last_version += 1
            await self._deliver(self.pending.pop(self.last_version))
        if len(self.pending) > REORDER_WINDOW:
            # One was dropped (the layer was over capacity): read what is missing.
            self.pending.clear()
            await self.catch_up(self.last_version)

    async def _deliver(self, event: dict[str, Any]) -> None:
        audience = audience_of(moderator=self.moderator, mine=event["author_id"] == self.actor.id)
        html = event["html"][audience]
        if html is not None:
            await self.send_json(
                {"type": "post", "id": event["id"], "number": event["number"], "html": html}
            )

    async def room_state(self, event: dict[str, Any]) -> None:
        key = self._facts_key
        known = _ROOM_FACTS.get(key)
        if known is not None and known[0] < event.get("at", float("inf")):
            # Read before the change was sent: the first of the room's connections reads again,
            # the others use what it read (wall-clock times: the event may come from another
            # process).
            del _ROOM_FACTS[key]

        def read() -> rules.Standing:
            self.actor = actor_for(self.scope["user"])
            return self._known_standing() or self._read_standing()

        standing = await in_commune(self.commune, read)
        await self.send_json(_standing_payload(standing))
