"""Pages of the messagerie: the boxes and folders, a message and its thread, writing (a draft
saved at each step), the read table, printing, folders and signature; the teachers'
moderation queue, the referents' reports and held messages, the safety switches.

Every view answers 404 alike when a message, copy or folder is missing or someone else's,
and changes nothing then; a refusal of a service is shown as its French sentence.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.context import Caller, active_caller
from apps.accounts.permissions import Actor
from apps.attachments.forms import AttachmentsForm, save_with_files
from apps.french.formatting import waited
from apps.messaging import rules, search, selectors, services
from apps.messaging.forms import (
    ComposeForm,
    FolderForm,
    ModerationForm,
    ReportForm,
    SignatureForm,
)
from apps.messaging.groups import offers_for
from apps.messaging.models import (
    Box,
    Copy,
    Field,
    Folder,
    Message,
    State,
)
from apps.numbers import whole_number
from apps.quiethours import clock

PER_PAGE = 25

BOX_TITLES = {
    Box.INBOX: "Boîte de réception",
    Box.SENT: "Messages envoyés",
    Box.DRAFTS: "Brouillons",
    selectors.TRASH: "Corbeille",
}

STATE_NOTES: dict[str, str] = {
    State.MODERATION: "En attente de validation par l'enseignant.",
    State.HELD: "Retenu pour vérification par un référent.",
    State.REFUSED: "Refusé : ce message n'a pas été remis.",
}


def _sidebar(me: Caller, in_force: rules.Switches | None = None) -> dict[str, Any]:
    return {
        "folders": selectors.folders_of(me.actor.id),
        "unread": selectors.unread_count(me.actor.id),
        "moderation_count": selectors.moderation_count(me.actor),
        "moderates": me.actor.is_school_staff and bool(me.actor.taught_class_ids),
        "referent": me.actor.is_commune_admin or bool(me.actor.directed_school_ids),
        "switch_banner": _banner(me.actor, in_force or selectors.switches()),
    }


def _banner(actor: Actor, in_force: rules.Switches) -> str:
    """What the switches in force change for this person, shown on every messaging page."""
    if actor.is_pupil and in_force.pupils_suspended:
        return rules.PUPILS_SUSPENDED
    concerned = actor.is_school_staff or actor.is_commune_admin
    if concerned and (
        in_force.commune_restricted or actor.school_ids & in_force.restricted_school_ids
    ):
        return rules.RESTRICTED
    if selectors.is_blocked(actor.id):
        return rules.BLOCKED
    return ""


def _filters(request: HttpRequest) -> selectors.Filters:
    return selectors.Filters(
        unread=request.GET.get("non_lus") == "1",
        with_files=request.GET.get("fichiers") == "1",
        sender_id=whole_number(request.GET.get("de")),
    )


def _list_page(
    request: HttpRequest, me: Caller, where: str | int, title: str, folder: Folder | None = None
) -> HttpResponse:
    filters = _filters(request)
    page = Paginator(selectors.copies_in(me.actor.id, where, filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    copies = list(page.object_list)
    labels = selectors.addresses_by_message([c.message_id for c in copies])
    lines = [
        {
            "copy": copy,
            "sender": selectors.sender_label(copy.message),
            "to": ", ".join(a.label for a in labels[copy.message_id] if a.field != Field.BCC),
            "note": STATE_NOTES.get(copy.message.state, ""),
        }
        for copy in copies
    ]
    return render(
        request,
        "messaging/box.html",
        {
            **_sidebar(me),
            "title": title,
            "where": where,
            "folder": folder,
            "page": page,
            "lines": lines,
            "filters": filters,
            "in_sent": where in (Box.SENT, Box.DRAFTS),
            "in_trash": where == selectors.TRASH,
            "is_pupil": me.actor.is_pupil,
        },
    )


@never_cache
@login_required
@require_GET
def box_page(request: HttpRequest, box: str = Box.INBOX) -> HttpResponse:
    if box not in BOX_TITLES:
        raise Http404
    return _list_page(request, active_caller(request), box, BOX_TITLES[box])


@never_cache
@login_required
@require_GET
def folder_page(request: HttpRequest, folder_id: int) -> HttpResponse:
    me = active_caller(request)
    folder = selectors.folder_of(me.actor.id, folder_id)
    if folder is None:
        raise Http404
    return _list_page(request, me, folder.pk, f"Dossier « {folder.name} »", folder)


@login_required
@require_POST
def copies_action(request: HttpRequest) -> HttpResponse:
    """The list's buttons on the ticked messages: read, unread, trash, restore, move."""
    me = active_caller(request)
    owner = me.actor.id
    ids = [i for i in (whole_number(v) for v in request.POST.getlist("copies")) if i is not None]
    action = request.POST.get("action", "")
    back = _safe_back(request)
    if not ids:
        messages.error(request, "Cochez au moins un message.")
        return redirect(back)
    if action == "lu":
        services.copies_mark_read(owner_id=owner, copy_ids=ids)
    elif action == "non_lu":
        services.copies_mark_read(owner_id=owner, copy_ids=ids, read=False)
    elif action == "corbeille":
        services.copies_trash(owner_id=owner, copy_ids=ids)
        if back.startswith(reverse("messaging:drafts")):
            messages.success(request, "Brouillons supprimés.")
        else:
            messages.success(request, "Mis à la corbeille (gardés 30 jours).")
    elif action == "restaurer":
        services.copies_restore(owner_id=owner, copy_ids=ids)
        messages.success(request, "Restauré.")
    elif action == "deplacer":
        folder_id = whole_number(request.POST.get("folder"))
        folder = selectors.folder_of(owner, folder_id) if folder_id else None
        if folder_id and folder is None:
            raise Http404
        services.copies_move(owner_id=owner, copy_ids=ids, folder=folder)
        messages.success(
            request, f"Déplacé vers « {folder.name if folder else 'Boîte de réception'} »."
        )
    else:
        messages.error(request, "Choisissez une action.")
    return redirect(back)


