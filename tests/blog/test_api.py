"""``/api/v1/blogs/``: the moderation matrix of ``test_moderation_matrix`` through the API.

In each state of the circuit, a pupil's (p2) post on A1's blog is seen (list and detail) by
exactly the people its pages show it to, and only they act on it (edit, delete, submit,
comment, a moderator's decision); a refused act changes nothing. The list costs the same
number of queries with 5 posts or 500; bad input is one French 400 and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.attachments.services import attachments_change, photo_tags_set
from apps.blog.models import BlogPost, Comment
from apps.blog.services import post_create
from apps.publications import moderation
from apps.publications.models import Publication, State
from tests.attachments import files
from tests.blog.helpers import STATES, class_blog, comment_in, post_in
from tests.blog.test_query_counts import _posts
from tests.helpers import assert_num_queries
from tests.world import World

PEOPLE = {
    "author": "p2",
    "classmate": "p1",
    "classmate_parent": "par1",
    "teacher": "t1",
    "other_teacher": "t2",
    "director": "dA",
}
READERS = set(PEOPLE)
IN_CIRCUIT = {"author", "teacher"}
ALL = [*PEOPLE, "other_commune", "anonymous"]
API = "/api/v1/blogs"


@pytest.fixture
def api_clients(bordeaux: World, pessac: World, as_user, tenant_client) -> dict[str, Client]:
    made = {who: as_user(bordeaux, name) for who, name in PEOPLE.items()}
    made["other_commune"] = as_user(pessac, "pt")
    made["anonymous"] = tenant_client("bordeaux")
    return made


def expected(who: str, state: str) -> int:
    if who == "anonymous":
        return 403  # no credentials: DRF answers 403 when session authentication comes first
    allowed = READERS if state == State.PUBLISHED else IN_CIRCUIT
    return 200 if who in allowed else 404


def refused_code(who: str) -> int:
    return 403 if who == "anonymous" else 404


def snapshot(post_id: int) -> tuple:
    """Every row the acts below could change."""
    with schema_context("bordeaux"):
        post = BlogPost.objects.filter(pk=post_id).first()
        return (
            post and (post.title, post.body, post.public),
            sorted(Publication.objects.values_list("pk", "state", "note", "submitted_at")),
            sorted(Comment.objects.values_list("pk", "body", "parent_id")),
        )


def _json(client: Client, method: str, path: str, data: dict | None = None):
    call = getattr(client, method)
    return call(path, data or {}, content_type="application/json")


@pytest.mark.parametrize("state", STATES)
def test_who_sees_a_pupils_post_in_each_state(bordeaux: World, api_clients, state):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, state)
        blog_id = post.blog_id
    for who in ALL:
        detail = api_clients[who].get(f"{API}/posts/{post.pk}/")
        assert detail.status_code == expected(who, state), (who, state)
        listing = api_clients[who].get(f"{API}/{blog_id}/posts/")
        if who in PEOPLE:
            ids = [row["id"] for row in listing.json()["results"]]
            assert (post.pk in ids) == (expected(who, state) == 200), (who, state, "list")
        else:
            assert listing.status_code == refused_code(who), who
    teacher = api_clients["teacher"].get(f"{API}/posts/{post.pk}/").json()
    assert teacher["state"] == state and teacher["state_label"] == dict(State.choices)[state]
    if state == State.REFUSED:
        author = api_clients["author"].get(f"{API}/posts/{post.pk}/").json()
        assert author["note"] == "Pas de nom de famille." and author["may_submit"]
    if state == State.PUBLISHED:
        # The note is the author's and the moderator's alone.
        assert api_clients["classmate"].get(f"{API}/posts/{post.pk}/").json()["note"] == ""


@pytest.mark.parametrize("state", STATES)
def test_who_acts_on_a_pupils_post_in_each_state(bordeaux: World, api_clients, state):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, state)
        publication_id = post.publication_id
    editors = IN_CIRCUIT if state in (State.DRAFT, State.REFUSED) else {"teacher"}
    commenters = READERS if state == State.PUBLISHED else set()
    submitters = {"author"} if state in (State.DRAFT, State.REFUSED) else set()
    for who in ALL:
        client = api_clients[who]
        before = snapshot(post.pk)
        edit = _json(client, "patch", f"{API}/posts/{post.pk}/", {"title": f"Par {who}"})
        if who in editors:
            assert edit.status_code == 200 and edit.json()["title"] == f"Par {who}", (who, state)
        else:
            assert edit.status_code == refused_code(who), (who, state)
            assert snapshot(post.pk) == before, (who, state)
        before = snapshot(post.pk)
        comment = _json(client, "post", f"{API}/posts/{post.pk}/comments/", {"body": "Coucou"})
        if who in commenters:
            assert comment.status_code == 201, (who, state)
            assert len(snapshot(post.pk)[2]) == len(before[2]) + 1
        else:
            assert comment.status_code in (403, 404) and snapshot(post.pk) == before, (who, state)
        before = snapshot(post.pk)
        submit = _json(client, "post", f"{API}/posts/{post.pk}/submit/")
        if who in submitters:
            assert submit.status_code == 200 and submit.json()["state"] == State.SUBMITTED
            _json(client, "post", f"{API}/posts/{post.pk}/withdraw/")
        elif who == "author" and expected(who, state) == 200:
            # Its own post, in a state it may not send: the circuit's French sentence.
            assert submit.status_code == 400 and "n'en est plus là" in submit.json()["detail"]
            assert snapshot(post.pk) == before
        else:
            assert submit.status_code in (403, 404) and snapshot(post.pk) == before, (who, state)
        if who != "teacher":
            before = snapshot(post.pk)
            for decision in ("publish", "refuse", "unpublish", "correct"):
                refused = _json(
                    client,
                    "post",
                    f"/api/v1/moderation/{publication_id}/decision/",
                    {"decision": decision, "note": "x"},
                )
                assert refused.status_code == refused_code(who), (who, decision)
                assert snapshot(post.pk) == before, (who, decision)
            if who not in editors:
                deleted = client.delete(f"{API}/posts/{post.pk}/")
                assert deleted.status_code == refused_code(who), (who, state)
                assert snapshot(post.pk) == before, (who, state)
    # Its editors may delete it (the author only while it is theirs), with its comments.
    deleted = api_clients[sorted(editors)[0]].delete(f"{API}/posts/{post.pk}/")
    assert deleted.status_code == 204 and snapshot(post.pk)[0] is None
    with schema_context("bordeaux"):
        assert not Publication.objects.filter(pk=publication_id).exists()
        assert not Comment.objects.exists()


@pytest.mark.parametrize("state", STATES)
def test_who_sees_a_pupils_comment_in_each_state(bordeaux: World, api_clients, state):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.PUBLISHED, author="t1")
        comment = comment_in(bordeaux, post, state)
    for who in [w for w in ALL if w in PEOPLE]:
        shown = [
            c["id"] for c in api_clients[who].get(f"{API}/posts/{post.pk}/").json()["comments"]
        ]
        assert (comment.pk in shown) == (expected(who, state) == 200), (who, state)
    # A reply to it: only while it is published, for its readers.
    before = snapshot(post.pk)
    reply = _json(
        api_clients["classmate"],
        "post",
        f"{API}/posts/{post.pk}/comments/",
        {"body": "Moi aussi", "parent": comment.pk},
    )
    if state == State.PUBLISHED:
        assert reply.status_code == 201 and reply.json()["state"] == State.SUBMITTED
        shown = api_clients["teacher"].get(f"{API}/posts/{post.pk}/").json()["comments"]
        assert [r["body"] for r in shown[0]["replies"]] == ["Moi aussi"]
    else:
        assert reply.status_code == 404 and snapshot(post.pk) == before


def test_a_pupil_writes_a_draft_submits_it_and_the_teacher_publishes(bordeaux: World, api_clients):
    with schema_context("bordeaux"):
        blog = class_blog(bordeaux)
    made = _json(
        api_clients["author"],
        "post",
        f"{API}/{blog.pk}/posts/",
        {"title": "Au musée", "body": "<p>Les <script>x</script>dinosaures</p>"},
    )
    assert made.status_code == 201, made.content
    post = made.json()
    assert post["state"] == State.DRAFT and "script" not in post["body"]
    assert post["public"] is False  # not the pupil's to decide
    sent = _json(api_clients["author"], "post", f"{API}/posts/{post['id']}/submit/").json()
    assert sent["state"] == State.SUBMITTED
    with schema_context("bordeaux"):
        publication_id = BlogPost.objects.get(pk=post["id"]).publication_id
    decided = _json(
        api_clients["teacher"],
        "post",
        f"/api/v1/moderation/{publication_id}/decision/",
        {"decision": "publish"},
    )
    assert decided.status_code == 200 and decided.json()["state"] == State.PUBLISHED
    assert post["id"] in [
        p["id"] for p in api_clients["classmate"].get(f"{API}/{blog.pk}/posts/").json()["results"]
    ]


def test_the_caller_lists_their_blogs(bordeaux: World, api_clients):
    blogs = api_clients["classmate_parent"].get(f"{API}/").json()
    assert [(b["classroom"], b["may_write"], b["moderator"]) for b in blogs][-1] == (
        bordeaux.classes["A1"].pk,
        False,
        False,
    )
    teacher = {b["classroom"]: b for b in api_clients["teacher"].get(f"{API}/").json()}
    assert teacher[bordeaux.classes["A1"].pk]["moderator"] is True
    assert api_clients["other_commune"].get(f"{API}/").json() == [] or all(
        b["school"]["id"] != bordeaux.schools["A"].pk
        for b in api_clients["other_commune"].get(f"{API}/").json()
    )
    assert api_clients["anonymous"].get(f"{API}/").status_code == 403


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"title": "", "body": "<p>x</p>"}, "title", "Ce champ ne peut être vide."),
        ({"title": "   ", "body": "<p>x</p>"}, "title", "Ce champ ne peut être vide."),
        ({"title": "Titre", "body": "<script></script>"}, "detail", "Écrivez le texte"),
        ({"title": "x" * 161, "body": "<p>x</p>"}, "title", "160"),
        ({"body": "<p>x</p>"}, "title", "Ce champ est obligatoire."),
        ({"title": "Titre\x00", "body": "<p>x</p>"}, "title", "caractère nul"),
        ({"title": "Titre", "body": "<p>x</p>", "public": "peut-être"}, "public", "booléen"),
    ],
)
def test_bad_input_is_one_french_400_and_changes_nothing(
    bordeaux: World, api_clients, payload, field, message
):
    with schema_context("bordeaux"):
        blog = class_blog(bordeaux)
        post = post_in(bordeaux, State.DRAFT, author="t1")
    before = snapshot(post.pk)
    for path, method in ((f"{API}/{blog.pk}/posts/", "post"), (f"{API}/posts/{post.pk}/", "patch")):
        if method == "patch" and field == "title" and "title" not in payload:
            continue  # a change keeps what it does not name
        answer = _json(api_clients["teacher"], method, path, payload)
        assert answer.status_code == 400, (path, answer.content)
        assert message in str(answer.json()[field]), answer.json()
        assert snapshot(post.pk) == before


def test_an_empty_comment_and_an_unknown_parent_change_nothing(bordeaux: World, api_clients):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.PUBLISHED, author="t1")
    before = snapshot(post.pk)
    path = f"{API}/posts/{post.pk}/comments/"
    empty = _json(api_clients["classmate"], "post", path, {"body": "  "})
    assert empty.status_code == 400 and "vide" in str(empty.json()["body"])
    assert (
        _json(api_clients["classmate"], "post", path, {"body": "x", "parent": 99999}).status_code
        == 404
    )
    too_long = _json(api_clients["classmate"], "post", path, {"body": "x" * 2001})
    assert too_long.status_code == 400 and "2000" in str(too_long.json()["body"])
    assert snapshot(post.pk) == before


def test_a_public_post_with_a_pupil_without_consent_is_a_french_400(bordeaux: World, api_clients):
    with schema_context("bordeaux"):
        User.objects.filter(pk=bordeaux["p2"].pk).update(photo_consent=False)
        teacher = bordeaux["t1"]
        post = post_create(
            actor=actor_for(teacher),
            blog=class_blog(bordeaux),
            title="Au jardin",
            body="<p>Les tomates</p>",
            public=True,
        )
        [photo] = attachments_change(
            user=teacher,
            publication=post.publication,
            add=[files.upload("jardin.png", files.png())],
        )
        photo_tags_set(user=teacher, attachment=photo, pupil_ids=[bordeaux["p2"].pk])
    before = snapshot(post.pk)
    refused = _json(api_clients["teacher"], "post", f"{API}/posts/{post.pk}/submit/")
    assert refused.status_code == 400
    assert "Pia Deux" in refused.json()["detail"]
    assert "autorisation photo" in refused.json()["detail"]
    assert snapshot(post.pk) == before
    detail = api_clients["teacher"].get(f"{API}/posts/{post.pk}/").json()
    assert [a["name"] for a in detail["attachments"]] == ["jardin.png"]


# The session, the user, the Actor (5: year, memberships, guardianships, classes taught,
# enrolments), the blog, the posts' count and their page (with their
# publication and their published comments' count). Adjust once, with the reason.
POST_LIST_QUERIES = 10


@pytest.mark.parametrize("count", [5, 500])
@pytest.mark.parametrize("who", ["p1", "t1"])
def test_the_posts_list_costs_the_same_whatever_its_number_of_posts(bordeaux, as_user, count, who):
    blog_id = _posts(bordeaux, count)
    client = as_user(bordeaux, who)
    client.get(f"{API}/{blog_id}/posts/")
    with assert_num_queries(POST_LIST_QUERIES):
        answer = client.get(f"{API}/{blog_id}/posts/")
    assert answer.json()["count"] == count and len(answer.json()["results"]) == min(count, 10)


def _teacher_may(decision: str, state: str) -> bool:
    """What the circuit lets A1's teacher decide on p2's writing: the decision's states,
    never someone else's draft (a correction asked is the author's again)."""
    return moderation.decision_allowed(decision, state) and state != State.DRAFT


@pytest.mark.parametrize("what", ["post", "comment"])
@pytest.mark.parametrize("state", STATES)
def test_the_teachers_decisions_in_each_state(bordeaux: World, api_clients, what, state):
    """Each decision on a fresh item: done when the circuit allows it, else a French 400 and
    no row changes; nobody else may decide (404, or 403 without an account)."""
    for decision in sorted(moderation.DECISIONS):
        with schema_context("bordeaux"):
            post = post_in(bordeaux, state if what == "post" else State.PUBLISHED, author="p2")
            publication_id = (
                post.publication_id
                if what == "post"
                else comment_in(bordeaux, post, state).publication_id
            )
        path = f"/api/v1/moderation/{publication_id}/decision/"
        body = {"decision": decision, "note": "Merci de revoir."}
        before = snapshot(post.pk)
        for who in ALL:
            if who != "teacher":
                refused = _json(api_clients[who], "post", path, body)
                assert refused.status_code == refused_code(who), (who, decision, state)
        assert snapshot(post.pk) == before
        answer = _json(api_clients["teacher"], "post", path, body)
        if _teacher_may(decision, state):
            assert answer.status_code == 200, (decision, state, answer.content)
            assert answer.json()["state"] == moderation.DECISIONS[decision][1]
        else:
            assert answer.status_code == 400, (decision, state)
            assert answer.json()["detail"] in (moderation.NOT_NOW, moderation.NOT_YOURS)
            assert snapshot(post.pk) == before


def test_a_public_post_changed_with_a_photo_now_refused_says_why_it_is_no_longer_public(
    bordeaux: World, api_clients
):
    with schema_context("bordeaux"):
        User.objects.filter(pk=bordeaux["p2"].pk).update(photo_consent=True)
        teacher = bordeaux["t1"]
        post = post_create(
            actor=actor_for(teacher),
            blog=class_blog(bordeaux),
            title="Au jardin",
            body="<p>Les tomates</p>",
            public=True,
        )
        [photo] = attachments_change(
            user=teacher,
            publication=post.publication,
            add=[files.upload("jardin.png", files.png())],
        )
        photo_tags_set(user=teacher, attachment=photo, pupil_ids=[bordeaux["p2"].pk])
    published = _json(api_clients["teacher"], "post", f"{API}/posts/{post.pk}/submit/")
    assert published.json()["state"] == State.PUBLISHED and published.json()["public"]
    with schema_context("bordeaux"):
        # Changed in the database only (no ONDE import's signal): the next change sees it.
        User.objects.filter(pk=bordeaux["p2"].pk).update(photo_consent=False)
    changed = _json(
        api_clients["teacher"], "patch", f"{API}/posts/{post.pk}/", {"title": "Potager"}
    )
    assert changed.status_code == 200
    assert changed.json()["public"] is False and changed.json()["title"] == "Potager"
    assert changed.json()["warning"].startswith("L'article n'est plus public : ")
    assert "Pia Deux" in changed.json()["warning"]
