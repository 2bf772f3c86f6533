"""Writes to a school's site. Each service checks its rule itself and raises ``SiteError``
(its message is French, for the form); the views answer 404 to an actor out of reach, so a
forbidden act looks like a missing one. Every change ends with ``site_changed``."""

from __future__ import annotations

import datetime

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from apps.accounts.permissions import Actor, can_edit_school_site
from apps.attachments import kinds
from apps.attachments.services import (
    AttachmentError,
    check_file,
    delete_object_after_commit,
    safe_name,
)
from apps.audit.services import record_event

# The one line to change when the sanitiser moves to the shared rich-text service.
from apps.richtext.sanitise import PUBLICATION, sanitise
from apps.schools.models import School
from apps.site import caching, contrast
from apps.site.models import Page, Site
from apps.site.naming import of_school


class SiteError(Exception):
    pass


class NotAllowed(SiteError):
    """The actor may not edit this school's site (the views answer 404)."""


# Top-level addresses the site's own pages use (apps/site/urls.py): no page may take them.
RESERVED_SLUGS = frozenset({"mentions-legales", "accessibilite", "logo", "apercu", "publications"})
LOGO_MAX_BYTES = 2 * 1024 * 1024

DEFAULT_PAGES = (
    ("Accueil", "accueil"),
    ("L'équipe", "equipe"),
    ("Nos projets", "projets"),
    ("Informations pratiques", "informations-pratiques"),
)


def site_changed(school_id: int) -> None:
    """Every cached public page of the school's site is stale: call it after any change that
    shows there (other apps too, when they publish or withdraw a public item)."""
    # The site's address now, in the commune's schema: the commit may come after it is left.
    uai = School.objects.filter(pk=school_id).values_list("uai", flat=True).first()
    site = caching.address(uai) if uai else None
    if site is not None:
        transaction.on_commit(lambda: caching.bump(site))


def _check(actor: Actor, school_id: int) -> None:
    if not can_edit_school_site(actor=actor, school_id=school_id):
        raise NotAllowed("not allowed to edit this school's site")


def _default_body(school: School, slug: str) -> str:
    if slug == "accueil":
        return f"<p>Bienvenue sur le site {of_school(school.name)}.</p>"
    if slug == "informations-pratiques":
        address = ", ".join(
            part for part in (school.street, school.postal_code, school.city) if part
        )
        return f"<p>Adresse : {address}</p>" if address else ""
    return ""


def _school_colours(school: School) -> dict[str, str]:
    """The school's own colour (``School.primary_colour``) for the header, with white or near
    black text, whichever reads better, if that pair reaches AA; else the model's defaults."""
    try:
        text = max(
            ("#ffffff", "#1a1a1a"),
            key=lambda ink: contrast.contrast_ratio(school.primary_colour, ink),
        )
        if contrast.refusal(background=school.primary_colour, text=text) is None:
            return {"background_colour": school.primary_colour.lower(), "text_colour": text}
    except ValueError:
        pass
    return {}


@transaction.atomic
def site_open(*, actor: Actor, school: School) -> Site:
    """The school's site, created with its default pages the first time it is edited."""
    _check(actor, school.pk)
    site, created = Site.objects.get_or_create(school=school, defaults=_school_colours(school))
    if created:
        Page.objects.bulk_create(
            Page(
                site=site,
                title=title,
                slug=slug,
                position=position,
                body=sanitise(_default_body(school, slug), PUBLICATION),
            )
            for position, (title, slug) in enumerate(DEFAULT_PAGES)
        )
        record_event(action="site.created", actor=actor, target=school.name)
        site_changed(school.pk)
    return site


def site_publish(*, actor: Actor, site: Site, published: bool) -> None:
    _check(actor, site.school_id)
    if site.published == published:
        return
    site.published = published
    site.save(update_fields=["published", "updated_at"])
    action = "site.published" if published else "site.unpublished"
    record_event(action=action, actor=actor, target=site.school.name)
    site_changed(site.school_id)