def _safe_back(request: HttpRequest) -> str:
    back = request.POST.get("next", "")
    return (
        back if back.startswith("/messagerie/") and "//" not in back else reverse("messaging:inbox")
    )


@login_required
@require_POST
def trash_empty(request: HttpRequest) -> HttpResponse:
    count = services.trash_empty(owner_id=active_caller(request).actor.id)
    messages.success(request, f"Corbeille vidée ({count} message{'s' if count > 1 else ''}).")
    return redirect("messaging:trash")


# --- a message and its thread ------------------------------------------------------------


def _copy_or_404(me: Caller, message_id: int) -> Copy:
    copy = selectors.copy_of(me.actor.id, message_id)
    if copy is None or copy.message.state == State.REMOVED:
        raise Http404
    return copy


def _shown(copy: Copy, me: Caller) -> dict[str, Any]:
    message = copy.message
    own = message.sender_id == me.actor.id
    return {
        "copy": copy,
        "message": message,
        "sender": selectors.sender_label(message),
        "addresses": selectors.addresses_shown(message, to_sender=own),
        "recalled": message.is_recalled and not own,
        "own": own,
    }


@never_cache
@login_required
@require_GET
def message_page(request: HttpRequest, message_id: int) -> HttpResponse:
    me = active_caller(request)
    copy = _copy_or_404(me, message_id)
    if copy.box == Box.DRAFTS:
        return redirect("messaging:draft", draft_id=message_id)
    services.copy_open(copy)
    message = copy.message
    thread = [
        _shown(other, me)
        for other in selectors.thread_copies(me.actor.id, message)
        if other.pk != copy.pk
    ]
    own = message.sender_id == me.actor.id
    may_answer = (
        copy.box == Box.INBOX
        and message.state == State.DELIVERED
        and not message.no_reply
        and not message.is_recalled
        and selectors.sender_label(message) != selectors.FORMER_ACCOUNT
    )
    shown = _shown(copy, me)
    to_and_cc = len(shown["addresses"][Field.TO]) + len(shown["addresses"][Field.CC])
    return render(
        request,
        "messaging/message.html",
        {
            **_sidebar(me),
            **shown,
            "may_answer_all": may_answer and not me.actor.is_pupil and to_and_cc > 1,
            "thread": thread,
            "may_answer": may_answer,
            "may_recall": own and services.may_recall(message),
            "may_report": copy.box == Box.INBOX and not message.is_recalled,
            "may_acknowledge": copy.box == Box.INBOX
            and message.acknowledgement_requested
            and copy.acknowledged_at is None
            and not message.is_recalled,
            "state_note": STATE_NOTES.get(message.state, ""),
            "scheduled_note": selectors.delivery_note(message) if own else "",
            "attachments": []
            if message.is_recalled and not own
            else message.publication.attachments.all(),
            "report_form": ReportForm(),
        },
    )


