"""New work in the cahier de textes reaches the class's pupils and families, and no one else."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.accounts.selectors import actor_for
from apps.french.formatting import jour_mois
from apps.homework.models import HomeworkEntry
from apps.homework.notifications import HOMEWORK, HOMEWORK_CHANGE
from apps.homework.services import (
    homework_entry_delete,
    homework_entry_update,
    homework_occurrence_cancel,
    homework_occurrence_restore,
    homework_occurrence_update,
)
from apps.homework.tasks import (
    deliver_homework_change,
    deliver_homework_removed,
    deliver_new_homework,
)
from apps.notifications.models import Notification, NotificationPreference
from apps.notifications.services import digests_send
from apps.outbox import queue as outbox_queue
from apps.schools.models import GuardianKind, Guardianship
from tests.homework.conftest import entry
from tests.notifications.eager import celery_eager  # noqa: F401 (fixture)
from tests.world import add_pupils

# The deliveries are Celery tasks queued after commit: here they run in the test's process.
pytestmark = pytest.mark.usefixtures("celery_eager")


def _notified(world, kind=HOMEWORK) -> set[str]:
    with schema_context(world.schema):
        ids = set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))
    return {name for name in world.people if world[name].pk in ids}


def test_published_work_notifies_the_pupils_and_parents_of_that_class_only(
    bordeaux, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry(bordeaux)  # t1, class A1 (pupils p1 and p2)

    notified = _notified(bordeaux)
    assert {"p1", "p2"} <= notified
    assert "par1" in notified
    assert not notified & {"p3", "p4", "par3", "par4", "t1", "t2", "adm"}


def test_a_draft_or_an_entry_without_work_notifies_no_one(
    bordeaux, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry(bordeaux, publish=False)
        entry(bordeaux, todo="", due_on=None)

    assert _notified(bordeaux) == set()


# --- one session changed or cancelled, a published series changed ----------------------------
# Dates are taken from the real today (Europe/Paris): nothing is said about past sessions.


def _upcoming_monday() -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())  # after today, always


def _weekly(world, *, on=None, weeks=4, **kwargs) -> HomeworkEntry:
    """A published weekly series of A1 (t1): "Réciter la poésie" due the next day."""
    on = on or _upcoming_monday()
    fields = {
        "domain": "francais",
        "on": on,
        "done": "Lecture de la poésie.",
        "todo": "Réciter la poésie.",
        "due_on": on + datetime.timedelta(days=1),
        "repeat": "weekly",
        "repeat_until": on + datetime.timedelta(weeks=weeks - 1),
    }
    with schema_context(world.schema):
        created = entry(world, **{**fields, **kwargs})
        Notification.objects.all().delete()  # the new-entry ones are tested above
    return created


def _told(world) -> dict[str, list[tuple[str, str]]]:
    """Each person's notifications about changed sessions: [(title, url)]."""
    with schema_context(world.schema):
        rows = Notification.objects.filter(kind__in=[HOMEWORK, HOMEWORK_CHANGE]).order_by("id")
        found = [(row.recipient_id, row.title, row.url) for row in rows]
    names = {user.pk: name for name, user in world.people.items()}
    told: dict[str, list[tuple[str, str]]] = {}
    for recipient_id, title, url in found:
        told.setdefault(names.get(recipient_id, str(recipient_id)), []).append((title, url))
    return told


def _titles(world) -> set[str]:
    return {title for items in _told(world).values() for title, _url in items}


def _occurrence(world, action, series, on, **fields):
    with schema_context(world.schema):
        if action == "update":
            values = {
                "domain": series.domain,
                "done": series.done,
                "due_on": on + (series.due_on - series.on),
                "todo": series.todo,
            }
            return homework_occurrence_update(
                author=actor_for(world["t1"]), entry=series, on=on, **{**values, **fields}
            )
        service = {"cancel": homework_occurrence_cancel, "restore": homework_occurrence_restore}
        return service[action](author=actor_for(world["t1"]), entry=series, on=on)


