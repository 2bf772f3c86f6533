"""The commune's home page (anonymous, or a dashboard for each role) and the account list."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.cards.links import first_login_address, first_login_url
from apps.accounts.cards.qr import qr_svg
from apps.accounts.context import caller, commune_or_404, found_or_404, request_actor
from apps.accounts.lifecycle import account_is_usable
from apps.accounts.models import Profile, User
from apps.accounts.permissions import Actor, can_administer_commune, can_manage_account
from apps.accounts.selectors import actor_for
from apps.accounts.services import (
    ADULT_ROLES,
    TEACHING_PROFILES,
    AccountError,
    activation_code_reissue,
    adult_assignments_change,
    adult_create,
)
from apps.french.formatting import de
from apps.navigation.menus import ScopedLink, menu_for, scoped_links
from apps.navigation.registry import todos_for
from apps.portal.forms import AdultAccountForm, AssignmentForm
from apps.portal.selectors import (
    COMMUNE_PROFILES,
    STATUS_CHOICES,
    account_listing,
    account_page,
    commune_figures,
    schools_with_current_classes,
)
from apps.schools.models import Classroom, School, SchoolMembership, SchoolRole
from apps.schools.selectors import children_of, deployed_schools, own_classes, own_schools
from apps.site.selectors import published_site_schools

ACCOUNTS_PER_PAGE = 50


@dataclass(frozen=True)
class ClassCard:
    """A class on the home page of someone who teaches it (or of its pupil), with the
    services' pages for that class."""

    classroom: Classroom
    links: list[ScopedLink]


@dataclass(frozen=True)
class ChildCard:
    child: User
    links: list[ScopedLink]


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(
            request,
            "tenant/home.html",
            {"schools": deployed_schools(), "sites": published_site_schools()},
        )
    actor = request_actor(request)
    services = [link for link in menu_for(request) if link.on_home]
    todos = todos_for(actor)
    if actor.is_commune_admin:
        return render(
            request,
            "portal/home_admin.html",
            {"figures": commune_figures(), "services": services, "todos": todos},
        )
    if actor.is_pupil:
        classes = list(own_classes(actor))
        return render(
            request,
            "portal/home_pupil.html",
            {"tiles": services, "classroom": classes[0] if classes else None, "todos": todos},
        )
    if actor.is_parent:
        children = [
            ChildCard(child=child, links=scoped_links(request, child_id=child.pk))
            for child in children_of(actor)
        ]
        return render(
            request,
            "portal/home_parent.html",
            {"children": children, "todos": todos, "services": services},
        )
    taught = actor.taught_class_ids
    cards = [
        ClassCard(classroom=classroom, links=scoped_links(request, classroom_id=classroom.pk))
        for classroom in own_classes(actor)
        if classroom.pk in taught
    ]
    return render(
        request,
        "portal/home_staff.html",
        {
            "classes": cards,
            "schools": own_schools(actor),
            "is_teacher": actor.profile == Profile.TEACHER,
            "is_director": actor.profile == Profile.DIRECTOR,
            "todos": todos,
            "services": services,
        },
    )


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not can_administer_commune(actor=actor):
        raise Http404
    search = request.GET.get("q", "").strip()[:100]
    profile = request.GET.get("profil", "")
    profile = profile if profile in dict(COMMUNE_PROFILES) else ""
    status = request.GET.get("statut", "")
    status = status if status in dict(STATUS_CHOICES) else ""
    accounts = account_listing(actor, search=search, profile=profile, status=status)
    page = Paginator(accounts, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/accounts.html",
        {
            "page": page,
            "search": search,
            "profile": profile,
            "status": status,
            "profiles": COMMUNE_PROFILES,
            "statuses": STATUS_CHOICES,
            "query": query.urlencode(),
        },
    )


# --- one account, for the commune administrator -------------------------------------------------

# Acts that take an account away from its owner (here: the password) are confirmed first, as on
# the class pages: the button posts without CONFIRMED and gets a page that says what will
# happen, whose button posts again with it.
CONFIRMED = "confirmer"


def _administrator(request: HttpRequest) -> tuple[User, Actor]:
    """The commune administrator behind the request; anyone else gets the 404 of a missing page."""
    me = caller(request)
    if not can_administer_commune(actor=me.actor):
        raise Http404
    return me.user, me.actor


def _manages(actor: Actor, user: User) -> bool:
    return can_manage_account(actor=actor, target=actor_for(user))


def _may_get_new_code(actor: Actor, user: User) -> bool:
    """Adults only: a pupil's card (and a maternelle pupil's QR code) comes from the class
    page."""
    return not user.is_pupil and account_is_usable(user) and _manages(actor, user)


@login_required
@require_GET
def account_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    _, actor = _administrator(request)
    page = found_or_404(account_page(user_id))
    user = page.user
    manages = _manages(actor, user)
    return render(
        request,
        "portal/account.html",
        {
            "page": page,
            "account": user,
            "manages": manages,
            "may_get_new_code": manages and _may_get_new_code(actor, user),
            "has_assignments": user.profile in ADULT_ROLES and manages,
        },
    )


