"""The editor's pages of a school's site (``/site-ecole/…``): the school's director and the
commune's administrator. Every view answers 404 alike when the school or the page is missing
or out of reach, and changes nothing then."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.context import found_or_404, request_actor
from apps.schools.models import School
from apps.site import selectors, services
from apps.site.contrast import PALETTE, contrast_ratio, ratio_text
from apps.site.forms import (
    CUSTOM,
    AuditForm,
    ColoursForm,
    LogoForm,
    PageAddForm,
    PageForm,
    PlaceForm,
)
from apps.site.models import Page, Site


def _school_and_site(request: HttpRequest, school_id: int) -> tuple[School, Site]:
    actor = request_actor(request)
    school = found_or_404(selectors.school_for_editor(actor, school_id))
    return school, services.site_open(actor=actor, school=school)


def _dashboard(school: School) -> HttpResponse:
    return redirect("school_site:edit", school.pk)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    schools = selectors.editable_schools(request_actor(request))
    if not schools:
        return render(request, "site/none.html", status=404)
    if len(schools) == 1:  # a director's one school: straight to its site
        return _dashboard(schools[0])
    return render(request, "site/index.html", {"schools": schools})


@login_required
def edit(request: HttpRequest, school_id: int) -> HttpResponse:
    school, site = _school_and_site(request, school_id)
    tree = selectors.flatten(selectors.page_tree(site))
    add_form = PageAddForm(parents=[(node.page.pk, node.page.title) for node in tree])
    return render(
        request,
        "site/edit.html",
        {"school": school, "site": site, "nodes": tree, "add_form": add_form},
    )


@login_required
@require_POST
def publish(request: HttpRequest, school_id: int) -> HttpResponse:
    school, site = _school_and_site(request, school_id)
    published = request.POST.get("published") == "1"
    services.site_publish(actor=request_actor(request), site=site, published=published)
    messages.success(
        request,
        "Le site est publié : tout le monde peut le lire."
        if published
        else "Le site n'est plus publié : seuls ses rédacteurs le voient, en aperçu.",
    )
    return _dashboard(school)


@login_required
@require_http_methods(["GET", "POST"])
def colours(request: HttpRequest, school_id: int) -> HttpResponse:
    school, site = _school_and_site(request, school_id)
    initial = {"palette": CUSTOM, "background": site.background_colour, "text": site.text_colour}
    for n, (background, text, _) in enumerate(PALETTE):
        if (background, text) == (site.background_colour, site.text_colour):
            initial["palette"] = str(n)
    form = ColoursForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        background, text = form.pair()
        try:
            services.site_set_colours(
                actor=request_actor(request), site=site, background=background, text=text
            )
        except services.SiteError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Les couleurs du site sont enregistrées.")
            return _dashboard(school)
    palette = [
        {
            "value": str(n),
            "background": b,
            "text": t,
            "name": name,
            "ratio": ratio_text(contrast_ratio(b, t)),
        }
        for n, (b, t, name) in enumerate(PALETTE)
    ]
    return render(
        request,
        "site/colours.html",
        {"school": school, "site": site, "form": form, "palette": palette},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def logo(request: HttpRequest, school_id: int) -> HttpResponse:
    school, site = _school_and_site(request, school_id)
    form = LogoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["logo"]
        if not upload and not form.cleaned_data["remove"]:
            form.add_error("logo", "Choisissez une image, ou cochez « Retirer le logo ».")
        else:
            try:
                services.site_set_logo(
                    actor=request_actor(request), site=site, upload=upload or None
                )
            except services.SiteError as error:
                form.add_error("logo", str(error))
            else:
                messages.success(
                    request, "Le logo est enregistré." if upload else "Le logo est retiré."
                )
                return _dashboard(school)
    return render(
        request,
        "site/logo.html",
        {"school": school, "site": site, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def page_add(request: HttpRequest, school_id: int) -> HttpResponse:
    school, site = _school_and_site(request, school_id)
    tree = selectors.flatten(selectors.page_tree(site))
    form = PageAddForm(request.POST, parents=[(node.page.pk, node.page.title) for node in tree])
    if form.is_valid():
        parents = {node.page.pk: node.page for node in tree}
        try:
            page = services.page_create(
                actor=request_actor(request),
                site=site,
                title=form.cleaned_data["title"],
                parent=parents.get(form.cleaned_data["parent"]),
            )
        except services.SiteError as error:
            form.add_error("title", str(error))
        else:
            messages.success(request, f"La page « {page.title} » est ajoutée : écrivez son texte.")
            return redirect("school_site:page", school.pk, page.pk)
    return render(
        request,
        "site/edit.html",
        {"school": school, "site": site, "nodes": tree, "add_form": form},
        status=400,
    )


def _page_form(page: Page, data: QueryDict | None = None) -> PageForm:
    initial = {
        "title": page.title,
        "slug": page.slug,
        "body": page.body,
        "published": page.published,
    }
    return PageForm(data, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def page_edit(request: HttpRequest, school_id: int, page_id: int) -> HttpResponse:
    actor = request_actor(request)
    page = found_or_404(selectors.page_for_editor(actor, school_id, page_id))
    form = _page_form(page, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.page_update(
                actor=actor,
                page=page,
                title=data["title"],
                slug=data["slug"],
                body=data["body"],
                published=data["published"],
            )
        except services.SiteError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"La page « {page.title} » est enregistrée.")
            return redirect("school_site:edit", school_id)
    return render(
        request,
        "site/page_form.html",
        {
            "school": page.site.school,
            "page": page,
            "form": form,
            "place_form": PlaceForm(
                parents=_places(page), initial={"parent": page.parent_id or ""}
            ),
        },
        status=400 if form.errors else 200,
    )


def _places(page: Page) -> list[tuple[int, str]]:
    """Where the page may go: any page of its site but itself and its own sub-pages."""
    nodes = selectors.flatten(selectors.page_tree(page.site))
    inside = next(node for node in nodes if node.page.pk == page.pk)
    excluded = {node.page.pk for node in selectors.flatten([inside])}
    return [(node.page.pk, node.page.title) for node in nodes if node.page.pk not in excluded]


@login_required
@require_POST
def page_place(request: HttpRequest, school_id: int, page_id: int) -> HttpResponse:
    actor = request_actor(request)
    page = found_or_404(selectors.page_for_editor(actor, school_id, page_id))
    places = _places(page)
    form = PlaceForm(request.POST, parents=places)
    if form.is_valid():
        chosen = form.cleaned_data["parent"]
        parent = None if chosen is None else Page.objects.get(pk=chosen, site=page.site)
        try:
            services.page_place(actor=actor, page=page, parent=parent)
        except services.SiteError as error:
            form.add_error("parent", str(error))
        else:
            messages.success(request, f"La page « {page.title} » est déplacée.")
            return redirect("school_site:edit", school_id)
    return render(
        request,
        "site/page_form.html",
        {"school": page.site.school, "page": page, "form": _page_form(page), "place_form": form},
        status=400,
    )


@login_required
@require_POST
def page_move(request: HttpRequest, school_id: int, page_id: int) -> HttpResponse:
    actor = request_actor(request)
    page = found_or_404(selectors.page_for_editor(actor, school_id, page_id))
    services.page_move(actor=actor, page=page, up=request.POST.get("direction") == "up")
    return redirect(f"/site-ecole/{school_id}/#page-{page.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def page_delete(request: HttpRequest, school_id: int, page_id: int) -> HttpResponse:
    actor = request_actor(request)
    page = found_or_404(selectors.page_for_editor(actor, school_id, page_id))
    if request.method == "POST":
        title = page.title
        services.page_delete(actor=actor, page=page)
        messages.success(request, f"La page « {title} » est supprimée.")
        return redirect("school_site:edit", school_id)
    below = next(
        (
            node.descendants
            for node in selectors.flatten(selectors.page_tree(page.site))
            if node.page.pk == page.pk
        ),
        0,
    )
    return render(
        request,
        "site/page_delete.html",
        {"school": page.site.school, "page": page, "below": below},
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit(request: HttpRequest, school_id: int) -> HttpResponse:
    school, site = _school_and_site(request, school_id)
    initial = {
        "audit_on": site.audit_on,
        "rate": site.audit_rate,
        "by": site.audit_by,
        "failures": site.audit_failures,
    }
    form = AuditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.site_set_audit(
                actor=request_actor(request),
                site=site,
                audit_on=data["audit_on"],
                rate=data["rate"],
                by=data["by"],
                failures=data["failures"],
            )
        except services.SiteError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "La déclaration d'accessibilité est à jour.")
            return _dashboard(school)
    return render(request, "site/audit.html", {"school": school, "site": site, "form": form})