def _update_series(world, series, **fields):
    with schema_context(world.schema):
        values = {
            name: getattr(series, name)
            for name in ("domain", "on", "done", "due_on", "todo", "repeat", "repeat_until")
        }
        return homework_entry_update(
            author=actor_for(world["t1"]), entry=series, **{"publish": True, **values, **fields}
        )


def test_a_cancelled_session_tells_that_class_pupils_and_guardians_with_a_link_to_the_day(
    bordeaux, django_capture_on_commit_callbacks
):
    series = _weekly(bordeaux)
    second = series.on + datetime.timedelta(weeks=1)
    with schema_context(bordeaux.schema):
        # p2's guardians: one blocked, and the commune administrator, whom the rule keeps
        # out of the cahier de textes; par3 and p3 are of class A2.
        blocked = User.objects.create(
            username="bordeaux.blocked", profile=Profile.PARENT, blocked_at=timezone.now()
        )
        for guardian in (blocked, bordeaux["adm"]):
            Guardianship.objects.create(
                guardian=guardian, child=bordeaux["p2"], kind=GuardianKind.OTHER
            )
        class_day = reverse(
            "homework:class_day",
            kwargs={"classroom_id": bordeaux.classes["A1"].pk, "day": second.isoformat()},
        )
        p1_day = reverse(
            "homework:child_day", kwargs={"child_id": bordeaux["p1"].pk, "day": second.isoformat()}
        )

    with django_capture_on_commit_callbacks(execute=True):
        _occurrence(bordeaux, "cancel", series, second)

    title = f"CP A1 : séance du {jour_mois(second)} annulée (Français)"
    assert _told(bordeaux) == {
        "p1": [(title, class_day)],
        "p2": [(title, class_day)],
        "par1": [(title, p1_day)],
    }


def test_a_session_changed_alone_is_announced_once_in_the_pupil_and_parent_views(
    bordeaux, as_user, django_capture_on_commit_callbacks
):
    series = _weekly(bordeaux)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(bordeaux, "t1").post(
            reverse("homework:occurrence_edit", args=[series.pk, series.on.isoformat()]),
            {
                "domain": "mathematiques",
                "done": "Lecture de la poésie.",
                "due_on": (series.on + datetime.timedelta(days=3)).isoformat(),
                "todo": "Réciter la poésie.",
            },
        )
    assert response.status_code == 302

    told = _told(bordeaux)
    assert set(told) == {"p1", "p2", "par1"}
    assert told["par1"] == [
        (
            f"CP A1 : séance du {jour_mois(series.on)} modifiée (Mathématiques)",
            reverse("homework:child_day", args=[bordeaux["p1"].pk, series.on.isoformat()]),
        )
    ]
    feed = as_user(bordeaux, "par1").get(told["par1"][0][1])
    assert feed.status_code == 200


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        pytest.param([("update", {"done": "Autre lecture."})], set(), id="done-only"),
        pytest.param([("update", {"domain": "musique"})], set(), id="domain-only"),
        pytest.param([("update", {})], set(), id="same-values"),
        pytest.param([("update", {"todo": "Copier la poésie."})], {"modifiée"}, id="todo"),
        pytest.param([("update", {"due_on": 3})], {"modifiée"}, id="due-day"),
        pytest.param([("update", {"todo": "", "due_on": None})], {"modifiée"}, id="work-removed"),
        pytest.param([("cancel", {})], {"annulée"}, id="cancel"),
        pytest.param([("restore", {})], set(), id="restore-unchanged"),
        pytest.param(
            [("update", {"done": "Autre lecture."}), ("restore", {})], set(), id="restore-done-only"
        ),
        pytest.param([("update", {"todo": "Copier."}), ("restore", {})], {"modifiée"}, id="undo"),
    ],
)
def test_families_are_told_when_the_work_its_day_or_the_session_itself_changes(
    bordeaux, django_capture_on_commit_callbacks, steps, expected
):
    """Each step is one save; ``expected`` is the set of words in the titles of the last one."""
    series = _weekly(bordeaux)
    on = series.on + datetime.timedelta(weeks=1)
    for number, (action, fields) in enumerate(steps, start=1):
        if isinstance(fields.get("due_on"), int):
            fields = {**fields, "due_on": on + datetime.timedelta(days=fields["due_on"])}
        if number == len(steps):
            with schema_context(bordeaux.schema):
                Notification.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            _occurrence(bordeaux, action, series, on, **fields)

    # "CP A1 : séance du 12 novembre <word>"
    words = {title.split(" ")[7] for title in _titles(bordeaux)}
    assert words == expected


