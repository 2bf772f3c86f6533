"""Pages of the news: the list one reads, a news item, writing and editing one, the circuit's
moves (submit, withdraw, a moderator's decision), its photos' pupils, the writer's own list
and the emergency banners. A public news item's page is the school site's
(``apps.news.public``).

Every view answers 404 alike when the news item or banner is missing or out of reach, and
changes nothing then.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.context import Caller, active_caller
from apps.attachments.forms import AttachmentsForm, save_with_files
from apps.attachments.services import (
    AttachmentError,
    AttachmentNotAllowed,
    photo_tags_from_form,
    photo_tags_set_all,
)
from apps.news import rules, selectors, services
from apps.news.forms import BannerForm, NewsForm
from apps.news.models import PAIRS, News
from apps.news.publications import scope_of
from apps.publications import moderation
from apps.publications.models import State
from apps.publications.services import ModerationError, circuit_decide

DECIDED = {
    moderation.PUBLISH: "Publiée.",
    moderation.CORRECT: "Renvoyée à son auteur pour correction.",
    moderation.REFUSE: "Refusée.",
    moderation.UNPUBLISH: "Retirée.",
}
DECISION_LABELS = (
    (moderation.PUBLISH, "Publier"),
    (moderation.CORRECT, "Demander une correction"),
    (moderation.REFUSE, "Refuser"),
    (moderation.UNPUBLISH, "Retirer"),
)


def _news_or_404(me: Caller, news_id: int) -> selectors.NewsView:
    view = selectors.news_for(me.actor, news_id)
    if view is None:
        raise Http404
    return view


@never_cache
@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    me = active_caller(request)
    page = Paginator(selectors.news_read_by(me.actor), selectors.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "news/index.html",
        {
            "page": page,
            "writes": selectors.writes_news(me.actor),
            "sets_banners": rules.sets_banners(me.actor),
            "pupil": me.actor.is_pupil,
        },
    )


@never_cache
@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    """What the person wrote or moderates, whatever its state: drafts, waiting, scheduled,
    expired."""
    me = active_caller(request)
    if not selectors.writes_news(me.actor):
        raise Http404
    page = Paginator(selectors.news_managed_by(me.actor), 20).get_page(request.GET.get("page"))
    return render(request, "news/manage.html", {"page": page})


def _form(request: HttpRequest, me: Caller, news: News | None) -> NewsForm:
    if news is not None:
        schools = [news.school] if news.school is not None else []
        commune = news.school is None
        may_public = rules.may_make_public(me.actor, scope_of(news.publication), news.school_id)
    else:
        schools = selectors.schools_for_writer(me.actor)
        commune = rules.may_write(me.actor, None)
        # Offered when the writer moderates some school they write for (the service decides).
        may_public = bool(schools) and any(
            rules.may_make_public(me.actor, rules.scope_for(me.actor, s.pk), s.pk) for s in schools
        )
    initial: dict[str, object] = {}
    if news is not None:
        published_at = news.publication.published_at
        initial = {
            "where": str(news.school_id) if news.school_id else "commune",
            "title": news.title,
            "body": news.body,
            "audience": news.audience,
            "pinned": news.pinned,
            "expires_on": news.expires_on,
            "public": news.public,
            "untagged_confirmed": news.untagged_confirmed,
        }
        if published_at is not None:
            local = timezone.localtime(published_at)
            initial["publish_on"], initial["publish_time"] = (
                local.date(),
                local.time().replace(second=0, microsecond=0),
            )
    return NewsForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        schools=schools,
        commune=commune,
        may_make_public=may_public,
    )


def _attachments_form(
    request: HttpRequest, me: Caller, key: str, news: News | None
) -> AttachmentsForm:
    posted = request.method == "POST"
    return AttachmentsForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        user=me.user,
        form_key=key,
        existing=news.publication.attachments.all() if news is not None else (),
    )


def _form_page(
    request: HttpRequest, news: News | None, form: NewsForm, files: AttachmentsForm
) -> HttpResponse:
    actor = active_caller(request).actor
    if news is not None:
        may_publish = moderation.may_moderate(actor, scope_of(news.publication))
    else:
        # The administrator's writing and a director's for their school are published at once.
        may_publish = actor.is_commune_admin or bool(actor.directed_school_ids)
    return render(
        request,
        "news/form.html",
        {"news": news, "form": form, "attachments_form": files, "may_publish": may_publish},
    )


def _save(request: HttpRequest, me: Caller, news: News | None) -> HttpResponse:
    form = _form(request, me, news)
    key = f"news:{'edit:' + str(news.pk) if news else 'new'}"
    files = _attachments_form(request, me, key, news)
    if request.method != "POST":
        return _form_page(request, news, form, files)
    form_valid = form.is_valid()
    files_valid = files.keep()
    if not (form_valid and files_valid):
        return _form_page(request, news, form, files)
    data = {
        "title": form.cleaned_data["title"],
        "body": form.cleaned_data["body"],
        "audience": form.cleaned_data["audience"],
        "pinned": bool(form.cleaned_data.get("pinned")),
        "expires_on": form.cleaned_data["expires_on"],
        "publish_at": form.publish_at(),
        "public": bool(form.cleaned_data.get("public")),
        "untagged_confirmed": bool(form.cleaned_data.get("untagged_confirmed")),
    }
    try:
        saved = save_with_files(
            me.user,
            files,
            lambda: (
                services.news_create(actor=me.actor, school=form.school(), **data)
                if news is None
                else services.news_update(actor=me.actor, news=news, **data)
            ),
            created=news is None,
        )
    except services.NewsNotAllowed as error:
        raise Http404 from error
    except services.NewsError as error:
        form.add_error(None, str(error))
        return _form_page(request, news, form, files)
    if saved is None:
        return _form_page(request, news, form, files)
    refusal = services.news_recheck_public(saved)
    if refusal:
        messages.warning(request, f"L'actualité n'est plus publique : {refusal}")
    if request.POST.get("action") == "submit":
        _submit(request, me, saved)
    else:
        messages.success(request, "Actualité enregistrée.")
    return redirect("news:detail", news_id=saved.pk)


def _submit(request: HttpRequest, me: Caller, news: News) -> None:
    try:
        publication = services.news_submit(actor=me.actor, news=news)
    except ModerationError as error:
        messages.error(request, str(error))
        return
    except services.NewsError as error:
        raise Http404 from error
    if publication.state == State.PUBLISHED:
        messages.success(request, "Actualité publiée.")
    else:
        messages.success(
            request, "Actualité envoyée à la direction : elle sera visible une fois validée."
        )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def news_new(request: HttpRequest) -> HttpResponse:
    me = active_caller(request)
    if not selectors.writes_news(me.actor):
        raise Http404
    return _save(request, me, None)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def news_edit(request: HttpRequest, news_id: int) -> HttpResponse:
    me = active_caller(request)
    view = _news_or_404(me, news_id)
    if not view.may_edit:
        raise Http404
    return _save(request, me, view.news)


@never_cache
@login_required
@require_GET
def detail(request: HttpRequest, news_id: int) -> HttpResponse:
    me = active_caller(request)
    view = _news_or_404(me, news_id)
    news = view.news
    publication = news.publication
    attachments = list(publication.attachments.all())
    return render(
        request,
        "news/detail.html",
        {
            "news": news,
            "view": view,
            "publication": publication,
            "attachments": attachments,
            "has_photos": any(a.content_type.startswith("image/") for a in attachments),
            "note": publication.note if (view.is_author or view.moderator) else "",
            "may_submit": view.is_author and publication.state in moderation.SUBMITTABLE,
            "may_withdraw": view.is_author and publication.state in moderation.WITHDRAWABLE,
            "scheduled": publication.state == State.PUBLISHED and not view.on_show,
            "decisions": [
                (name, label)
                for name, label in DECISION_LABELS
                if view.moderator
                and publication.state != State.DRAFT
                and moderation.decision_allowed(name, publication.state)
            ],
        },
    )


@login_required
@require_POST
def news_action(request: HttpRequest, news_id: int) -> HttpResponse:
    """The author's moves: submit, withdraw; delete (the author's draft, a moderator's)."""
    me = active_caller(request)
    view = _news_or_404(me, news_id)
    action = request.POST.get("action", "")
    if action == "submit" and view.is_author:
        _submit(request, me, view.news)
    elif action == "withdraw" and view.is_author:
        try:
            services.news_withdraw(actor=me.actor, news=view.news)
            messages.success(request, "Actualité reprise : elle est de nouveau votre brouillon.")
        except ModerationError as error:
            messages.error(request, str(error))
    elif action == "delete" and view.may_edit:
        try:
            services.news_delete(actor=me.actor, news=view.news)
        except services.NewsError as error:
            raise Http404 from error
        messages.success(request, "Actualité supprimée.")
        return redirect("news:manage")
    else:
        raise Http404
    return redirect("news:detail", news_id=news_id)