@never_cache
@login_required
@require_GET
def message_print(request: HttpRequest, message_id: int) -> HttpResponse:
    me = active_caller(request)
    copy = _copy_or_404(me, message_id)
    if copy.message.is_recalled and copy.message.sender_id != me.actor.id:
        raise Http404
    return render(request, "messaging/print.html", _shown(copy, me))


@never_cache
@login_required
@require_GET
def receipts_page(request: HttpRequest, message_id: int) -> HttpResponse:
    """The sender's read table: per family (or person), read or not, acknowledged or not."""
    me = active_caller(request)
    copy = _copy_or_404(me, message_id)
    if copy.message.sender_id != me.actor.id or copy.box != Box.SENT:
        raise Http404
    lines = selectors.receipts(copy.message)
    return render(
        request,
        "messaging/receipts.html",
        {
            **_sidebar(me),
            "message": copy.message,
            "lines": lines,
            "read": sum(1 for line in lines if line.read),
        },
    )


@login_required
@require_POST
def message_act(request: HttpRequest, message_id: int, act: str) -> HttpResponse:
    """Reply, reply to all, forward (a draft, then the compose page), recall, acknowledge,
    report, put in the trash."""
    me = active_caller(request)
    copy = _copy_or_404(me, message_id)
    message = copy.message
    try:
        if act in ("repondre", "repondre_a_tous"):
            draft = services.reply_draft(
                actor=me.actor, message=message, to_all=act == "repondre_a_tous"
            )
            return redirect("messaging:draft", draft_id=draft.pk)
        if act == "transferer":
            draft = services.forward_draft(actor=me.actor, message=message)
            return redirect("messaging:draft", draft_id=draft.pk)
        if act == "rappeler":
            services.message_recall(actor=me.actor, message=message)
            messages.success(
                request, "Le message est rappelé : ses destinataires ne le lisent plus."
            )
        elif act == "accuser":
            services.copy_acknowledge(owner_id=me.actor.id, copy=copy)
            messages.success(request, "Accusé de lecture envoyé.")
        elif act == "signaler":
            form = ReportForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.message_report(actor=me.actor, copy=copy, reason=reason)
            messages.success(
                request,
                "Merci : le message est signalé à la direction de l'école et à la commune.",
            )
        elif act == "corbeille":
            services.copies_trash(owner_id=me.actor.id, copy_ids=[copy.pk])
            messages.success(request, "Mis à la corbeille (gardé 30 jours).")
            return redirect("messaging:inbox")
        else:
            raise Http404
    except services.MessagingError as error:
        messages.error(request, str(error))
    return redirect("messaging:message", message_id=message.pk)


# --- writing -----------------------------------------------------------------------------


def _draft_or_404(me: Caller, draft_id: int) -> Message:
    draft = selectors.draft_of(me.actor.id, draft_id)
    if draft is None:
        raise Http404
    return draft


