"""``{% pager page "Pages des factures" %}``: one accessible, French pager for every list.

The links keep the list's other query parameters (filters), so moving between pages never
drops what the person chose."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page

register = template.Library()


@register.inclusion_tag("_pager.html", takes_context=True)
def pager(context: template.Context, page: Page[Any], label: str) -> dict[str, Any]:
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    links: list[dict[str, Any]] = []
    if page.has_other_pages():
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
            if isinstance(number, int):
                links.append({"number": number, "href": _href(query, number)})
            else:  # Paginator.ELLIPSIS
                links.append({"number": None, "href": ""})
    return {
        "page": page,
        "label": label,
        "links": links,
        "previous_href": _href(query, page.previous_page_number()) if page.has_previous() else "",
        "next_href": _href(query, page.next_page_number()) if page.has_next() else "",
    }


def _href(query: Any, number: int) -> str:
    if query is None:
        return f"?page={number}"
    query["page"] = str(number)
    return f"?{query.urlencode()}"