@login_required
@require_POST
def decide(request: HttpRequest, news_id: int) -> HttpResponse:
    me = active_caller(request)
    view = _news_or_404(me, news_id)
    decision = request.POST.get("decision", "")
    if not view.moderator or decision not in DECIDED:
        raise Http404
    try:
        circuit_decide(
            actor=me.actor,
            publication=view.news.publication,
            decision=decision,
            note=request.POST.get("note", ""),
        )
        messages.success(request, DECIDED[decision])
    except ModerationError as error:
        messages.error(request, str(error))
    return redirect("news:detail", news_id=news_id)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def photos(request: HttpRequest, news_id: int) -> HttpResponse:
    """Who appears on each photo (photo consent decides whether a public news item may show
    them): for those who may change the news item."""
    me = active_caller(request)
    view = _news_or_404(me, news_id)
    if not view.may_edit:
        raise Http404
    news = view.news
    lines, pupils = selectors.photo_tagging(news)
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
            refusal = services.news_recheck_public(news)
            if refusal:
                messages.warning(request, f"L'actualité n'est plus publique : {refusal}")
            messages.success(request, "Élèves des photos enregistrés.")
            return redirect("news:detail", news_id=news.pk)
        lines, pupils = selectors.photo_tagging(news)
    return render(request, "news/photos.html", {"news": news, "lines": lines, "pupils": pupils})