def _recipients_from(draft: Message | None, form: ComposeForm) -> list[services.Recipient]:
    """The draft's addresses kept, and the ticked groups and people added."""
    kept: list[services.Recipient] = []
    removed = set(form.cleaned_data.get("remove") or [])
    for address in draft.addresses.all() if draft else []:
        if address.pk in removed:
            continue
        kept += services.recipients_of(address)
    field = form.cleaned_data.get("add_field") or Field.TO
    kept += [
        services.Recipient(field=field, group_key=key) for key in form.cleaned_data["add_groups"]
    ]
    kept += [
        services.Recipient(field=field, person_id=pk) for pk in form.cleaned_data["add_people"]
    ]
    return kept


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest, draft_id: int | None = None) -> HttpResponse:
    """Write a message. Every button saves the draft first (nothing typed is lost), then
    adds recipients, searches people, or sends."""
    me = active_caller(request)
    actor = me.actor
    draft = _draft_or_404(me, draft_id) if draft_id is not None else None
    in_force = selectors.switches()
    refusal = rules.may_write_at_all(actor, in_force, blocked=selectors.is_blocked(actor.id))
    offers = offers_for(actor, in_force)
    offers_by_key = {offer.key: offer.label for offer in offers}
    data = request.POST if request.method == "POST" else None
    query = (data.get("q", "") if data else request.GET.get("q", "")).strip()
    # Families and pupils write to a handful of people (teachers, the direction): all are
    # listed at once; staff, who reach a whole school, search.
    lists_everyone = actor.is_pupil or actor.is_parent
    people = selectors.people_for(actor, query) if query or lists_everyone else []
    # The people ticked before (kept valid): whoever the rules allow, found or not by ``q``.
    ticked = [
        i for i in (whole_number(v) for v in (data.getlist("add_people") if data else [])) if i
    ]
    ticked_people = selectors.person_may_receive(actor, ticked) if ticked else {}
    choices = {user.pk: user.display_name for user in people}
    choices.update({pk: user.display_name for pk, user in ticked_people.items()})
    addresses = list(draft.addresses.all()) if draft else []
    initial: dict[str, Any] = {}
    if draft is not None:
        initial = {
            "subject": draft.subject,
            "body": draft.body,
            "no_reply": draft.no_reply,
            "acknowledgement_requested": draft.acknowledgement_requested,
        }
    else:
        initial["body"] = selectors.signature_block(actor.id)
        preset = whole_number(request.GET.get("a"))
        if preset:
            found = selectors.person_may_receive(actor, [preset])
            choices.update({pk: user.display_name for pk, user in found.items()})
            initial["add_people"] = list(found)
        if request.GET.get("groupe") in offers_by_key:
            initial["add_groups"] = [request.GET["groupe"]]
    form = ComposeForm(
        data,
        files=None,
        initial=initial,
        address_ids=[a.pk for a in addresses],
        group_keys=[(offer.key, offer.label) for offer in offers],
        person_ids=sorted(choices.items(), key=lambda item: item[1]),
        staff=rules.may_send_without_reply(actor),
        direction=rules.may_override_quiet_hours(actor),
    )
    form_key = f"message:{draft.pk if draft else 'new'}"
    files = AttachmentsForm(
        data,
        request.FILES if data is not None else None,
        user=me.user,
        form_key=form_key,
        existing=draft.publication.attachments.all() if draft else (),
    )
    confirm: services.NeedsConfirmation | None = None
    if data is not None and refusal is None:
        action = data.get("action", "enregistrer")
        form_valid, files_valid = form.is_valid(), files.keep()
        if form_valid and files_valid:
            saved = _save_draft(request, me, draft, form, files)
            if saved is not None:
                draft = saved
                if action == "envoyer":
                    sent = _send(request, me, draft, form)
                    if isinstance(sent, services.NeedsConfirmation):
                        confirm = sent
                    elif sent is not None:
                        return sent
                elif action == "autosave":
                    answer = HttpResponse(status=204)
                    answer["X-Draft-Url"] = reverse(
                        "messaging:draft", kwargs={"draft_id": draft.pk}
                    )
                    return answer
                elif action == "supprimer":
                    services.draft_delete(actor=actor, draft=draft)
                    messages.success(request, "Brouillon supprimé.")
                    return redirect("messaging:drafts")
                else:
                    if action == "enregistrer":
                        messages.success(request, "Brouillon enregistré.")
                    target = reverse("messaging:draft", kwargs={"draft_id": draft.pk})
                    return redirect(
                        f"{target}?q={query}" if action == "chercher" and query else target
                    )
    return render(
        request,
        "messaging/compose.html",
        {
            **_sidebar(me, in_force),
            "form": form,
            "attachments_form": files,
            "draft": draft,
            "addresses": addresses,
            "offers": offers,
            "people": people,
            "query": query,
            "refusal": refusal,
            "confirm": confirm,
        },
    )