def site_set_colours(*, actor: Actor, site: Site, background: str, text: str) -> None:
    """``SiteError`` with the reason when the pair is below WCAG AA; nothing changed then."""
    _check(actor, site.school_id)
    try:
        reason = contrast.refusal(background=background, text=text)
    except ValueError as error:
        raise SiteError("Choisissez des couleurs au format #rrvvbb.") from error
    if reason:
        raise SiteError(reason)
    site.background_colour, site.text_colour = background.lower(), text.lower()
    site.save(update_fields=["background_colour", "text_colour", "updated_at"])
    record_event(
        action="site.colours_changed",
        actor=actor,
        target=site.school.name,
        details={"background": site.background_colour, "text": site.text_colour},
    )
    site_changed(site.school_id)


def site_set_audit(
    *,
    actor: Actor,
    site: Site,
    audit_on: datetime.date | None,
    rate: int | None,
    by: str,
    failures: str,
) -> None:
    """The last RGAA audit as its report says, or none (both the date and the rate empty):
    the accessibility declaration's status follows (``apps.site.rgaa``). ``SiteError`` with
    the reason otherwise; nothing changed then."""
    _check(actor, site.school_id)
    if (audit_on is None) != (rate is None):
        raise SiteError("Indiquez la date de l'audit et son taux de conformité, ou aucun des deux.")
    if rate is not None and not 0 <= rate <= 100:
        raise SiteError("Le taux de conformité est un pourcentage, de 0 à 100.")
    if audit_on is not None and audit_on > timezone.localdate():
        raise SiteError("La date de l'audit ne peut pas être dans le futur.")
    site.audit_on, site.audit_rate = audit_on, rate
    site.audit_by = by.strip()[:200] if audit_on else ""
    site.audit_failures = failures.strip() if audit_on else ""
    site.save(update_fields=["audit_on", "audit_rate", "audit_by", "audit_failures", "updated_at"])
    record_event(
        action="site.audit_recorded",
        actor=actor,
        target=site.school.name,
        details={"on": audit_on.isoformat() if audit_on else None, "rate": rate},
    )
    site_changed(site.school_id)


def site_set_logo(*, actor: Actor, site: Site, upload: UploadedFile | None) -> None:
    """An image (PNG, JPEG, WebP, GIF) checked and stripped of its metadata by the attachments
    service; ``None`` removes the logo."""
    _check(actor, site.school_id)
    old = site.logo.name
    if upload is None:
        site.logo, site.logo_type = "", ""
    else:
        if (upload.size or 0) > LOGO_MAX_BYTES:
            raise SiteError("Le logo est trop gros : 2 Mo au plus.")
        found = kinds.sniff(upload)
        if found is None or found.family != "image":
            raise SiteError("Le logo doit être une image PNG, JPEG, WebP ou GIF.")
        try:
            checked = check_file(upload)
        except AttachmentError as error:
            raise SiteError(str(error)) from error
        try:
            name = default_storage.save(
                f"site/logos/{site.school_id}/{safe_name(checked.name, checked.kind)}",
                checked.content,
            )
        finally:
            if checked.temporary:
                checked.content.close()
        site.logo, site.logo_type = name, checked.kind.content_type
    site.save(update_fields=["logo", "logo_type", "updated_at"])
    if old:
        delete_object_after_commit(old)
    record_event(action="site.logo_changed", actor=actor, target=site.school.name)
    site_changed(site.school_id)


# --- pages -----------------------------------------------------------------------------------


def _siblings(site: Site, parent: Page | None) -> QuerySet[Page]:
    return Page.objects.filter(site=site, parent=parent)


def _free_slug(site: Site, parent: Page | None, wanted: str, *, page_id: int | None = None) -> str:
    base = slugify(wanted)[:70].strip("-") or "page"
    siblings = _siblings(site, parent)
    if page_id is not None:
        siblings = siblings.exclude(pk=page_id)
    taken = set(siblings.values_list("slug", flat=True))
    if parent is None:
        taken |= RESERVED_SLUGS
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise SiteError("Donnez un titre à la page.")
    return title[:120]


