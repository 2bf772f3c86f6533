"""Pages of the forums. Every view answers 404 alike when the forum, the subject or the
message is missing or out of reach, and changes nothing then; the rules are the services'
(``apps.forum.services``) and the selectors' (``apps.forum.selectors``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.context import Caller, active_caller
from apps.forum import rules, selectors, services
from apps.forum.forms import CategoryForm, MessageForm, ReportForm, SubjectForm
from apps.forum.models import Category, Forum, Message
from apps.numbers import whole_number
from apps.publications import moderation
from apps.publications.models import Publication, State
from apps.publications.services import ModerationError, circuit_decide

DECIDED = {
    moderation.PUBLISH: "Publié.",
    moderation.CORRECT: "Renvoyé à son auteur pour correction.",
    moderation.REFUSE: "Refusé.",
    moderation.UNPUBLISH: "Retiré du forum.",
}
FLAGGED = {
    "lock": "Sujet verrouillé : plus personne ne peut y répondre.",
    "unlock": "Sujet déverrouillé.",
    "pin": "Sujet épinglé en tête du forum.",
    "unpin": "Sujet désépinglé.",
}
SENT = "Envoyé à l'enseignant : ce sera visible une fois validé."


def _forum_or_404(me: Caller, forum_id: int) -> Forum:
    forum = selectors.forum_for(me.actor, forum_id)
    if forum is None:
        raise Http404
    return forum


def _subject_or_404(me: Caller, subject_id: int) -> selectors.SubjectView:
    view = selectors.subject_for(me.actor, subject_id)
    if view is None:
        raise Http404
    return view


def _message_or_404(me: Caller, message_id: int) -> tuple[Message, selectors.SubjectView]:
    found = selectors.message_for(me.actor, message_id)
    if found is None:
        raise Http404
    return found


def _sent_or_published(request: HttpRequest, publication: Publication, published: str) -> None:
    if publication.state == State.PUBLISHED:
        messages.success(request, published)
    else:
        messages.success(request, SENT)


def _decisions(state: str) -> list[tuple[str, str]]:
    return [
        (name, label)
        for name, label in (
            (moderation.PUBLISH, "Publier"),
            (moderation.CORRECT, "Demander une correction"),
            (moderation.REFUSE, "Refuser"),
            (moderation.UNPUBLISH, "Retirer du forum"),
        )
        if state != State.DRAFT and moderation.decision_allowed(name, state)
    ]


@never_cache
@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    me = active_caller(request)
    services.forums_ensure(me.actor)
    return render(
        request,
        "forum/index.html",
        {
            "forums": selectors.forums_of(me.actor),
            "pupil": me.actor.is_pupil,
            "moderates": selectors.moderates_a_forum(me.actor),
        },
    )


@never_cache
@login_required
@require_GET
def forum_page(request: HttpRequest, forum_id: int) -> HttpResponse:
    me = active_caller(request)
    forum = _forum_or_404(me, forum_id)
    categories = selectors.categories_of(me.actor, forum)
    chosen: Category | None = None
    raw = request.GET.get("categorie")
    if raw:
        number = whole_number(raw)
        chosen = next((c for c in categories if c.pk == number), None)
        if chosen is None:
            raise Http404
    page = Paginator(
        selectors.subjects_of(me.actor, forum, chosen), selectors.SUBJECTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "forum/forum.html",
        {
            "forum": forum,
            "categories": categories,
            "chosen": chosen,
            "page": page,
            "may_write": rules.may_write(me.actor, forum.scope),
            "moderator": moderation.may_moderate(me.actor, forum.scope),
            "pupil": me.actor.is_pupil,
        },
    )


def _subject_form_page(
    request: HttpRequest, forum: Forum, form: SubjectForm, view: selectors.SubjectView | None
) -> HttpResponse:
    actor = active_caller(request).actor
    return render(
        request,
        "forum/subject_form.html",
        {
            "forum": forum,
            "form": form,
            "view": view,
            "pupil": actor.is_pupil,
            # Editing keeps the state (a moderator's edit) or sends it again (the author's).
            "waits": rules.waits_for_moderator(actor, forum.scope),
        },
        status=400 if form.is_bound else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def subject_new(request: HttpRequest, forum_id: int) -> HttpResponse:
    me = active_caller(request)
    forum = _forum_or_404(me, forum_id)
    if not rules.may_write(me.actor, forum.scope):
        raise Http404
    categories = list(Category.objects.filter(forum=forum))
    initial = {}
    wanted = whole_number(request.GET.get("categorie"))
    if wanted is not None:
        initial["category"] = wanted
    form = SubjectForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        categories=categories,
        pupil=me.actor.is_pupil,
    )
    if request.method != "POST" or not form.is_valid():
        return _subject_form_page(request, forum, form, None)
    category = next(c for c in categories if c.pk == form.cleaned_data["category"])
    try:
        subject = services.subject_create(
            actor=me.actor,
            forum=forum,
            category=category,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
        )
    except services.ForumNotAllowed as error:
        raise Http404 from error
    except services.ForumError as error:
        form.add_error(None, str(error))
        return _subject_form_page(request, forum, form, None)
    _sent_or_published(request, subject.publication, "Sujet publié.")
    return redirect("forum:subject", subject_id=subject.pk)


@never_cache
@login_required
@require_GET
def subject_page(request: HttpRequest, subject_id: int) -> HttpResponse:
    me = active_caller(request)
    view = _subject_or_404(me, subject_id)
    return _subject_page(request, me, view, MessageForm(pupil=me.actor.is_pupil))


def _subject_page(
    request: HttpRequest,
    me: Caller,
    view: selectors.SubjectView,
    form: MessageForm,
    status: int = 200,
) -> HttpResponse:
    subject = view.subject
    publication = subject.publication
    page = Paginator(selectors.messages_of(me.actor, view), selectors.MESSAGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    lines = [
        {
            "message": message,
            "may_edit": selectors.message_may_edit(me.actor, message, view),
            "is_author": message.publication.author_id == me.actor.id,
            "decisions": _decisions(message.publication.state) if view.moderator else [],
            "note": message.publication.note
            if (view.moderator or message.publication.author_id == me.actor.id)
            else "",
        }
        for message in page.object_list
    ]
    return render(
        request,
        "forum/subject.html",
        {
            "subject": subject,
            "forum": subject.forum,
            "view": view,
            "publication": publication,
            "page": page,
            "lines": lines,
            "form": form,
            "pupil": me.actor.is_pupil,
            "waits": rules.waits_for_moderator(me.actor, subject.forum.scope),
            "note": publication.note if (view.is_author or view.moderator) else "",
            "decisions": _decisions(publication.state) if view.moderator else [],
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def subject_edit(request: HttpRequest, subject_id: int) -> HttpResponse:
    """The author's subject sent back or refused (saving sends it again), or any subject for a
    moderator (its state does not change)."""
    me = active_caller(request)
    view = _subject_or_404(me, subject_id)
    if not view.may_edit:
        raise Http404
    subject = view.subject
    forum = subject.forum
    categories = list(Category.objects.filter(forum=forum))
    form = SubjectForm(
        request.POST if request.method == "POST" else None,
        initial={"category": subject.category_id, "title": subject.title, "body": subject.body},
        categories=categories,
        pupil=me.actor.is_pupil,
    )
    if request.method != "POST" or not form.is_valid():
        return _subject_form_page(request, forum, form, view)
    category = next(c for c in categories if c.pk == form.cleaned_data["category"])
    try:
        saved = services.subject_update(
            actor=me.actor,
            subject=subject,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            category=category,
        )
        if view.is_author and saved.publication.state in moderation.SUBMITTABLE:
            publication = services.resubmit(actor=me.actor, publication=saved.publication)
            _sent_or_published(request, publication, "Sujet publié.")
        else:
            messages.success(request, "Sujet enregistré.")
    except services.ForumNotAllowed as error:
        raise Http404 from error
    except (services.ForumError, ModerationError) as error:
        form.add_error(None, str(error))
        return _subject_form_page(request, forum, form, view)
    return redirect("forum:subject", subject_id=subject.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def subject_delete(request: HttpRequest, subject_id: int) -> HttpResponse:
    me = active_caller(request)
    view = _subject_or_404(me, subject_id)
    if not view.may_edit:
        raise Http404
    if request.method == "POST":
        forum_id = view.subject.forum_id
        try:
            services.subject_delete(actor=me.actor, subject=view.subject)
        except services.ForumNotAllowed as error:
            raise Http404 from error
        messages.success(request, "Sujet supprimé, avec ses messages.")
        return redirect("forum:forum", forum_id=forum_id)
    return render(
        request,
        "forum/confirm_delete.html",
        {
            "forum": view.subject.forum,
            "subject": view.subject,
            "what": f"le sujet « {view.subject.title} » et tous ses messages",
            "back": reverse("forum:subject", args=[view.subject.pk]),
        },
    )


@login_required
@require_POST
def subject_action(request: HttpRequest, subject_id: int) -> HttpResponse:
    """A moderator's lock, unlock, pin, unpin."""
    me = active_caller(request)
    view = _subject_or_404(me, subject_id)
    action = request.POST.get("action", "")
    if action not in FLAGGED or not view.moderator:
        raise Http404
    try:
        services.subject_flag(actor=me.actor, subject=view.subject, action=action)
    except services.ForumNotAllowed as error:
        raise Http404 from error
    messages.success(request, FLAGGED[action])
    return redirect("forum:subject", subject_id=subject_id)


