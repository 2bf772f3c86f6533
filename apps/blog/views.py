"""Pages of the blogs: the blogs one reads, a blog's posts, a post with its comments, writing
and editing a post, the circuit's moves (submit, withdraw, a moderator's decision), a blog's
settings and a post's print view.

Every view answers 404 alike when the blog, post or comment is missing or out of reach, and
changes nothing then.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.context import Caller, active_caller, request_actor
from apps.attachments.forms import AttachmentsForm, save_with_files
from apps.attachments.services import (
    AttachmentError,
    AttachmentNotAllowed,
    photo_tags_from_form,
    photo_tags_set_all,
)
from apps.blog import rules, selectors, services
from apps.blog.forms import CommentForm, PostForm, SettingsForm
from apps.blog.models import Blog, BlogPost
from apps.numbers import whole_number
from apps.publications import moderation
from apps.publications.models import State
from apps.publications.services import ModerationError, circuit_decide

DECIDED = {
    moderation.PUBLISH: "Publié.",
    moderation.CORRECT: "Renvoyé à son auteur pour correction.",
    moderation.REFUSE: "Refusé.",
    moderation.UNPUBLISH: "Retiré du blog.",
}


def _blog_or_404(me: Caller, blog_id: int) -> Blog:
    blog = selectors.blog_for(me.actor, blog_id)
    if blog is None:
        raise Http404
    return blog


def _post_or_404(me: Caller, post_id: int) -> selectors.PostView:
    view = selectors.post_for(me.actor, post_id)
    if view is None:
        raise Http404
    return view


@never_cache
@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    me = active_caller(request)
    services.blogs_ensure(me.actor)
    blogs = selectors.blogs_read_by(me.actor)
    if me.actor.is_pupil or me.actor.is_parent:
        classes = [b for b in blogs if b.is_class_blog]
        if len(classes) == 1:
            return redirect("blog:blog", blog_id=classes[0].pk)
    # A teacher's own classes first, marked: the blogs they write on every week.
    own = set(me.actor.taught_class_ids)
    blogs = sorted(blogs, key=lambda blog: blog.classroom_id not in own)
    return render(request, "blog/index.html", {"blogs": blogs, "own_classes": own})


@never_cache
@login_required
@require_GET
def blog_page(request: HttpRequest, blog_id: int) -> HttpResponse:
    me = active_caller(request)
    blog = _blog_or_404(me, blog_id)
    page = Paginator(selectors.posts_of(me.actor, blog), selectors.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "blog/blog.html",
        {
            "blog": blog,
            "page": page,
            "may_write": rules.may_write_post(me.actor, blog.scope),
            "moderator": moderation.may_moderate(me.actor, blog.scope),
            "other_blogs": [b for b in selectors.blogs_read_by(me.actor) if b.pk != blog.pk],
            "pupil": me.actor.is_pupil,
        },
    )


def _attachments_form(
    request: HttpRequest, me: Caller, key: str, post: BlogPost | None
) -> AttachmentsForm:
    return AttachmentsForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=me.user,
        form_key=key,
        existing=post.publication.attachments.all() if post is not None else (),
    )


def _post_form_page(
    request: HttpRequest, blog: Blog, post: BlogPost | None, form: PostForm, files: AttachmentsForm
) -> HttpResponse:
    return render(
        request,
        "blog/post_form.html",
        {
            "blog": blog,
            "post": post,
            "form": form,
            "attachments_form": files,
            "may_publish": moderation.may_moderate(request_actor(request), blog.scope),
        },
    )


def _save_post(request: HttpRequest, me: Caller, blog: Blog, post: BlogPost | None) -> HttpResponse:
    may_public = rules.may_make_public(me.actor, blog.scope)
    key = f"blog:{'edit:' + str(post.pk) if post else 'new:' + str(blog.pk)}"
    initial = (
        {
            "title": post.title,
            "body": post.body,
            "public": post.public,
            "untagged_confirmed": post.untagged_confirmed,
        }
        if post
        else {}
    )
    form = PostForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        may_make_public=may_public,
    )
    files = _attachments_form(request, me, key, post)
    if request.method != "POST":
        return _post_form_page(request, blog, post, form, files)
    form_valid = form.is_valid()
    files_valid = files.keep()
    if not (form_valid and files_valid):
        return _post_form_page(request, blog, post, form, files)
    data = {
        "title": form.cleaned_data["title"],
        "body": form.cleaned_data["body"],
        "public": bool(form.cleaned_data.get("public")),
        "untagged_confirmed": bool(form.cleaned_data.get("untagged_confirmed")),
    }
    try:
        saved = save_with_files(
            me.user,
            files,
            lambda: (
                services.post_create(actor=me.actor, blog=blog, **data)
                if post is None
                else services.post_update(actor=me.actor, post=post, **data)
            ),
            created=post is None,
        )
    except services.BlogNotAllowed as error:
        raise Http404 from error
    except services.BlogError as error:
        form.add_error(None, str(error))
        return _post_form_page(request, blog, post, form, files)
    if saved is None:
        return _post_form_page(request, blog, post, form, files)
    refusal = services.post_recheck_public(saved)
    if refusal:
        messages.warning(request, f"L'article n'est plus public : {refusal}")
    if request.POST.get("action") == "submit":
        _submit(request, me, saved)
    else:
        messages.success(request, "Article enregistré.")
    return redirect("blog:post", post_id=saved.pk)


def _submit(request: HttpRequest, me: Caller, post: BlogPost) -> None:
    try:
        publication = services.post_submit(actor=me.actor, post=post)
    except ModerationError as error:
        messages.error(request, str(error))
        return
    except services.BlogError as error:
        raise Http404 from error
    if publication.state == State.PUBLISHED:
        messages.success(request, "Article publié.")
    else:
        messages.success(
            request, "Article envoyé à l'enseignant : il sera visible une fois validé."
        )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def post_new(request: HttpRequest, blog_id: int) -> HttpResponse:
    me = active_caller(request)
    blog = _blog_or_404(me, blog_id)
    if not rules.may_write_post(me.actor, blog.scope):
        raise Http404
    return _save_post(request, me, blog, None)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    me = active_caller(request)
    view = _post_or_404(me, post_id)
    if not view.may_edit:
        raise Http404
    return _save_post(request, me, view.post.blog, view.post)


@never_cache
@login_required
@require_GET
def post_page(request: HttpRequest, post_id: int) -> HttpResponse:
    me = active_caller(request)
    view = _post_or_404(me, post_id)
    return _post_page(request, me, view, CommentForm(pupil=me.actor.is_pupil))


def _post_page(
    request: HttpRequest, me: Caller, view: selectors.PostView, form: CommentForm, status: int = 200
) -> HttpResponse:
    post = view.post
    publication = post.publication
    attachments = list(publication.attachments.all())
    return render(
        request,
        "blog/post.html",
        {
            "post": post,
            "blog": post.blog,
            "view": view,
            "pupil": me.actor.is_pupil,
            "publication": publication,
            "attachments": attachments,
            "has_photos": any(a.content_type.startswith("image/") for a in attachments),
            "comments": selectors.comments_of(me.actor, post)
            if publication.state == State.PUBLISHED
            else [],
            "may_comment": publication.state == State.PUBLISHED
            and rules.may_comment(me.actor, post.blog.scope),
            "comment_form": form,
            # The moderator's note is the author's (and the moderators') to read.
            "note": publication.note if (view.is_author or view.moderator) else "",
            "may_submit": view.is_author and publication.state in moderation.SUBMITTABLE,
            "may_withdraw": view.is_author and publication.state in moderation.WITHDRAWABLE,
            "decisions": [
                (name, label)
                for name, label in (
                    (moderation.PUBLISH, "Publier"),
                    (moderation.CORRECT, "Demander une correction"),
                    (moderation.REFUSE, "Refuser"),
                    (moderation.UNPUBLISH, "Retirer du blog"),
                )
                if view.moderator
                and moderation.decision_allowed(name, publication.state)
                and not (publication.state == State.DRAFT)
            ],
        },
        status=status,
    )


@login_required
@require_POST
def post_action(request: HttpRequest, post_id: int) -> HttpResponse:
    """The author's moves: submit, withdraw, delete."""
    me = active_caller(request)
    view = _post_or_404(me, post_id)
    action = request.POST.get("action", "")
    if action == "submit" and view.is_author:
        _submit(request, me, view.post)
    elif action == "withdraw" and view.is_author:
        try:
            services.post_withdraw(actor=me.actor, post=view.post)
            messages.success(request, "Article repris : il est de nouveau votre brouillon.")
        except ModerationError as error:
            messages.error(request, str(error))
    elif action == "delete" and view.may_edit:
        blog_id = view.post.blog_id
        try:
            services.post_delete(actor=me.actor, post=view.post)
        except services.BlogError as error:
            raise Http404 from error
        messages.success(request, "Article supprimé.")
        return redirect("blog:blog", blog_id=blog_id)
    else:
        raise Http404
    return redirect("blog:post", post_id=post_id)