@transaction.atomic
def page_create(
    *, actor: Actor, site: Site, title: str, parent: Page | None = None, published: bool = True
) -> Page:
    _check(actor, site.school_id)
    if parent is not None and parent.site_id != site.pk:
        raise SiteError("Cette page parente n'est pas sur ce site.")
    title = _clean_title(title)
    last = _siblings(site, parent).aggregate(last=Max("position"))["last"]
    page = Page.objects.create(
        site=site,
        parent=parent,
        title=title,
        slug=_free_slug(site, parent, title),
        position=0 if last is None else last + 1,
        published=published,
    )
    record_event(action="site.page_created", actor=actor, target=title)
    site_changed(site.school_id)
    return page


@transaction.atomic
def page_update(
    *, actor: Actor, page: Page, title: str, slug: str, body: str, published: bool
) -> Page:
    """Rename, change the address, the text, publish or withdraw. A slug already taken by a
    sibling (or reserved) is refused, not changed behind the editor's back."""
    site = page.site
    _check(actor, site.school_id)
    title = _clean_title(title)
    wanted = slugify(slug or title)[:80].strip("-")
    if not wanted:
        raise SiteError("L'adresse de la page doit contenir au moins une lettre ou un chiffre.")
    if page.parent_id is None and wanted in RESERVED_SLUGS:
        raise SiteError(f"L'adresse « {wanted} » est réservée au site : choisissez-en une autre.")
    if _siblings(site, page.parent).exclude(pk=page.pk).filter(slug=wanted).exists():
        raise SiteError(f"Une autre page au même niveau a déjà l'adresse « {wanted} ».")
    page.title, page.slug, page.published = title, wanted, published
    page.body = sanitise(body, PUBLICATION)
    page.save()
    record_event(action="site.page_changed", actor=actor, target=title)
    site_changed(site.school_id)
    return page


@transaction.atomic
def page_place(*, actor: Actor, page: Page, parent: Page | None) -> None:
    """Put the page (with its sub-pages) under ``parent``, or at the first level, last of its
    new siblings. Never under itself or one of its own sub-pages."""
    site = page.site
    _check(actor, site.school_id)
    if parent is not None:
        if parent.site_id != site.pk:
            raise SiteError("Cette page parente n'est pas sur ce site.")
        ancestors = {p.pk: p.parent_id for p in Page.objects.filter(site=site).only("parent")}
        cursor: int | None = parent.pk
        while cursor is not None:
            if cursor == page.pk:
                raise SiteError(
                    "Une page ne peut pas être placée sous elle-même ni sous une de ses sous-pages."
                )
            cursor = ancestors.get(cursor)
    if parent is None and page.slug in RESERVED_SLUGS:
        raise SiteError(f"L'adresse « {page.slug} » est réservée au premier niveau du site.")
    if _siblings(site, parent).exclude(pk=page.pk).filter(slug=page.slug).exists():
        raise SiteError(
            f"Une page à cet endroit a déjà l'adresse « {page.slug} » : changez d'abord l'adresse."
        )
    if page.parent_id == (parent.pk if parent else None):
        return
    last = _siblings(site, parent).aggregate(last=Max("position"))["last"]
    page.parent, page.position = parent, 0 if last is None else last + 1
    page.save(update_fields=["parent", "position", "updated_at"])
    record_event(action="site.page_moved", actor=actor, target=page.title)
    site_changed(site.school_id)


@transaction.atomic
def page_move(*, actor: Actor, page: Page, up: bool) -> None:
    """Swap the page with its previous (or next) sibling; at either end, nothing moves."""
    _check(actor, page.site.school_id)
    siblings = list(
        _siblings(page.site, page.parent).select_for_update().order_by("position", "pk")
    )
    index = next(n for n, sibling in enumerate(siblings) if sibling.pk == page.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    Page.objects.bulk_update(siblings, ["position"])
    record_event(action="site.page_moved", actor=actor, target=page.title)
    site_changed(page.site.school_id)


@transaction.atomic
def page_delete(*, actor: Actor, page: Page) -> None:
    """The page and its sub-pages."""
    _check(actor, page.site.school_id)
    title, school_id = page.title, page.site.school_id
    page.delete()
    record_event(action="site.page_deleted", actor=actor, target=title)
    site_changed(school_id)
