"""The moderators' queue: every publication waiting for the decision of the person who
looks, whatever the service it comes from, oldest first, with how long it has waited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from apps.accounts.context import active_caller
from apps.french.formatting import waited
from apps.numbers import whole_number
from apps.publications import moderation, selectors, services

PER_PAGE = 25
DONE = {
    moderation.PUBLISH: "Publié.",
    moderation.CORRECT: "Renvoyé à l'auteur avec votre demande de correction.",
    moderation.REFUSE: "Refusé : l'auteur lit votre motif.",
}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def queue_page(request: HttpRequest) -> HttpResponse:
    actor = active_caller(request).actor
    if not selectors.moderates_anything(actor):
        raise Http404
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision not in DONE:
            raise Http404
        publication = (
            selectors.waiting(actor)
            .filter(pk=whole_number(request.POST.get("publication")) or 0)
            .first()
        )
        if publication is None:
            messages.error(request, moderation.NOT_NOW)
        else:
            try:
                services.circuit_decide(
                    actor=actor,
                    publication=publication,
                    decision=decision,
                    note=request.POST.get("note", ""),
                )
            except services.ModerationError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, DONE[decision])
        return redirect("publications:queue")
    page = Paginator(selectors.queue_rows(actor), PER_PAGE).get_page(request.GET.get("page"))
    lines = selectors.queue_lines(page.object_list)
    return render(
        request,
        "publications/queue.html",
        {
            "page": page,
            "lines": [{"line": line, "waited": waited(line.waited)} for line in lines],
        },
    )