def _save_draft(
    request: HttpRequest,
    me: Caller,
    draft: Message | None,
    form: ComposeForm,
    files: AttachmentsForm,
) -> Message | None:
    data = form.cleaned_data
    try:
        return save_with_files(
            me.user,
            files,
            lambda: services.draft_save(
                actor=me.actor,
                draft=draft,
                subject=data["subject"],
                body=data["body"],
                recipients=_recipients_from(draft, form),
                no_reply=bool(data.get("no_reply")),
                acknowledgement_requested=bool(data.get("acknowledgement_requested")),
            ),
            created=draft is None,
        )
    except services.MessagingError as error:
        form.add_error(None, str(error))
        return None


def _send(
    request: HttpRequest, me: Caller, draft: Message, form: ComposeForm
) -> HttpResponse | services.NeedsConfirmation | None:
    try:
        sent = services.message_send(
            actor=me.actor,
            draft=draft,
            confirmed=bool(form.cleaned_data.get("confirmed")),
            urgent=bool(form.cleaned_data.get("urgent")),
        )
    except services.NeedsConfirmation as ask:
        return ask
    except services.MessagingError as error:
        form.add_error(None, str(error))
        return None
    if sent.state == State.MODERATION:
        messages.success(request, "Message envoyé : il attend la validation de ton enseignant.")
    elif sent.state == State.HELD:
        messages.warning(
            request,
            "Message retenu : il dépasse ce que votre compte envoie d'habitude. Un référent "
            "le vérifie avant de le remettre.",
        )
    elif sent.state == State.SCHEDULED:
        messages.success(request, selectors.delivery_note(sent.message))
    else:
        messages.success(request, "Message envoyé.")
    return redirect("messaging:message", message_id=draft.pk)


# --- folders and signature -----------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    me = active_caller(request)
    owner = me.actor.id
    folders = selectors.folders_of(owner)
    tops = [(f.pk, f.name) for f in folders if f.parent_id is None]
    data = request.POST if request.method == "POST" else None
    what = data.get("what") if data else None
    folder_form = FolderForm(data if what == "dossier" else None, parents=tops)
    signature_form = SignatureForm(
        data if what == "signature" else None,
        initial={"signature": selectors.signature_of(owner)},
    )
    try:
        if what == "dossier" and folder_form.is_valid():
            parent_id = folder_form.cleaned_data["parent"]
            parent = selectors.folder_of(owner, parent_id) if parent_id else None
            services.folder_create(
                owner_id=owner, name=folder_form.cleaned_data["name"], parent=parent
            )
            messages.success(request, "Dossier créé.")
            return redirect("messaging:settings")
        if what == "signature" and signature_form.is_valid():
            services.signature_save(
                actor=me.actor, signature=signature_form.cleaned_data["signature"]
            )
            messages.success(request, "Signature enregistrée.")
            return redirect("messaging:settings")
        if what in ("renommer", "supprimer"):
            folder = selectors.folder_of(
                owner, whole_number(data.get("folder") if data else None) or 0
            )
            if folder is None:
                raise Http404
            if what == "renommer":
                services.folder_rename(
                    owner_id=owner, folder=folder, name=data.get("name", "") if data else ""
                )
                messages.success(request, "Dossier renommé.")
            else:
                services.folder_delete(owner_id=owner, folder=folder)
                messages.success(
                    request, "Dossier supprimé : ses messages sont revenus dans leur boîte."
                )
            return redirect("messaging:settings")
    except services.MessagingError as error:
        (folder_form if what != "signature" else signature_form).add_error(None, str(error))
    return render(
        request,
        "messaging/settings.html",
        {**_sidebar(me), "folder_form": folder_form, "signature_form": signature_form},
    )


