"""Search of a person's messages: French full text over the subject, the body and the
sender's name, accents and case ignored, among the copies that person holds.

The text is ``Message.search``, a tsvector written with each draft saved and when the
message is sent (``services._indexed``: ``to_tsvector('french', unaccent(...))``, subject
and sender's name weighted A, body B) and served by the GIN index
``messaging_message_search``. The query is folded the same way
(``websearch_to_tsquery('french', unaccent(q))``), so "ecole" finds "École" and "écoles".
What the search box accepts is the web-search syntax people already know: words (all of
them must be there), ``"a phrase"``, ``or``, ``-word``.

What a person may find is what they may read in their boxes: their own copies only (a copy
is one person's), not a message removed for everyone (its copies are gone and its text
emptied, ``search`` NULL), and not the text of a message its sender recalled, unless they
are that sender. One query, whatever the number of messages or results (pinned in
``tests/messaging/test_search.py``, which also checks that the plan uses the GIN index).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, Func, Q, QuerySet, TextField, Value

from apps.messaging.models import Box, Copy
from apps.messaging.selectors import Filters, copies_listed, copies_placed

# Longer than anyone types in a search box; bounds the work a visitor can ask for.
MAX_QUERY_LENGTH = 200


def _has_positive_term(text: str) -> bool:
    """Whether the web-search query names at least one word that must be there: a query of
    negations only (``-sortie``) would match nearly every message and no index can serve
    it, and one of punctuation only matches nothing. Words inside quotes are one phrase,
    negated as a whole when a ``-`` comes right before the quote."""
    in_quote = negated = False
    for piece in text.replace('"', ' " ').split():
        if piece == '"':
            in_quote = not in_quote
            if not in_quote:
                negated = False
            continue
        has_word = any(char.isalnum() for char in piece)
        if in_quote:
            if has_word and not negated:
                return True
            continue
        if piece == "-":
            negated = True  # "-" then a quote: the phrase is excluded
            continue
        negated = False
        if has_word and not piece.startswith("-") and piece.lower() != "or":
            return True
    return False


def tsquery_of(query: str) -> SearchQuery | None:
    """The French tsquery of what a person typed, accents folded as the index folds them;
    None when it names nothing to look for (empty, punctuation, negations only)."""
    text = " ".join(query.split())[:MAX_QUERY_LENGTH]
    # A query of stop words only ("le la") is left to PostgreSQL: its tsquery is empty and
    # matches nothing.
    if not _has_positive_term(text):
        return None
    folded = Func(Value(text), function="unaccent", output_field=TextField())
    return SearchQuery(folded, config="french", search_type="websearch")


def search_copies(
    owner_id: int,
    query: str,
    *,
    unread: bool = False,
    with_files: bool = False,
    sender_id: int | None = None,
    folder: str | int | None = None,
) -> QuerySet[Copy]:
    """The copies ``owner_id`` holds whose message matches ``query``, best match first then
    newest, with what a list line shows (as ``selectors.copies_in``) and ``rank``.
    ``folder``: None for every box and folder but the trash; a box name (``inbox``,
    ``sent``, ``drafts``, ``trash``) or a folder id (already checked to be the owner's) for
    that place only, as the list of that place shows it."""
    tsquery = tsquery_of(query)
    if tsquery is None:
        return Copy.objects.none()
    if folder is None:
        copies = Copy.objects.filter(owner_id=owner_id, trashed_at__isnull=True)
    else:
        copies = copies_placed(owner_id, folder)
    copies = copies.filter(message__search=tsquery).filter(
        # A recalled message shows its recipients "message rappelé par l'expéditeur", never
        # its text: the text must not find it either. The sender keeps reading their own.
        Q(message__recalled_at__isnull=True) | Q(box=Box.SENT)
    )
    filters = Filters(unread=unread, with_files=with_files, sender_id=sender_id)
    return (
        copies_listed(copies, filters)
        .annotate(rank=SearchRank(F("message__search"), tsquery))
        .order_by("-rank", "-sort_at", "-pk")
    )
