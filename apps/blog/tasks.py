"""The blogs' notifications that reach many people: a post published tells the pupils and
families of its class, or of its whole school (hundreds of accounts), so it is delivered by a
task queued after the decision commits (``apps.blog.publications.post_decided``) rather than
in the moderator's request. The task takes the publication's id, runs in the commune's
schema the message records, and tells each person once however often it runs (the
notification's ``event``)."""

from __future__ import annotations

from apps.blog import notifications
from apps.blog.models import BlogPost
from apps.publications.models import State
from tenants.tasks import commune_task


@commune_task("blog.notify_post_published", skipped=0)
def deliver_post_published(publication_id: int) -> int:
    """How many were told; none if the post is gone or no longer published meanwhile."""
    post = BlogPost.objects.filter(
        publication_id=publication_id, publication__state=State.PUBLISHED
    ).exists()
    return len(notifications.post_published(publication_id)) if post else 0