# --- moderation, reports, held messages, switches ----------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def moderation_page(request: HttpRequest) -> HttpResponse:
    """The pupils' messages waiting for a teacher of their class, with how long each has
    waited; approve (edited or not), refuse, or approve all; and each class's switch."""
    me = active_caller(request)
    actor = me.actor
    if not actor.is_school_staff or not actor.taught_class_ids:
        raise Http404
    if request.method == "POST":
        what = request.POST.get("what", "")
        try:
            if what == "tout":
                ids = [i for i in (whole_number(v) for v in request.POST.getlist("messages")) if i]
                done = services.moderation_approve_all(actor=actor, message_ids=ids)
                messages.success(
                    request,
                    f"{done} message{'s' if done > 1 else ''} validé{'s' if done > 1 else ''}.",
                )
            elif what == "classe":
                classroom_id = whole_number(request.POST.get("classroom")) or 0
                services.class_moderation_set(
                    actor=actor,
                    classroom_id=classroom_id,
                    moderated=request.POST.get("moderated") == "1",
                )
                messages.success(request, "Réglage de la classe enregistré.")
            else:
                message_id = whole_number(request.POST.get("message")) or 0
                form = ModerationForm(request.POST)
                form.is_valid()
                data = form.cleaned_data
                if what == "valider":
                    services.moderation_approve(
                        actor=actor,
                        message_id=message_id,
                        subject=data.get("subject"),
                        body=data.get("body"),
                    )
                    messages.success(request, "Message validé : il est remis.")
                elif what == "refuser":
                    services.moderation_refuse(
                        actor=actor, message_id=message_id, reason=data.get("reason", "")
                    )
                    messages.success(request, "Message refusé.")
                else:
                    raise Http404
        except services.MessagingError as error:
            messages.error(request, str(error))
        return redirect("messaging:moderation")
    page = _page_of(request, selectors.moderation_queue(actor))
    queue = list(page.object_list)
    addresses = selectors.addresses_by_message([m.pk for m in queue])
    return render(
        request,
        "messaging/moderation.html",
        {
            **_sidebar(me),
            "page": page,
            "queue": [
                {
                    "message": m,
                    "sender": selectors.sender_label(m),
                    "waited": _waited(m.sent_at),
                    "to": ", ".join(a.label for a in addresses[m.pk]),
                }
                for m in queue
            ],
            "classes": selectors.class_moderation(actor),
        },
    )


def _page_of(request: HttpRequest, rows: QuerySet[Any]) -> Page[Any]:
    """The page of ``rows`` the request asks for (``?page=``; a bad number: the nearest)."""
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def _waited(since: datetime.datetime | None) -> str:
    return "" if since is None else waited(clock.now() - since)