@login_required
@require_POST
def decide(request: HttpRequest, subject_id: int) -> HttpResponse:
    """A moderator's decision on the subject or on one of its messages (``message``)."""
    me = active_caller(request)
    view = _subject_or_404(me, subject_id)
    decision = request.POST.get("decision", "")
    if not view.moderator or decision not in DECIDED:
        raise Http404
    publication = view.subject.publication
    anchor = ""
    raw = request.POST.get("message", "")
    if raw:
        number = whole_number(raw)
        found = selectors.message_for(me.actor, number) if number is not None else None
        if found is None or found[0].subject_id != view.subject.pk:
            raise Http404
        publication, anchor = found[0].publication, f"#message-{found[0].pk}"
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
    return redirect(reverse("forum:subject", args=[subject_id]) + anchor)


@login_required
@require_POST
def reply(request: HttpRequest, subject_id: int) -> HttpResponse:
    me = active_caller(request)
    view = _subject_or_404(me, subject_id)
    form = MessageForm(request.POST, pupil=me.actor.is_pupil)
    if not form.is_valid():
        return _subject_page(request, me, view, form, status=400)
    try:
        message = services.message_add(
            actor=me.actor, subject=view.subject, body=form.cleaned_data["body"]
        )
    except services.ForumNotAllowed as error:
        raise Http404 from error
    except services.ForumError as error:
        if view.may_reply:
            form.add_error("body", str(error))
        else:  # locked meanwhile: the page has no form to show the error in
            messages.error(request, str(error))
        return _subject_page(request, me, view, form, status=400)
    _sent_or_published(request, message.publication, "Message publié.")
    return redirect("forum:message", message_id=message.pk)


