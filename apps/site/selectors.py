"""Reads of the school sites. The editor's getters answer ``None`` for "missing" and
"forbidden" alike; a site's pages are read in one query, and the tree is built in Python, so
a page costs the same with 5 pages or 500."""

from __future__ import annotations

from dataclasses import dataclass, field

from apps.accounts.permissions import Actor, can_edit_school_site
from apps.schools.models import School, SchoolMembership, SchoolRole
from apps.site.models import Page, Site


@dataclass
class Node:
    page: Page
    depth: int
    path: str  # "equipe/cycle-3"
    visible: bool  # published, and every ancestor too
    children: list[Node] = field(default_factory=list)

    @property
    def descendants(self) -> int:
        return sum(1 + child.descendants for child in self.children)


def editable_schools(actor: Actor) -> list[School]:
    """The schools whose site the actor edits: all the commune's for its administrator, the
    directed ones for a director."""
    schools = School.objects.select_related("site").order_by("name")
    if not actor.active:
        return []
    if not actor.is_commune_admin:
        schools = schools.filter(pk__in=actor.directed_school_ids)
    return [school for school in schools if can_edit_school_site(actor=actor, school_id=school.pk)]


def school_for_editor(actor: Actor, school_id: int) -> School | None:
    if not can_edit_school_site(actor=actor, school_id=school_id):
        return None
    return School.objects.filter(pk=school_id).first()


def page_for_editor(actor: Actor, school_id: int, page_id: int) -> Page | None:
    if not can_edit_school_site(actor=actor, school_id=school_id):
        return None
    return (
        Page.objects.select_related("site__school")
        .filter(pk=page_id, site__school_id=school_id)
        .first()
    )


def page_tree(site: Site) -> list[Node]:
    """The site's pages as a tree (roots in their order), from one query."""
    pages = list(Page.objects.filter(site=site).order_by("position", "pk"))
    children: dict[int | None, list[Page]] = {}
    for page in pages:
        children.setdefault(page.parent_id, []).append(page)

    def build(parent_id: int | None, depth: int, prefix: str, visible: bool) -> list[Node]:
        nodes = []
        for page in children.get(parent_id, []):
            path = f"{prefix}{page.slug}"
            shown = visible and page.published
            node = Node(page=page, depth=depth, path=path, visible=shown)
            node.children = build(page.pk, depth + 1, f"{path}/", shown)
            nodes.append(node)
        return nodes

    return build(None, 0, "", True)


def flatten(nodes: list[Node]) -> list[Node]:
    return [found for node in nodes for found in (node, *flatten(node.children))]


def school_by_uai(uai: str) -> School | None:
    """The school of ``/ecole/<uai>/`` with its site (one query); any case is accepted."""
    return School.objects.select_related("site").filter(uai__iexact=uai.strip()).first()


def site_of(school: School) -> Site | None:
    try:
        return school.site
    except Site.DoesNotExist:
        return None


def director_names(school: School) -> list[str]:
    memberships = SchoolMembership.objects.filter(
        school=school, role=SchoolRole.DIRECTOR, user__is_active=True
    ).select_related("user")
    return sorted(membership.user.display_name for membership in memberships)


def published_site_schools() -> set[int]:
    """The schools whose site is published (the commune's home page links them)."""
    return set(Site.objects.filter(published=True).values_list("school_id", flat=True))