def test_cancelling_then_restoring_tells_each_once_and_cancelling_again_tells_no_one(
    bordeaux, django_capture_on_commit_callbacks
):
    series = _weekly(bordeaux)
    on = series.on + datetime.timedelta(weeks=2)
    for action in ("cancel", "cancel", "restore", "restore"):
        with django_capture_on_commit_callbacks(execute=True):
            _occurrence(bordeaux, action, series, on)

    assert [title for title, _url in _told(bordeaux)["p1"]] == [
        f"CP A1 : séance du {jour_mois(on)} annulée (Français)",
        f"CP A1 : séance du {jour_mois(on)} rétablie (Français)",
    ]


def test_changing_a_cancelled_session_restores_it_in_one_notification(
    bordeaux, django_capture_on_commit_callbacks
):
    series = _weekly(bordeaux)
    on = series.on + datetime.timedelta(weeks=1)
    _occurrence(bordeaux, "cancel", series, on)  # callbacks not run: nothing said
    with django_capture_on_commit_callbacks(execute=True):
        _occurrence(bordeaux, "update", series, on, todo="Apprendre la poésie.")

    assert _told(bordeaux)["par1"] == [
        (
            f"CP A1 : séance du {jour_mois(on)} rétablie (Français)",
            reverse("homework:child_day", args=[bordeaux["p1"].pk, on.isoformat()]),
        )
    ]