# --- banners -----------------------------------------------------------------------------


def _banner_form(request: HttpRequest, me: Caller) -> BannerForm:
    return BannerForm(
        request.POST if request.method == "POST" else None,
        schools=selectors.schools_for_banners(me.actor),
        commune=rules.may_set_banner(me.actor, None),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def banners(request: HttpRequest) -> HttpResponse:
    """The direction's and the administrator's banners: set one, see and end the current
    ones."""
    me = active_caller(request)
    if not rules.sets_banners(me.actor):
        raise Http404
    form = _banner_form(request, me)
    if request.method == "POST" and form.is_valid():
        try:
            services.banner_set(
                actor=me.actor,
                school=form.school(),
                message=form.cleaned_data["message"],
                colour=form.cleaned_data["colour"],
                audience=form.cleaned_data["audience"],
                expires_at=form.expires_at(),
            )
        except services.NewsNotAllowed as error:
            raise Http404 from error
        except services.NewsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Bandeau affiché.")
            return redirect("news:banners")
    page = Paginator(selectors.banners_managed_by(me.actor), 20).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "news/banners.html",
        {
            "form": form,
            "page": page,
            "rows": [
                {"banner": b, "current": b.ended_at is None and b.expires_at > now}
                for b in page.object_list
            ],
            "pairs": PAIRS,
        },
    )


@login_required
@require_POST
def banner_end(request: HttpRequest, banner_id: int) -> HttpResponse:
    me = active_caller(request)
    banner = selectors.banner_for(me.actor, banner_id)
    if banner is None:
        raise Http404
    try:
        services.banner_end(actor=me.actor, banner=banner)
    except services.NewsNotAllowed as error:
        raise Http404 from error
    except services.NewsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Bandeau arrêté : il n'est plus affiché.")
    return redirect("news:banners")
