"""Pages of the cahier de textes: a class's week and day (pupils, parents for each child,
staff), and the editing form for the class's teachers and director.

Every view answers 404 alike when the class, child or entry is missing or out of reach, and
changes nothing then.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from apps import dates
from apps.accounts.context import Caller, active_caller
from apps.accounts.models import User
from apps.accounts.permissions import Actor
from apps.attachments.forms import AttachmentsForm, save_with_files
from apps.french import formatting
from apps.homework import selectors, services
from apps.homework.forms import EntryForm, OccurrenceForm
from apps.homework.models import HomeworkEntry
from apps.schools.models import Classroom
from apps.schools.selectors import children_of


def _query_day(request: HttpRequest, name: str) -> datetime.date:
    """A day named in the query string (today when absent); malformed or out of bounds: 400."""
    return dates.query_date(request.GET.get(name), default=timezone.localdate(), name=name)


def _attachments_form(
    request: HttpRequest, user: User, form_key: str, entry: HomeworkEntry | None
) -> AttachmentsForm:
    return AttachmentsForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=user,
        form_key=form_key,
        existing=entry.attachments.all() if entry is not None else (),
    )


def _both_valid(form: EntryForm, files: AttachmentsForm) -> bool:
    # Both checked, so that a mistake in the entry does not hide one in the files; the files
    # that pass are kept (pending) whatever the entry's fate, and need not be chosen again.
    entry_valid = form.is_valid()
    files_valid = files.keep()
    return entry_valid and files_valid


def _entry_form_page(
    request: HttpRequest,
    form: EntryForm,
    classroom: Classroom,
    entry: HomeworkEntry | None,
    files: AttachmentsForm,
) -> HttpResponse:
    return render(
        request,
        "homework/entry_form.html",
        {"form": form, "classroom": classroom, "entry": entry, "attachments_form": files},
    )


def _save(
    me: Caller,
    form: EntryForm,
    classroom: Classroom,
    entry: HomeworkEntry | None,
    files: AttachmentsForm,
) -> HomeworkEntry | None:
    try:
        # One transaction for the entry and its files: a refused file leaves neither.
        return save_with_files(
            me.user,
            files,
            lambda: (
                services.homework_entry_create(
                    author=me.actor, classroom=classroom, **form.cleaned_data
                )
                if entry is None
                else services.homework_entry_update(
                    author=me.actor, entry=entry, **form.cleaned_data
                )
            ),
            created=entry is None,
        )
    except services.HomeworkError:
        form.add_error(
            None,
            "Indiquez ce qui a été fait ou le travail à faire (avec son jour, après la séance) ; "
            "une répétition a besoin d'une date de fin.",
        )
        return None


# --- reading ------------------------------------------------------------------------------


def _page(
    request: HttpRequest,
    actor: Actor,
    classroom: Classroom,
    *,
    day: datetime.date | None,
    child: User | None = None,
    children: list[User] | None = None,
) -> HttpResponse:
    reference = day or _query_day(request, "semaine")
    start, end = (reference, reference) if day else selectors.week_bounds(reference)
    step = datetime.timedelta(days=1 if day else 7)
    days = selectors.notebook(actor, classroom, start, end)
    return render(
        request,
        "homework/notebook.html",
        {
            "classroom": classroom,
            "days": days,
            "week_off": "" if day else selectors.week_off(days),
            "start": start,
            "end": end,
            "is_day": day is not None,
            "previous": start - step,
            "next": start + step,
            "child": child,
            "children": children or [],
            "may_edit": selectors.may_edit(actor, classroom),
            "is_pupil": actor.is_pupil,
        },
    )


@never_cache
@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    actor = active_caller(request).actor
    if actor.is_pupil:
        classroom = selectors.classroom_of_pupil(actor, actor.id)
        if classroom is None:
            return render(request, "homework/no_class.html")
        return _page(request, actor, classroom, day=None)
    if actor.is_parent:
        children = children_of(actor, with_class=False)
        if children:
            return redirect("homework:child_week", child_id=children[0].pk)
        return render(request, "homework/no_class.html")
    if actor.is_school_staff:
        return render(
            request,
            "homework/classes.html",
            {"classrooms": list(selectors.current_classrooms_visible_to(actor))},
        )
    raise Http404


def _class_or_404(actor: Actor, classroom_id: int) -> Classroom:
    classroom = selectors.classroom_for_viewer(actor, classroom_id)
    if classroom is None:
        raise Http404
    return classroom


@never_cache
@login_required
@require_GET
def class_week(request: HttpRequest, classroom_id: int) -> HttpResponse:
    actor = active_caller(request).actor
    return _page(request, actor, _class_or_404(actor, classroom_id), day=None)


@never_cache
@login_required
@require_GET
def class_day(request: HttpRequest, classroom_id: int, day: str) -> HttpResponse:
    actor = active_caller(request).actor
    return _page(request, actor, _class_or_404(actor, classroom_id), day=dates.path_date(day))


def _child_page(request: HttpRequest, child_id: int, day: datetime.date | None) -> HttpResponse:
    actor = active_caller(request).actor
    if not actor.is_parent:
        raise Http404
    classroom = selectors.classroom_of_pupil(actor, child_id)
    if classroom is None:
        raise Http404
    children = children_of(actor, with_class=False)
    child = next(c for c in children if c.pk == child_id)
    return _page(request, actor, classroom, day=day, child=child, children=children)


@never_cache
@login_required
@require_GET
def child_week(request: HttpRequest, child_id: int) -> HttpResponse:
    return _child_page(request, child_id, None)


@never_cache
@login_required
@require_GET
def child_day(request: HttpRequest, child_id: int, day: str) -> HttpResponse:
    return _child_page(request, child_id, dates.path_date(day))


# --- editing ------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def entry_new(request: HttpRequest, classroom_id: int) -> HttpResponse:
    me = active_caller(request)
    user, actor = me.user, me.actor
    classroom = selectors.classroom_for_editor(actor, classroom_id)
    if classroom is None:
        raise Http404
    form = EntryForm(
        request.POST if request.method == "POST" else None,
        initial={"on": _query_day(request, "jour"), "publish": True},
    )
    files = _attachments_form(request, user, f"homework:new:{classroom.pk}", None)
    if request.method == "POST" and _both_valid(form, files):
        entry = _save(me, form, classroom, None, files)
        if entry is not None:
            messages.success(request, "La séance est enregistrée dans le cahier de textes.")
            _tell_skipped(request, entry)
            return redirect(_week_url(classroom, entry.on))
    return _entry_form_page(request, form, classroom, None, files)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    me = active_caller(request)
    user, actor = me.user, me.actor
    entry = selectors.entry_for_editor(actor, entry_id)
    if entry is None:
        raise Http404
    initial = {
        "domain": entry.domain,
        "on": entry.on,
        "done": entry.done,
        "due_on": entry.due_on,
        "todo": entry.todo,
        "repeat": entry.repeat,
        "repeat_until": entry.repeat_until,
        "publish": entry.is_published,
    }
    form = EntryForm(request.POST if request.method == "POST" else None, initial=initial)
    files = _attachments_form(request, user, f"homework:edit:{entry.pk}", entry)
    if request.method == "POST":
        if request.POST.get("delete"):
            services.homework_entry_delete(author=actor, entry=entry)
            messages.success(request, "La séance est supprimée.")
            return redirect(_week_url(entry.classroom, entry.on))
        if _both_valid(form, files) and _save(me, form, entry.classroom, entry, files) is not None:
            messages.success(request, "La séance est modifiée.")
            _tell_skipped(request, entry)
            return redirect(_week_url(entry.classroom, entry.on))
    return _entry_form_page(request, form, entry.classroom, entry, files)


def _tell_skipped(request: HttpRequest, entry: HomeworkEntry) -> None:
    """How many repetitions fall on days without school, hence have no session, and why."""
    skipped = selectors.skipped_sessions(entry)
    count = sum(len(group.days) for group in skipped)
    if not count:
        return
    why = " ; ".join(
        f"{group.reason} ({', '.join(formatting.jour_mois(day) for day in group.days)})"
        for group in skipped
    )
    if count == 1:
        said = "1 séance de la série tombe un jour sans classe et n'est pas créée"
    else:
        said = f"{count} séances de la série tombent un jour sans classe et ne sont pas créées"
    messages.info(request, f"{said} : {why}.")


def _week_url(classroom: Classroom, day: datetime.date) -> str:
    return f"{reverse('homework:class_week', args=[classroom.pk])}?semaine={day.isoformat()}"


# --- one occurrence of a repeated entry -----------------------------------------------------

SCOPE_OCCURRENCE, SCOPE_SERIES = "seance", "serie"


class ScopeForm(forms.Form):
    portee = forms.ChoiceField(
        label="Que voulez-vous modifier ?",
        choices=[
            (SCOPE_OCCURRENCE, "Cette séance seulement"),
            (SCOPE_SERIES, "Toute la série"),
        ],
        widget=forms.RadioSelect,
    )


def _occurrence_or_404(
    request: HttpRequest, entry_id: int, day: str
) -> tuple[Actor, HomeworkEntry, datetime.date]:
    actor = active_caller(request).actor
    entry = selectors.entry_for_editor(actor, entry_id)
    on = dates.path_date(day)
    if entry is None or not entry.repeat or not selectors.is_session_day(entry, on):
        raise Http404
    return actor, entry, on


@never_cache
@login_required
@require_GET
def occurrence_scope(request: HttpRequest, entry_id: int, day: str) -> HttpResponse:
    """Editing a repeated entry from one of its days: this day alone, or the whole series."""
    _actor, entry, on = _occurrence_or_404(request, entry_id, day)
    form = ScopeForm(request.GET if "portee" in request.GET else None)
    if form.is_valid():
        if form.cleaned_data["portee"] == SCOPE_SERIES:
            return redirect("homework:edit", entry_id=entry.pk)
        return redirect("homework:occurrence_edit", entry_id=entry.pk, day=on.isoformat())
    return render(
        request,
        "homework/occurrence_scope.html",
        {"form": form, "entry": entry, "on": on, "classroom": entry.classroom},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def occurrence_edit(request: HttpRequest, entry_id: int, day: str) -> HttpResponse:
    actor, entry, on = _occurrence_or_404(request, entry_id, day)
    override = selectors.override_for(entry, on)
    if override is not None:
        initial = {
            "domain": override.domain,
            "done": override.done,
            "due_on": override.due_on,
            "todo": override.todo,
        }
    else:
        lag = entry.due_on - entry.on if entry.due_on else None
        initial = {
            "domain": entry.domain,
            "done": entry.done,
            "due_on": on + lag if lag is not None else None,
            "todo": entry.todo,
        }
    form = OccurrenceForm(
        request.POST if request.method == "POST" else None, initial=initial, on=on
    )
    week = _week_url(entry.classroom, on)
    if request.method == "POST":
        if request.POST.get("cancel"):
            services.homework_occurrence_cancel(author=actor, entry=entry, on=on)
            messages.success(request, f"La séance du {formatting.date_courte(on)} est annulée.")
            return redirect(week)
        if request.POST.get("restore"):
            services.homework_occurrence_restore(author=actor, entry=entry, on=on)
            messages.success(
                request, f"La séance du {formatting.date_courte(on)} suit de nouveau la série."
            )
            return redirect(week)
        if form.is_valid():
            try:
                services.homework_occurrence_update(
                    author=actor, entry=entry, on=on, **form.cleaned_data
                )
            except services.HomeworkError:
                form.add_error(
                    None,
                    "Indiquez ce qui a été fait ou le travail à faire (avec son jour, le jour "
                    "de la séance ou après).",
                )
            else:
                messages.success(
                    request, f"La séance du {formatting.date_courte(on)} est modifiée (seule)."
                )
                return redirect(week)
    return render(
        request,
        "homework/occurrence_form.html",
        {
            "form": form,
            "entry": entry,
            "on": on,
            "override": override,
            "classroom": entry.classroom,
            "week": week,
        },
    )
