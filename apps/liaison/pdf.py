"""Paper slips of a note, by WeasyPrint: one A4 page per child it concerns, with a signature
line for families who sign on paper."""

from __future__ import annotations

from django.template.loader import render_to_string

from apps.liaison.models import LiaisonNote
from apps.liaison.selectors import slips
from tenants.models import Commune


def note_slips_html(*, note: LiaisonNote, commune: Commune) -> str:
    return render_to_string(
        "liaison/slips.html", {"note": note, "recipients": list(slips(note)), "commune": commune}
    )


def note_slips_pdf(*, note: LiaisonNote, commune: Commune) -> bytes:
    # Imported here: WeasyPrint loads pango and its fonts, which every other request can skip.
    from weasyprint import HTML

    pdf: bytes = HTML(string=note_slips_html(note=note, commune=commune)).write_pdf()
    return pdf
