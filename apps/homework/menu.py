"""The cahier de textes in the menus, and the drafts waiting on a teacher's home page."""

from django.db.models import Count, Min
from django.urls import reverse

from apps.accounts.permissions import Actor
from apps.homework.models import HomeworkEntry
from apps.navigation.registry import FAMILIES, SCHOOL_STAFF, MenuEntry, ToDo

ENTRIES = [
    MenuEntry(
        key="homework",
        label="Cahier de textes",
        url_name="homework:index",
        profiles=FAMILIES | SCHOOL_STAFF,
        order=10,
        icon="cahier",
        summary="Les séances et le travail à faire, semaine par semaine.",
        per_child="homework:child_week",
        per_class="homework:class_week",
    ),
]


def drafts_to_publish(actor: Actor) -> list[ToDo]:
    if not actor.active or not actor.taught_class_ids:
        return []
    rows = (
        HomeworkEntry.objects.filter(
            classroom_id__in=actor.taught_class_ids, published_at__isnull=True
        )
        .values("classroom_id", "classroom__name")
        .annotate(drafts=Count("pk"), first_day=Min("on"))
        .order_by("classroom__name")
    )
    return [
        ToDo(
            text=(
                f"{row['classroom__name']} : {row['drafts']} séance"
                f"{'s' if row['drafts'] > 1 else ''} en brouillon"
            ),
            # The week of the earliest draft, where the teacher can open it.
            url=reverse("homework:class_week", kwargs={"classroom_id": row["classroom_id"]})
            + f"?semaine={row['first_day'].isoformat()}",
            count=row["drafts"],
        )
        for row in rows
    ]


TODOS = [drafts_to_publish]