@dataclass(frozen=True)
class SchoolBox:
    """One school of the assignment form, with its classes of this year, ticked or not."""

    school: School
    checked: bool
    role_label: str
    classes: list[tuple[Classroom, bool]]

    @property
    def open(self) -> bool:
        return self.checked or any(checked for _, checked in self.classes)


def _school_boxes(form: AssignmentForm, roles: dict[int, str] | None = None) -> list[SchoolBox]:
    schools, classes = form.chosen_ids("schools"), form.chosen_ids("classrooms")
    return [
        SchoolBox(
            school=entry.school,
            checked=entry.school.pk in schools,
            role_label=(roles or {}).get(entry.school.pk, ""),
            classes=[(classroom, classroom.pk in classes) for classroom in entry.classes],
        )
        for entry in schools_with_current_classes()
    ]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    """A teacher, director or staff account, made by the commune administrator; the result
    page shows its login and activation code once."""
    admin, _ = _administrator(request)
    form = AdultAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = adult_create(
                actor=admin,
                profile=data["profile"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                civility=data["civility"],
                schools=list(data["schools"]),
                classrooms=list(data["classrooms"]),
                request=request,
            )
        except AccountError as error:
            form.add_error(None, str(error))
        else:
            return _credentials_page(request, created.user, created.activation_code, new=True)
    return render(
        request,
        "portal/account_create.html",
        {"form": form, "boxes": _school_boxes(form)},
        status=400 if request.method == "POST" else 200,
    )


def _credentials_page(request: HttpRequest, user: User, code: str, *, new: bool) -> HttpResponse:
    """The login and activation code, shown once (never cached), with a card to print."""
    url = first_login_url(commune_or_404(request), user.username)
    return render(
        request,
        "portal/account_code.html",
        {
            "account": user,
            "code": code,
            "first_login_url": url,
            "first_login_address": first_login_address(commune_or_404(request)),
            "qr": qr_svg(url, label=f"QR code de la première connexion {de(user.display_name)}"),
            "new": new,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_assignments(request: HttpRequest, user_id: int) -> HttpResponse:
    """The schools an adult works in and the classes of this year they teach."""
    admin, actor = _administrator(request)
    user = found_or_404(User.objects.filter(pk=user_id, profile__in=ADULT_ROLES).first())
    if not _manages(actor, user):
        raise Http404
    memberships = list(SchoolMembership.objects.filter(user=user))
    initial = {
        "schools": [m.school_id for m in memberships],
        "classrooms": list(
            user.taught_classrooms.filter(year__is_current=True).values_list("pk", flat=True)
        ),
    }
    form = AssignmentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changes = adult_assignments_change(
                actor=admin,
                user=user,
                schools=list(form.cleaned_data["schools"]),
                classrooms=list(form.cleaned_data["classrooms"]),
                request=request,
            )
        except AccountError as error:
            form.add_error(None, str(error))
        else:
            if changes.changed_anything:
                messages.success(
                    request, f"Les affectations {de(user.display_name)} sont enregistrées."
                )
            else:
                messages.info(request, "Rien n'a changé.")
            return redirect("portal:account", user_id=user.pk)
    roles: dict[int, list[str]] = {}
    for membership in memberships:
        roles.setdefault(membership.school_id, []).append(membership.get_role_display())
    new_role = SchoolRole(ADULT_ROLES[user.profile]).label
    return render(
        request,
        "portal/account_assignments.html",
        {
            "account": user,
            "form": form,
            "boxes": _school_boxes(form, {pk: ", ".join(r) for pk, r in roles.items()}),
            "new_role": new_role,
            "teaches": user.profile in TEACHING_PROFILES,
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
@require_POST
def account_new_code(request: HttpRequest, user_id: int) -> HttpResponse:
    """A new activation code for an adult: the old code and the password stop working."""
    admin, actor = _administrator(request)
    user = found_or_404(User.objects.filter(pk=user_id).first())
    if user.is_pupil or not _manages(actor, user):
        raise Http404
    if not account_is_usable(user):
        messages.error(
            request,
            "Ce compte est bloqué ou parti : débloquez-le avant de lui donner un nouveau code.",
        )
        return redirect("portal:account", user_id=user.pk)
    if request.POST.get(CONFIRMED) != "oui":
        name = user.display_name
        return render(
            request,
            "portal/confirm.html",
            {
                "account": user,
                "field": CONFIRMED,
                "title": f"Nouveau code pour {name}",
                "explanation": (
                    f"Le mot de passe et l'ancien code {de(name)} ne fonctionneront plus. Un "
                    "nouveau code d'activation sera affiché une seule fois : remettez-le à la "
                    "personne, qui choisira un nouveau mot de passe à sa prochaine connexion."
                ),
                "button": "Donner un nouveau code",
            },
        )
    code = activation_code_reissue(actor=admin, user=user, request=request)
    return _credentials_page(request, user, code, new=False)