def _referent_or_404(actor: Actor) -> None:
    if not (actor.is_commune_admin or actor.directed_school_ids) or not actor.active:
        raise Http404


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reports_page(request: HttpRequest) -> HttpResponse:
    me = active_caller(request)
    actor = me.actor
    _referent_or_404(actor)
    if request.method == "POST":
        report = selectors.report_of(whole_number(request.POST.get("report")) or 0)
        if report is None or not services.may_handle(actor, report.message):
            raise Http404
        try:
            services.report_handle(
                actor=actor, report=report, decision=request.POST.get("decision", "")
            )
            messages.success(request, "Décision enregistrée (et notée dans le journal).")
        except services.MessagingError as error:
            messages.error(request, str(error))
        return redirect("messaging:reports")
    page = _page_of(request, selectors.open_reports(actor))
    reports = list(page.object_list)
    done = list(selectors.handled_reports(actor))
    return render(
        request,
        "messaging/reports.html",
        {
            **_sidebar(me),
            "page": page,
            "reports": [
                {"report": r, "sender": selectors.sender_label(r.message)} for r in reports
            ],
            "done": done,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def held_page(request: HttpRequest) -> HttpResponse:
    me = active_caller(request)
    actor = me.actor
    _referent_or_404(actor)
    if request.method == "POST":
        try:
            services.held_release(
                actor=actor,
                message_id=whole_number(request.POST.get("message")) or 0,
                deliver=request.POST.get("decision") == "remettre",
            )
            messages.success(request, "Décision enregistrée (et notée dans le journal).")
        except services.MessagingError as error:
            messages.error(request, str(error))
        return redirect("messaging:held")
    page = _page_of(request, selectors.held_messages(actor))
    held = list(page.object_list)
    addresses = selectors.addresses_by_message([m.pk for m in held])
    return render(
        request,
        "messaging/held.html",
        {
            **_sidebar(me),
            "page": page,
            "held": [
                {
                    "message": m,
                    "sender": selectors.sender_label(m),
                    "to": ", ".join(a.label for a in addresses[m.pk]),
                }
                for m in held
            ],
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def switches_page(request: HttpRequest) -> HttpResponse:
    """ "Messagerie restreinte" per school (its direction) and for the commune, and the
    suspension of pupils' messaging (the commune administrator)."""
    me = active_caller(request)
    actor = me.actor
    _referent_or_404(actor)
    schools = selectors.switchable_schools(actor)
    if request.method == "POST":
        school_id = whole_number(request.POST.get("school"))
        if school_id is not None and school_id not in {s.pk for s in schools}:
            raise Http404
        try:
            services.restriction_set(
                actor=actor,
                school_id=school_id,
                restricted=request.POST.get("restricted") == "1",
                pupils_suspended=request.POST.get("pupils_suspended") == "1",
            )
            messages.success(request, "Réglage enregistré (et noté dans le journal).")
        except services.MessagingError as error:
            messages.error(request, str(error))
        return redirect("messaging:switches")
    in_force = selectors.switches()
    return render(
        request,
        "messaging/switches.html",
        {
            **_sidebar(me),
            "is_admin": actor.is_commune_admin,
            "in_force": in_force,
            "schools": [
                {"school": s, "restricted": s.pk in in_force.restricted_school_ids}
                for s in sorted(schools, key=lambda s: s.name)
            ],
        },
    )


# --- search --------------------------------------------------------------------------------

WHERE_CHOICES = [
    ("", "Partout (sauf la corbeille)"),
    (Box.INBOX, "Boîte de réception"),
    (Box.SENT, "Envoyés"),
    (Box.DRAFTS, "Brouillons"),
    (selectors.TRASH, "Corbeille"),
]


@never_cache
@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """French full text over what the person holds, with the list's filters and a place."""
    me = active_caller(request)
    owner = me.actor.id
    query = request.GET.get("q", "").strip()[: search.MAX_QUERY_LENGTH]
    filters = _filters(request)
    where_raw = request.GET.get("dans", "")
    folders = selectors.folders_of(owner)
    where: str | int | None = None
    if where_raw in dict(WHERE_CHOICES) and where_raw:
        where = where_raw
    elif whole_number(where_raw) in {f.pk for f in folders}:
        where = whole_number(where_raw)
    page = None
    lines: list[dict[str, Any]] = []
    if query:
        found = search.search_copies(
            owner,
            query,
            unread=filters.unread,
            with_files=filters.with_files,
            sender_id=filters.sender_id,
            folder=where,
        )
        page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
        lines = [
            {
                "copy": copy,
                "sender": selectors.sender_label(copy.message),
                "note": STATE_NOTES.get(copy.message.state, ""),
            }
            for copy in page.object_list
        ]
    return render(
        request,
        "messaging/search.html",
        {
            **_sidebar(me),
            "query": query,
            "filters": filters,
            "where": where_raw,
            "where_choices": WHERE_CHOICES + [(str(f.pk), f.name) for f in folders],
            "senders": selectors.senders_of(owner),
            "page": page,
            "lines": lines,
        },
    )