def test_nothing_is_said_about_a_draft_or_a_session_before_today(
    bordeaux, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    draft = _weekly(bordeaux, publish=False)
    running = _weekly(bordeaux, on=today - datetime.timedelta(weeks=1), weeks=3)
    yesterday = _weekly(bordeaux, on=today - datetime.timedelta(days=8), weeks=2)
    with django_capture_on_commit_callbacks(execute=True):
        _occurrence(bordeaux, "cancel", draft, draft.on)
        _occurrence(bordeaux, "update", draft, draft.on, todo="Autre chose.")
        _occurrence(bordeaux, "cancel", running, running.on)  # a week ago
        _occurrence(bordeaux, "cancel", yesterday, today - datetime.timedelta(days=1))
        _update_series(bordeaux, yesterday, todo="Tout est passé.")
    assert _told(bordeaux) == {}

    with django_capture_on_commit_callbacks(execute=True):
        _occurrence(bordeaux, "cancel", running, today)  # today still counts
    assert _titles(bordeaux) == {f"CP A1 : séance du {jour_mois(today)} annulée (Français)"}


def test_a_rolled_back_change_tells_no_one(bordeaux, django_capture_on_commit_callbacks):
    series = _weekly(bordeaux)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            _occurrence(bordeaux, "cancel", series, series.on)
            _update_series(bordeaux, series, todo="Autre travail.")
            raise RuntimeError("the rest of the save failed")
    assert callbacks == []
    assert _told(bordeaux) == {}


def test_nothing_is_delivered_before_the_commit(bordeaux, django_capture_on_commit_callbacks):
    series = _weekly(bordeaux)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _occurrence(bordeaux, "cancel", series, series.on)
    assert _told(bordeaux) == {}
    assert len(callbacks) == 1

    callbacks[0]()
    assert set(_told(bordeaux)) == {"p1", "p2", "par1"}


def test_a_published_series_change_tells_each_person_once_from_the_first_changed_session(
    bordeaux, django_capture_on_commit_callbacks
):
    series = _weekly(bordeaux, weeks=4)
    # The first session has its own work: changing the series does not reach it.
    _occurrence(bordeaux, "update", series, series.on, todo="Sa propre poésie.")
    with schema_context(bordeaux.schema):
        Notification.objects.all().delete()
    second = series.on + datetime.timedelta(weeks=1)
    with django_capture_on_commit_callbacks(execute=True):
        _update_series(bordeaux, series, todo="Réciter la fable.")

    told = _told(bordeaux)
    assert set(told) == {"p1", "p2", "par1"}
    assert told["p1"] == [
        (
            f"CP A1 : séances à partir du {jour_mois(second)} modifiées (Français)",
            reverse("homework:class_day", args=[bordeaux.classes["A1"].pk, second.isoformat()]),
        )
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param({"done": "Autre lecture."}, set(), id="done-only"),
        pytest.param({"domain": "musique"}, set(), id="domain-only"),
        pytest.param(
            {"due_on": 2}, {"CP A1 : séances à partir du {0} modifiées (Français)"}, id="due"
        ),
        pytest.param(
            {"repeat_until": 2}, {"CP A1 : séance du {3} annulée (Français)"}, id="shortened"
        ),
        pytest.param(
            {"repeat_until": 4}, {"CP A1 : séance du {4} modifiée (Français)"}, id="lengthened"
        ),
        pytest.param({"publish": False}, set(), id="back-to-draft"),
    ],
)
def test_a_published_series_change_is_told_when_families_see_it(
    bordeaux, django_capture_on_commit_callbacks, fields, expected
):
    series = _weekly(bordeaux, weeks=4)
    week = [series.on + datetime.timedelta(weeks=n) for n in range(5)]
    if "due_on" in fields:
        fields = {**fields, "due_on": series.on + datetime.timedelta(days=fields["due_on"])}
    if "repeat_until" in fields:
        fields = {**fields, "repeat_until": week[fields["repeat_until"]]}
    with django_capture_on_commit_callbacks(execute=True):
        _update_series(bordeaux, series, **fields)

    days = [jour_mois(day) for day in week]
    assert _titles(bordeaux) == {title.format(*days) for title in expected}


def test_a_change_has_its_own_kind_in_the_feed(
    bordeaux, as_user, django_capture_on_commit_callbacks
):
    series = _weekly(bordeaux)
    with django_capture_on_commit_callbacks(execute=True):
        _update_series(bordeaux, series, todo="Autre chose.")

    with schema_context(bordeaux.schema):
        kinds = set(Notification.objects.values_list("kind", flat=True))
    # The feed prints the kind: a changed session must not read "Nouveau travail à faire".
    assert kinds == {HOMEWORK_CHANGE}
    page = as_user(bordeaux, "par1").get("/notifications/").content.decode()
    assert "Séance modifiée dans le cahier de textes" in page


def test_publishing_a_draft_series_tells_of_new_work_only(
    bordeaux, django_capture_on_commit_callbacks
):
    draft = _weekly(bordeaux, publish=False)
    with django_capture_on_commit_callbacks(execute=True):
        _update_series(bordeaux, draft, todo="Réciter la fable.")

    assert _titles(bordeaux) == {
        f"CP A1 : travail pour le {jour_mois(draft.on + datetime.timedelta(days=1))}"
    }
    assert len(_told(bordeaux)["p1"]) == 1


def test_a_single_entry_moved_to_another_day_is_told_once(
    bordeaux, django_capture_on_commit_callbacks
):
    monday = _upcoming_monday()
    single = _weekly(bordeaux, repeat="", repeat_until=None)
    with django_capture_on_commit_callbacks(execute=True):
        _update_series(bordeaux, single, due_on=monday + datetime.timedelta(days=2))

    assert _told(bordeaux)["par1"] == [
        (
            f"CP A1 : séance du {jour_mois(monday)} modifiée (Français)",
            reverse("homework:child_day", args=[bordeaux["p1"].pk, monday.isoformat()]),
        )
    ]