@never_cache
@login_required
@require_GET
def message_page(request: HttpRequest, message_id: int) -> HttpResponse:
    """A message's own address (notifications, the queue): its page of the subject."""
    me = active_caller(request)
    message, view = _message_or_404(me, message_id)
    number = selectors.message_page(me.actor, message, view)
    url = reverse("forum:subject", args=[view.subject.pk])
    if number > 1:
        url += f"?page={number}"
    return redirect(url + f"#message-{message.pk}")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def message_edit(request: HttpRequest, message_id: int) -> HttpResponse:
    me = active_caller(request)
    message, view = _message_or_404(me, message_id)
    if not selectors.message_may_edit(me.actor, message, view):
        raise Http404
    form = MessageForm(
        request.POST if request.method == "POST" else None,
        initial={"body": message.body},
        pupil=me.actor.is_pupil,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.message_update(
                actor=me.actor, message=message, body=form.cleaned_data["body"]
            )
            if saved.publication.author_id == me.actor.id and (
                saved.publication.state in moderation.SUBMITTABLE
            ):
                publication = services.resubmit(actor=me.actor, publication=saved.publication)
                _sent_or_published(request, publication, "Message publié.")
            else:
                messages.success(request, "Message enregistré.")
        except services.ForumNotAllowed as error:
            raise Http404 from error
        except (services.ForumError, ModerationError) as error:
            form.add_error("body", str(error))
        else:
            return redirect("forum:message", message_id=message.pk)
    return render(
        request,
        "forum/message_form.html",
        {
            "forum": view.subject.forum,
            "subject": view.subject,
            "message": message,
            "form": form,
            "pupil": me.actor.is_pupil,
        },
        status=400 if form.is_bound else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def message_delete(request: HttpRequest, message_id: int) -> HttpResponse:
    me = active_caller(request)
    message, view = _message_or_404(me, message_id)
    if not selectors.message_may_edit(me.actor, message, view):
        raise Http404
    if request.method == "POST":
        try:
            services.message_delete(actor=me.actor, message=message)
        except services.ForumNotAllowed as error:
            raise Http404 from error
        messages.success(request, "Message supprimé.")
        return redirect("forum:subject", subject_id=view.subject.pk)
    return render(
        request,
        "forum/confirm_delete.html",
        {
            "forum": view.subject.forum,
            "subject": view.subject,
            "what": f"ce message de {message.author_name}",
            "quoted": message.body,
            "back": reverse("forum:message", args=[message.pk]),
        },
    )


def _report(
    request: HttpRequest, me: Caller, view: selectors.SubjectView, message: Message | None
) -> HttpResponse:
    subject = view.subject
    item = message.publication if message is not None else subject.publication
    if not view.may_report or item.author_id == me.actor.id or item.state != State.PUBLISHED:
        raise Http404
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                actor=me.actor, subject=subject, message=message, reason=form.cleaned_data["reason"]
            )
        except services.ForumNotAllowed as error:
            raise Http404 from error
        except services.ForumError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                "Merci : c'est signalé à l'enseignant, qui va regarder."
                if me.actor.is_pupil
                else "Merci : le message est signalé aux modérateurs du forum.",
            )
        return redirect("forum:subject", subject_id=subject.pk)
    return render(
        request,
        "forum/report.html",
        {
            "forum": subject.forum,
            "subject": subject,
            "author": message.author_name if message else subject.author_name,
            "body": message.body if message else subject.body,
            "form": form,
            "pupil": me.actor.is_pupil,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def report_subject(request: HttpRequest, subject_id: int) -> HttpResponse:
    me = active_caller(request)
    return _report(request, me, _subject_or_404(me, subject_id), None)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def report_message(request: HttpRequest, message_id: int) -> HttpResponse:
    me = active_caller(request)
    message, view = _message_or_404(me, message_id)
    return _report(request, me, view, message)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def categories_page(request: HttpRequest, forum_id: int) -> HttpResponse:
    me = active_caller(request)
    forum = _forum_or_404(me, forum_id)
    if not rules.may_manage(me.actor, forum.scope):
        raise Http404
    form = CategoryForm(
        request.POST if request.method == "POST" and "title" in request.POST else None
    )
    failed = False
    if request.method == "POST":
        try:
            if "delete" in request.POST:
                number = whole_number(request.POST.get("delete"))
                category = Category.objects.filter(forum=forum, pk=number or 0).first()
                if category is None:
                    raise Http404
                category.forum = forum
                services.category_delete(actor=me.actor, category=category)
                messages.success(request, "Catégorie supprimée.")
                return redirect("forum:categories", forum_id=forum.pk)
            if form.is_valid():
                services.category_create(
                    actor=me.actor, forum=forum, title=form.cleaned_data["title"]
                )
                messages.success(request, "Catégorie ajoutée.")
                return redirect("forum:categories", forum_id=forum.pk)
        except services.ForumNotAllowed as error:
            raise Http404 from error
        except services.ForumError as error:
            messages.error(request, str(error))
            failed = True
    return render(
        request,
        "forum/categories.html",
        {
            "forum": forum,
            "categories": selectors.categories_of(me.actor, forum),
            "form": form,
        },
        status=400 if failed or (form.is_bound and form.errors) else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reports_page(request: HttpRequest) -> HttpResponse:
    me = active_caller(request)
    actor = me.actor
    if not selectors.moderates_a_forum(actor):
        raise Http404
    if request.method == "POST":
        report = selectors.report_of(actor, whole_number(request.POST.get("report")) or 0)
        if report is None:
            raise Http404
        decision = request.POST.get("decision", "")
        try:
            services.report_handle(actor=actor, report=report, decision=decision)
        except services.ForumNotAllowed as error:
            raise Http404 from error
        except (services.ForumError, ModerationError) as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                "Message retiré du forum ; son auteur et qui l'a signalé sont prévenus."
                if decision == services.REMOVE
                else "Signalement classé ; qui l'a signalé est prévenu.",
            )
        return redirect("forum:reports")
    reports = list(selectors.open_reports(actor)[:100])
    return render(request, "forum/reports.html", {"reports": reports})