@login_required
@require_POST
def decide(request: HttpRequest, post_id: int) -> HttpResponse:
    """A moderator's decision on the post or on one of its comments (``comment``)."""
    me = active_caller(request)
    view = _post_or_404(me, post_id)
    decision = request.POST.get("decision", "")
    if not view.moderator or decision not in DECIDED:
        raise Http404
    publication = view.post.publication
    anchor = ""
    raw = request.POST.get("comment", "")
    if raw:
        number = whole_number(raw)
        comment = selectors.comment_for(me.actor, number) if number is not None else None
        if comment is None or comment.post_id != view.post.pk:
            raise Http404
        publication, anchor = comment.publication, f"#commentaire-{comment.pk}"
    try:
        circuit_decide(
            actor=me.actor,
            publication=publication,
            decision=decision,
            note=request.POST.get("note", ""),
        )
        messages.success(request, DECIDED[decision])
    except ModerationError as error:
        messages.error(request, str(error))
    return redirect(reverse("blog:post", args=[post_id]) + anchor)


@login_required
@require_POST
def comment_new(request: HttpRequest, post_id: int) -> HttpResponse:
    me = active_caller(request)
    view = _post_or_404(me, post_id)
    form = CommentForm(request.POST, pupil=me.actor.is_pupil)
    if not form.is_valid():
        return _post_page(request, me, view, form, status=400)
    parent = None
    if form.cleaned_data.get("parent"):
        parent = selectors.comment_for(me.actor, form.cleaned_data["parent"])
        if parent is None:
            raise Http404
    try:
        comment = services.comment_add(
            actor=me.actor, post=view.post, body=form.cleaned_data["body"], parent=parent
        )
    except services.BlogNotAllowed as error:
        raise Http404 from error
    except services.BlogError as error:
        form.add_error("body", str(error))
        return _post_page(request, me, view, form, status=400)
    if comment.publication.state == State.PUBLISHED:
        messages.success(request, "Commentaire publié.")
    else:
        messages.success(request, "Commentaire envoyé : il sera visible une fois validé.")
    return redirect(reverse("blog:post", args=[post_id]) + f"#commentaire-{comment.pk}")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def blog_settings(request: HttpRequest, blog_id: int) -> HttpResponse:
    me = active_caller(request)
    blog = _blog_or_404(me, blog_id)
    if not rules.may_configure(me.actor, blog.scope):
        raise Http404
    form = SettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"comments_moderated": blog.comments_moderated},
    )
    if request.method == "POST" and form.is_valid():
        services.blog_settings_set(
            actor=me.actor, blog=blog, comments_moderated=form.cleaned_data["comments_moderated"]
        )
        messages.success(request, "Réglages enregistrés.")
        return redirect("blog:blog", blog_id=blog.pk)
    return render(request, "blog/settings.html", {"blog": blog, "form": form})


