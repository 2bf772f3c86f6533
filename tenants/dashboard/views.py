"""The coordinator's dashboard (base domain). Every read goes through ``selectors`` with a
scope built from the request's user; anyone but a coordinator gets a 404. The one write,
the correction of a class-count snapshot, goes through ``tenants.usage.services``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.audit.views import journal_context
from apps.french import formatting
from tenants.audited import Requester
from tenants.dashboard import selectors
from tenants.dashboard.charts import deployment_chart
from tenants.dashboard.exports import communes_csv, cost_sharing_csv, megabytes
from tenants.dashboard.forms import FIGURE_LABELS, ClassCountCorrectionForm, CostSharingForm
from tenants.dashboard.selectors import DashboardAccessDenied, DashboardScope
from tenants.models import Commune
from tenants.usage.models import ClassCountSnapshot
from tenants.usage.services import class_count_correct
from tenants.usage.sharing import NoClassesToShareError


def _scope(request: HttpRequest) -> DashboardScope:
    try:
        return selectors.dashboard_scope_for(user=request.user)
    except DashboardAccessDenied:
        raise Http404("Page introuvable.") from None


@dataclass
class SharingOutcome:
    form: CostSharingForm
    rows: list[selectors.CostSharingRow]
    error: str | None
    amount_ht: Decimal | None = None
    vat_rate: Decimal | None = None
    on: date | None = None


def _cost_sharing(request: HttpRequest, scope: DashboardScope) -> SharingOutcome:
    if not {"amount", "vat", "date"} & set(request.GET):
        return SharingOutcome(form=CostSharingForm(), rows=[], error=None)
    form = CostSharingForm(request.GET)
    if not form.is_valid():
        return SharingOutcome(form=form, rows=[], error="Vérifiez le formulaire ci-dessous.")
    amount, vat, on = (form.cleaned_data[name] for name in ("amount", "vat", "date"))
    try:
        rows = selectors.cost_sharing(scope=scope, amount_ht=amount, vat_rate=vat, on=on)
    except selectors.NoSnapshotError as error:
        return SharingOutcome(form=form, rows=[], error=f"Répartition impossible : {error}.")
    except NoClassesToShareError as error:
        return SharingOutcome(form=form, rows=[], error=f"Répartition impossible : {error}.")
    except ValueError as error:
        return SharingOutcome(form=form, rows=[], error=f"Montant invalide : {error}.")
    return SharingOutcome(form=form, rows=rows, error=None, amount_ht=amount, vat_rate=vat, on=on)


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    figures = selectors.commune_figures_list(scope=scope)
    history = selectors.deployment_history(scope=scope)
    sharing = _cost_sharing(request, scope)
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "figures": [
                (row, megabytes(row.storage_bytes), megabytes(row.files_bytes)) for row in figures
            ],
            "history": history,
            "history_rows": list(zip(history.dates, history.total, strict=True)),
            "chart": deployment_chart(history),
            "sharing": sharing,
            "snapshot_dates": selectors.snapshot_dates(scope=scope),
            "query_string": request.GET.urlencode(),
        },
        status=400 if sharing.error and not sharing.form.is_valid() else 200,
    )


def _commune_page(
    request: HttpRequest,
    scope: DashboardScope,
    slug: str,
    *,
    correction_form: ClassCountCorrectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        figures = selectors.commune_figures_get(scope=scope, slug=slug)
    except Commune.DoesNotExist:
        raise Http404("Commune introuvable.") from None
    history = selectors.deployment_history(scope=scope, commune_slug=slug)
    snapshots = selectors.snapshot_list(scope=scope, slug=slug)
    if correction_form is None:
        initial = {"date": snapshots[0].date} if snapshots else {}
        correction_form = ClassCountCorrectionForm(initial=initial)
    return render(
        request,
        "dashboard/commune.html",
        {
            "row": figures,
            "storage_mb": megabytes(figures.storage_bytes),
            "files_mb": megabytes(figures.files_bytes),
            "history": history,
            "history_rows": list(zip(history.dates, history.total, strict=True)),
            "chart": deployment_chart(history),
            "snapshots": snapshots,
            "corrections": [
                (correction, FIGURE_LABELS[correction.field])
                for correction in selectors.correction_trail(scope=scope, slug=slug)
            ],
            "correction_form": correction_form,
        },
        status=status,
    )


@require_GET
@login_required
@never_cache
def journal(request: HttpRequest) -> HttpResponse:
    """The public schema's audit log: coordinators' logins and the groupement's billing and
    correction actions (each commune's own log stays on its host)."""
    _scope(request)
    return render(request, "audit/journal.html", {**journal_context(request), "coordination": True})


@require_GET
@login_required
def commune_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _commune_page(request, _scope(request), slug)


@require_POST
@login_required
def class_count_correction(request: HttpRequest, slug: str) -> HttpResponse:
    """Correct one figure of one of the commune's snapshots; the reason is mandatory and the
    correction joins the snapshot's trail (and the public schema's audit log)."""
    scope = _scope(request)
    try:
        selectors.commune_get(scope=scope, slug=slug)
    except Commune.DoesNotExist:
        raise Http404("Commune introuvable.") from None
    form = ClassCountCorrectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            snapshot = selectors.snapshot_get(scope=scope, slug=slug, on=data["date"])
        except ClassCountSnapshot.DoesNotExist:
            form.add_error(
                "date", f"Aucun relevé des classes le {formatting.date_courte(data['date'])}."
            )
        else:
            if getattr(snapshot, data["field"]) == data["new_value"]:
                form.add_error(
                    "new_value", "Cette valeur est déjà celle du relevé : rien à corriger."
                )
            else:
                return _correct(request, slug, form, snapshot)
    return _commune_page(request, scope, slug, correction_form=form, status=400)


def _correct(
    request: HttpRequest, slug: str, form: ClassCountCorrectionForm, snapshot: ClassCountSnapshot
) -> HttpResponse:
    data = form.cleaned_data
    user = request.user
    correction = class_count_correct(
        snapshot=snapshot,
        field=data["field"],
        new_value=data["new_value"],
        reason=data["reason"],
        corrected_by_id=user.pk,
        corrected_by_name=getattr(user, "display_name", "") or user.get_username(),
        by=Requester.of(request),
    )
    messages.success(
        request,
        f"Relevé du {formatting.date_courte(snapshot.date)} corrigé : {form.field_label().lower()} "
        f"{correction.old_value} → {correction.new_value}.",
    )
    return redirect(reverse("dashboard:commune", args=[slug]) + "#corrections-title")


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content.encode("utf-8"), "text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@login_required
def communes_csv_download(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    figures = selectors.commune_figures_list(scope=scope)
    return _csv_response(communes_csv(figures=figures), "communes.csv")


@require_GET
@login_required
def cost_sharing_csv_download(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    sharing = _cost_sharing(request, scope)
    if sharing.error or not sharing.rows or sharing.on is None:
        return HttpResponse(
            sharing.error or "Indiquez un montant, un taux de TVA et une date.",
            "text/plain; charset=utf-8",
            status=400,
        )
    return _csv_response(
        cost_sharing_csv(rows=sharing.rows), f"repartition-{sharing.on:%Y-%m-%d}.csv"
    )
