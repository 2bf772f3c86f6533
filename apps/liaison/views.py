"""Pages of the cahier de liaison: the author's notes and their status, the families' notes
for each child, the pupils' notes (read-only), paper slips.

Every view answers 404 alike when the note, class or child is missing or out of reach, and
changes nothing then.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.context import active_caller, caller, commune_or_404
from apps.accounts.models import User
from apps.accounts.permissions import (
    Actor,
    can_administer_commune,
    can_manage_school,
    can_write_liaison_note,
)
from apps.attachments.forms import AttachmentsForm, Item, save_with_files
from apps.classes.selectors import classroom_managed_by, classrooms_managed_by
from apps.french.ordering import name_order
from apps.liaison import services
from apps.liaison.models import LiaisonNote, LiaisonPolicy, Recipients, Reminder
from apps.liaison.pdf import note_slips_pdf
from apps.liaison.selectors import (
    note_for_family,
    note_managed_by,
    note_reminders,
    note_replies,
    note_status,
    notes_for_child,
    notes_written_for,
    own_replies,
    start_of_today,
)
from apps.schools.models import Classroom, Enrolment, School
from apps.schools.selectors import children_of


def _managed_note_or_404(actor: Actor, note_id: int) -> LiaisonNote:
    note = note_managed_by(actor, note_id)
    if note is None:
        raise Http404
    return note


class NoteForm(forms.Form):
    title = forms.CharField(
        label="Titre",
        max_length=200,
        help_text="Les familles le voient dans leur notification.",
    )
    text = forms.CharField(
        label="Texte",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Publié tel quel, sans mise en forme ; les retours à la ligne sont conservés.",
    )
    acknowledgement_required = forms.BooleanField(
        label="Demander aux responsables légaux de confirmer la prise de connaissance",
        required=False,
        initial=True,
        help_text=(
            "Ils voient un bouton « J'ai pris connaissance » ; la page du mot suit les "
            "confirmations et permet de relancer les familles qui n'ont pas confirmé."
        ),
    )


class ClassNoteForm(NoteForm):
    audience = forms.ChoiceField(
        label="Destinataires",
        choices=[(Recipients.CLASS, "Toute la classe"), (Recipients.PUPILS, "Les élèves choisis")],
        widget=forms.RadioSelect,
        initial=Recipients.CLASS,
        error_messages={"required": "Choisissez les destinataires du mot."},
    )
    pupils = forms.TypedMultipleChoiceField(
        label="Élèves choisis",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Seulement pour « Les élèves choisis » : cochez les élèves concernés.",
        error_messages={"invalid_choice": "Cet élève n'est pas dans la classe."},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        # A refused pupil already has its own error on the field.
        chose_none = data.get("audience") == Recipients.PUPILS and not data.get("pupils")
        if chose_none and "pupils" not in self.errors:
            self.add_error("pupils", "Choisissez au moins un élève.")
        return data


def _offer_urgent(form: forms.Form, actor: Actor, school_id: int) -> None:
    """The direction's emergency override (quiet hours, ``apps.quiethours``): only the
    direction sees the box; the service checks the rule again and journals its use."""
    if can_manage_school(actor=actor, school_id=school_id):
        form.fields["urgent"] = forms.BooleanField(
            label="Urgent : prévenir les familles tout de suite",
            required=False,
            help_text=(
                "Même le soir, en fin de semaine ou pendant les vacances, quand les notifications "
                "attendent d'habitude le matin du prochain jour d'école. L'envoi est noté "
                "dans le journal de la commune."
            ),
        )


def _attachments_form(
    request: HttpRequest,
    user: User,
    form_key: str,
    note: LiaisonNote | None,
    *,
    removable: bool = True,
) -> AttachmentsForm:
    return AttachmentsForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=user,
        form_key=form_key,
        existing=note.attachments.all() if note is not None else (),
        removable=removable,
    )


def _both_valid(form: forms.Form, files: AttachmentsForm) -> bool:
    # Both checked; the files that pass are kept (pending) even if the note is refused, so
    # that they need not be chosen again.
    note_valid = form.is_valid()
    files_valid = files.keep()
    return note_valid and files_valid


class ReplyForm(forms.Form):
    text = forms.CharField(label="Votre réponse", widget=forms.Textarea(attrs={"rows": 3}))


def _write(
    user: User,
    form: forms.Form,
    files: AttachmentsForm,
    write: Callable[[], Item],
    *,
    created: bool = False,
) -> Item | None:
    """``save_with_files``, with a refusal of the service (a race, mostly: a family confirmed
    meanwhile) shown on the form, the input kept, instead of an error page. ``created``:
    ``write`` makes a new note (a correction too), whose service checked the author's right,
    so its files are joined without checking it again."""
    try:
        return save_with_files(user, files, write, created=created)
    except services.NoteLocked:
        form.add_error(
            None,
            "Une famille vient de confirmer ce mot : il ne peut plus être modifié. "
            "Rechargez la page pour publier une correction.",
        )
    except services.LiaisonError:
        form.add_error(None, "Le mot n'a pas pu être enregistré : vérifiez les destinataires.")
    return None


# --- the author's pages -------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    actor = active_caller(request).actor
    if actor.is_school_staff:
        return render(
            request,
            "liaison/author_list.html",
            {
                "notes": list(notes_written_for(actor)),
                "classrooms": list(classrooms_managed_by(actor)),
                "schools": list(School.objects.filter(pk__in=actor.directed_school_ids)),
            },
        )
    if actor.is_parent:
        children = children_of(actor, with_class=False)
        if children:
            return redirect("liaison:child", child_id=children[0].pk)
        return render(request, "liaison/family.html", {"children": [], "notes": []})
    if actor.is_pupil:
        return render(
            request,
            "liaison/pupil.html",
            {"notes": list(notes_for_child(actor, actor.id))},
        )
    raise Http404


def _class_form(classroom: Classroom, data: object = None) -> ClassNoteForm:
    form = ClassNoteForm(data)  # type: ignore[arg-type]
    pupils = (
        Enrolment.objects.current()
        .filter(classroom=classroom)
        .select_related("pupil")
        .order_by(*name_order("pupil__last_name", "pupil__first_name"), "pupil_id")
    )
    form.fields["pupils"].choices = [(e.pupil_id, e.pupil.display_name) for e in pupils]  # type: ignore[attr-defined]
    return form


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def note_new_for_class(request: HttpRequest, classroom_id: int) -> HttpResponse:
    me = active_caller(request)
    user, actor = me.user, me.actor
    classroom = classroom_managed_by(actor, classroom_id)
    if classroom is None or not can_write_liaison_note(
        author=actor, school_id=classroom.school_id, classroom_id=classroom.pk
    ):
        raise Http404
    form = _class_form(classroom, request.POST if request.method == "POST" else None)
    _offer_urgent(form, actor, classroom.school_id)
    files = _attachments_form(request, user, f"liaison:class:{classroom.pk}", None)
    if request.method == "POST" and _both_valid(form, files):
        note = _write(
            user,
            form,
            files,
            lambda: services.liaison_note_create(
                author=actor,
                classroom=classroom,
                audience=form.cleaned_data["audience"],
                pupil_ids=form.cleaned_data["pupils"],
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                acknowledgement_required=form.cleaned_data["acknowledgement_required"],
                urgent=form.cleaned_data.get("urgent", False),
            ),
            created=True,
        )
        if note is not None:
            messages.success(request, "Le mot est publié dans le cahier de liaison.")
            return redirect("liaison:status", note_id=note.pk)
    return render(
        request,
        "liaison/note_form.html",
        {"form": form, "target": classroom.name, "note": None, "attachments_form": files},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def note_new_for_school(request: HttpRequest, school_id: int) -> HttpResponse:
    me = active_caller(request)
    user, actor = me.user, me.actor
    school = School.objects.filter(pk=school_id).first()
    if school is None or not can_write_liaison_note(
        author=actor, school_id=school.pk, classroom_id=None
    ):
        raise Http404
    form = NoteForm(request.POST if request.method == "POST" else None)
    _offer_urgent(form, actor, school.pk)
    files = _attachments_form(request, user, f"liaison:school:{school.pk}", None)
    if request.method == "POST" and _both_valid(form, files):
        note = _write(
            user,
            form,
            files,
            lambda: services.liaison_note_create(
                author=actor, school=school, audience=Recipients.SCHOOL, **form.cleaned_data
            ),
            created=True,
        )
        if note is not None:
            messages.success(request, "Le mot est publié dans le cahier de liaison.")
            return redirect("liaison:status", note_id=note.pk)
    return render(
        request,
        "liaison/note_form.html",
        {
            "form": form,
            "target": f"toute l'école {school.name}",
            "note": None,
            "attachments_form": files,
        },
    )


@never_cache
@login_required
@require_GET
def note_status_page(request: HttpRequest, note_id: int) -> HttpResponse:
    actor = active_caller(request).actor
    note = _managed_note_or_404(actor, note_id)
    rows = note_status(note)
    confirmed = sum(1 for row in rows if row.confirmed_at is not None)
    reminders = list(note_reminders(note))
    today = start_of_today()
    return render(
        request,
        "liaison/status.html",
        {
            "note": note,
            "rows": rows,
            "confirmed": confirmed,
            "waiting": len(rows) - confirmed,
            "replies": list(note_replies(note)),
            "reminders": reminders,
            "reminded_today": next((r for r in reminders if r.at >= today), None),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, note_id: int) -> HttpResponse:
    """Edit a note no one has confirmed; once confirmed, the same form publishes a correction."""
    me = active_caller(request)
    user, actor = me.user, me.actor
    note = _managed_note_or_404(actor, note_id)
    locked = services.liaison_note_is_confirmed(note)
    initial = {
        "title": note.title,
        "text": note.text,
        "acknowledgement_required": note.acknowledgement_required,
    }
    form = NoteForm(request.POST if request.method == "POST" else None, initial=initial)
    # A confirmed note keeps its files; the form then joins files to the correction.
    files = _attachments_form(request, user, f"liaison:edit:{note.pk}", None if locked else note)
    if request.method == "POST" and _both_valid(form, files):
        if locked:
            correction = _write(
                user,
                form,
                files,
                lambda: services.liaison_note_correct(author=actor, note=note, **form.cleaned_data),
                created=True,
            )
            if correction is not None:
                messages.success(request, "La correction est publiée.")
                return redirect("liaison:status", note_id=correction.pk)
        elif _write(
            user,
            form,
            files,
            lambda: services.liaison_note_update(
                author=actor,
                note=note,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                acknowledgement_required=form.cleaned_data["acknowledgement_required"],
            ),
        ):
            messages.success(request, "Le mot est modifié.")
            return redirect("liaison:status", note_id=note.pk)
    return render(
        request,
        "liaison/note_form.html",
        {
            "form": form,
            "note": note,
            "locked": locked,
            "target": note.title,
            "attachments_form": files,
        },
    )


@login_required
@require_POST
def note_remind(request: HttpRequest, note_id: int) -> HttpResponse:
    actor = active_caller(request).actor
    note = _managed_note_or_404(actor, note_id)
    try:
        reminder = services.liaison_note_remind(author=actor, note=note)
    except services.AlreadyRemindedToday as refused:
        messages.error(request, already_reminded_text(refused.last))
        return redirect("liaison:status", note_id=note.pk)
    except services.NothingToRemind:
        messages.error(
            request, "Personne à relancer : ce mot est confirmé pour chaque élève, ou corrigé."
        )
        return redirect("liaison:status", note_id=note.pk)
    except services.LiaisonError as error:
        raise Http404 from error
    count = len(reminder.child_ids)
    plural = "s" if count > 1 else ""
    messages.success(
        request,
        f"Relance envoyée aux responsables légaux de {count} élève{plural} "
        f"qui n'ont pas confirmé : ils sont notifiés dans l'ENT, et par e-mail dans leur "
        "résumé quotidien s'ils l'ont choisi.",
    )
    return redirect("liaison:status", note_id=note.pk)


def already_reminded_text(last: Reminder) -> str:
    at = date_format(timezone.localtime(last.at), "H:i")
    by = f" par {last.sent_by.display_name}" if last.sent_by else " automatiquement"
    return (
        f"Les familles ont déjà été relancées aujourd'hui à {at}{by}. Une seule relance par "
        "jour : rien n'a été envoyé, réessayez demain."
    )


@login_required
@require_GET
def note_slips(request: HttpRequest, note_id: int) -> HttpResponse:
    actor = active_caller(request).actor
    note = _managed_note_or_404(actor, note_id)
    commune = commune_or_404(request)
    if not note.is_published:
        raise Http404
    response = HttpResponse(note_slips_pdf(note=note, commune=commune), "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="cahier-de-liaison-{note.pk}.pdf"'
    return response


# --- the families' pages ------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def child_notes(request: HttpRequest, child_id: int) -> HttpResponse:
    actor = active_caller(request).actor
    if not actor.is_parent or child_id not in actor.child_ids:
        raise Http404
    children = children_of(actor, with_class=False)
    notes = list(notes_for_child(actor, child_id))
    services.liaison_notes_mark_read(
        guardian=actor, notes=[n for n in notes if not getattr(n, "read", False)]
    )
    replies = own_replies(notes, actor.id)
    for note in notes:
        note.own_reply = replies.get(note.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "liaison/family.html",
        {
            "children": children,
            "child": next(child for child in children if child.pk == child_id),
            "notes": notes,
            "may_confirm": child_id in actor.authority_child_ids,
            "me": actor.id,
            "reply_form": ReplyForm(),
        },
    )


def _family_note_or_404(request: HttpRequest, child_id: int, note_id: int) -> LiaisonNote:
    actor = active_caller(request).actor
    found = note_for_family(actor, note_id)
    if (
        found is None
        or not actor.is_parent
        or child_id not in actor.child_ids
        or child_id not in found[1]
    ):
        raise Http404
    return found[0]


@login_required
@require_POST
def note_confirm(request: HttpRequest, child_id: int, note_id: int) -> HttpResponse:
    note = _family_note_or_404(request, child_id, note_id)
    child = User.objects.filter(pk=child_id).first()
    if child is None:
        raise Http404
    try:
        services.liaison_note_confirm(guardian=caller(request).actor, note=note, child=child)
    except services.LiaisonError as error:
        raise Http404 from error
    messages.success(request, f"Prise de connaissance enregistrée pour « {note.title} ».")
    return redirect("liaison:child", child_id=child_id)


@login_required
@require_POST
def note_reply(request: HttpRequest, child_id: int, note_id: int) -> HttpResponse:
    note = _family_note_or_404(request, child_id, note_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "La réponse est vide.")
        return redirect("liaison:child", child_id=child_id)
    try:
        services.liaison_note_reply(
            guardian=caller(request).actor, note=note, text=form.cleaned_data["text"]
        )
    except services.AlreadyReplied:
        # A second click (or a second tab): the first answer stands and is shown.
        messages.error(request, "Vous avez déjà répondu à ce mot : votre réponse est ci-dessous.")
        return redirect("liaison:child", child_id=child_id)
    except services.LiaisonError as error:
        raise Http404 from error
    messages.success(request, "Votre réponse est envoyée à l'auteur du mot.")
    return redirect("liaison:child", child_id=child_id)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = LiaisonPolicy
        fields = ["reminder_days"]
        help_texts = {
            "reminder_days": "0 : pas de relance automatique. Vide : le réglage du groupement.",
        }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest) -> HttpResponse:
    """The commune administrator sets when families are reminded automatically."""
    actor = active_caller(request).actor
    if not can_administer_commune(actor=actor):
        raise Http404
    current = LiaisonPolicy.objects.filter(pk=1).first() or LiaisonPolicy(pk=1)
    form = PolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Réglages du cahier de liaison enregistrés.")
        return redirect("liaison:policy")
    return render(
        request,
        "liaison/policy.html",
        {"form": form, "default_days": settings.ENT_LIAISON_REMINDER_DAYS},
    )