def test_the_digest_carries_changed_sessions_to_opted_in_parents_never_to_pupils(
    bordeaux, mailoutbox, django_capture_on_commit_callbacks
):
    series = _weekly(bordeaux)
    with schema_context(bordeaux.schema):
        for name in ("p1", "par1"):
            User.objects.filter(pk=bordeaux[name].pk).update(email=f"{name}@example.org")
            # A pupil's row can only be planted: the preference service refuses it.
            NotificationPreference.objects.create(user=bordeaux[name], email_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        _occurrence(bordeaux, "cancel", series, series.on)

    with schema_context(bordeaux.schema):
        result = digests_send()
        pupil_unsent = Notification.objects.filter(
            recipient=bordeaux["p1"], emailed_at__isnull=True
        ).count()

    assert result.sent == 1
    assert [message.to for message in mailoutbox] == [["par1@example.org"]]
    assert f"CP A1 : séance du {jour_mois(series.on)} annulée (Français)" in mailoutbox[0].body
    assert pupil_unsent == 1


def test_deleting_a_published_series_tells_its_sessions_to_come_are_cancelled(
    bordeaux, django_capture_on_commit_callbacks
):
    series = _weekly(bordeaux)
    with django_capture_on_commit_callbacks(execute=True), schema_context(bordeaux.schema):
        homework_entry_delete(author=actor_for(bordeaux["t1"]), entry=series)

    told = _told(bordeaux)
    assert told["par1"] == [
        (
            f"CP A1 : séances à partir du {jour_mois(series.on)} annulées (Français)",
            reverse("homework:child_day", args=[bordeaux["p1"].pk, series.on.isoformat()]),
        )
    ]
    assert {"p1", "p2", "par1"} <= told.keys()
    assert not told.keys() & {"p3", "p4", "par3", "par4"}


@pytest.mark.parametrize("case", ["draft", "past", "rolled-back"])
def test_deleting_tells_no_one_for_a_draft_a_past_entry_or_a_rollback(
    bordeaux, django_capture_on_commit_callbacks, case
):
    past = timezone.localdate() - datetime.timedelta(days=30)
    series = _weekly(
        bordeaux,
        **(
            {"on": past, "due_on": past, "repeat": "", "repeat_until": None}
            if case == "past"
            else {}
        ),
        **({"publish": False} if case == "draft" else {}),
    )
    with django_capture_on_commit_callbacks(execute=True), schema_context(bordeaux.schema):
        if case == "rolled-back":
            with pytest.raises(RuntimeError), transaction.atomic():
                homework_entry_delete(author=actor_for(bordeaux["t1"]), entry=series)
                raise RuntimeError("the request failed after the delete")
        else:
            homework_entry_delete(author=actor_for(bordeaux["t1"]), entry=series)

    assert _told(bordeaux) == {}


# --- the delivery runs in a Celery task, out of the teacher's request -----------------------

# The teacher's "nouvelle séance" POST, whatever the size of the class: telling the families is
# the task's work now. Before the task, the request itself told the class after commit:
# 43 queries for the small class, 218 with 25 more pupils (7 per family). 26 while the homework
# service read the teacher's relations again (the Actor is now the caller's, read once), and
# before the entry had its publication (one INSERT more, two savepoints fewer): 20.
NEW_ENTRY_POST_QUERIES = 20


@pytest.fixture
def queued_task_calls(monkeypatch) -> list[tuple[str, tuple, dict]]:
    """The tasks queued after commit, recorded and not run (no broker, no eager run)."""
    calls: list[tuple[str, tuple, dict]] = []
    monkeypatch.setattr(
        outbox_queue,
        "queue_task",
        lambda task, *args, **kwargs: calls.append((task.name, args, kwargs)) or True,
    )
    return calls


@pytest.mark.parametrize("more_pupils", [0, 25])
def test_the_teachers_post_queues_the_delivery_and_tells_no_one_itself(
    bordeaux,
    as_user,
    queued_task_calls,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
    more_pupils,
):
    add_pupils(bordeaux, more_pupils)
    client = as_user(bordeaux, "t1")
    url = reverse("homework:new", args=[bordeaux.classes["A1"].pk])
    data = {
        "domain": "francais",
        "on": "2026-10-05",
        "done": "Le son [ou].",
        "due_on": "2026-10-08",
        "todo": "Lire p. 12",
        "repeat": "",
        "publish": "on",
    }

    with (
        django_assert_num_queries(NEW_ENTRY_POST_QUERIES),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url, data)

    assert response.status_code == 302
    with schema_context(bordeaux.schema):
        created = HomeworkEntry.objects.get()
        assert not Notification.objects.exists()
    assert queued_task_calls == [("homework.notify_new_homework", (created.pk,), {})]

    with schema_context(bordeaux.schema):
        deliver_new_homework(*queued_task_calls[0][1])
    assert {"p1", "p2", "par1"} <= _notified(bordeaux)


def test_the_new_work_delivery_run_twice_tells_each_person_once(bordeaux, queued_task_calls):
    created = entry(bordeaux)
    with schema_context(bordeaux.schema):
        first = deliver_new_homework(created.pk)
        again = deliver_new_homework(created.pk)
        rows = list(Notification.objects.values_list("recipient_id", "kind"))

    assert first == len(rows) >= 3 and again == 0
    assert len(set(rows)) == len(rows)


def test_an_entry_published_again_after_a_draft_tells_the_class_again(bordeaux, queued_task_calls):
    created = entry(bordeaux)
    with schema_context(bordeaux.schema):
        first = deliver_new_homework(created.pk)
        HomeworkEntry.objects.filter(pk=created.pk).update(published_at=timezone.now())
        second = deliver_new_homework(created.pk)

    assert first == second > 0


def test_a_change_delivery_run_twice_tells_once_and_two_changes_tell_twice(
    bordeaux, queued_task_calls, django_capture_on_commit_callbacks
):
    series = _weekly(bordeaux)
    second = series.on + datetime.timedelta(weeks=1)
    with django_capture_on_commit_callbacks(execute=True):
        _occurrence(bordeaux, "cancel", series, second)
        _occurrence(bordeaux, "restore", series, second)
    assert _told(bordeaux) == {}
    cancel, restore = (args for _name, args, _kwargs in queued_task_calls)
    assert cancel[-1] != restore[-1]  # each change is its own event

    with schema_context(bordeaux.schema):
        deliver_homework_change(*cancel)
        deliver_homework_change(*cancel)  # a worker died after the first run
        deliver_homework_change(*restore)

    assert _titles(bordeaux) == {
        f"CP A1 : séance du {jour_mois(second)} annulée (Français)",
        f"CP A1 : séance du {jour_mois(second)} rétablie (Français)",
    }
    assert [len(items) for items in _told(bordeaux).values()] == [2, 2, 2]


def test_a_removal_delivery_run_twice_tells_once(
    bordeaux, queued_task_calls, django_capture_on_commit_callbacks
):
    series = _weekly(bordeaux)
    with django_capture_on_commit_callbacks(execute=True), schema_context(bordeaux.schema):
        homework_entry_delete(author=actor_for(bordeaux["t1"]), entry=series)
    ((name, args, _kwargs),) = queued_task_calls
    assert name == "homework.notify_homework_removed"

    with schema_context(bordeaux.schema):
        deliver_homework_removed(*args)
        deliver_homework_removed(*args)

    assert {len(items) for items in _told(bordeaux).values()} == {1}


def test_a_delivery_outside_a_communes_schema_does_nothing(bordeaux, queued_task_calls):
    created = entry(bordeaux)
    assert deliver_new_homework(created.pk) == 0  # the test's connection is on public
    assert _notified(bordeaux) == set()