@never_cache
@login_required
@require_GET
def post_print(request: HttpRequest, post_id: int) -> HttpResponse:
    me = active_caller(request)
    view = _post_or_404(me, post_id)
    return render(
        request,
        "blog/print.html",
        {
            "post": view.post,
            "attachments": list(view.post.publication.attachments.all()),
            "comments": selectors.comments_of(me.actor, view.post)
            if view.post.publication.state == State.PUBLISHED
            else [],
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def post_photos(request: HttpRequest, post_id: int) -> HttpResponse:
    """Who appears on each photo of the post (photo consent decides whether a public post may
    show them): for those who may change the post."""
    me = active_caller(request)
    view = _post_or_404(me, post_id)
    if not view.may_edit:
        raise Http404
    post = view.post
    lines, pupils = selectors.photo_tagging(post)
    if request.method == "POST":
        wanted = photo_tags_from_form(lines, request.POST)
        if wanted is None:
            raise Http404
        try:
            photo_tags_set_all(user=me.user, lines=lines, wanted=wanted)
        except AttachmentError as error:
            messages.error(request, str(error))
        except AttachmentNotAllowed as error:
            raise Http404 from error
        else:
            refusal = services.post_recheck_public(post)
            if refusal:
                messages.warning(request, f"L'article n'est plus public : {refusal}")
            messages.success(request, "Élèves des photos enregistrés.")
            return redirect("blog:post", post_id=post.pk)
        lines, pupils = selectors.photo_tagging(post)
    return render(request, "blog/photos.html", {"post": post, "lines": lines, "pupils": pupils})
