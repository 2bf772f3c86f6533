"""``/api/v1/groupement/`` on the base domain: the dashboard's figures for coordinators.

Session authentication only, with the second factor verified (``AccountSecurityMiddleware``
answers 403 under ``/api/`` otherwise); no token: coordinators must use two factors, and the
project's token class refuses such accounts anyway. Anyone but a coordinator gets 404.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.dashboard import selectors
from tenants.dashboard.forms import CostSharingForm
from tenants.dashboard.selectors import DashboardAccessDenied, DashboardScope
from tenants.usage.sharing import NoClassesToShareError


class CoordinatorApi(APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def scope(self) -> DashboardScope:
        try:
            return selectors.dashboard_scope_for(user=self.request.user)
        except DashboardAccessDenied:
            raise NotFound() from None


class ActiveAccountsSerializer(serializers.Serializer):
    profile = serializers.CharField()
    last_7_days = serializers.IntegerField()
    last_30_days = serializers.IntegerField()


class CommuneListApi(CoordinatorApi):
    class OutputSerializer(serializers.Serializer):
        slug = serializers.CharField()
        name = serializers.CharField()
        insee_code = serializers.CharField()
        status = serializers.CharField()
        schools_total = serializers.IntegerField()
        schools_deployed = serializers.IntegerField()
        classes_total = serializers.IntegerField()
        classes_deployed = serializers.IntegerField()
        active_accounts = serializers.SerializerMethodField()
        database_storage_bytes = serializers.IntegerField(source="storage_bytes")
        files_storage_bytes = serializers.IntegerField(source="files_bytes")

        @extend_schema_field(ActiveAccountsSerializer(many=True))
        def get_active_accounts(self, row: selectors.CommuneFigures) -> list[dict[str, Any]]:
            return [
                {"profile": profile, "last_7_days": short, "last_30_days": long}
                for profile, _label, short, long in row.active_by_profile()
            ]

    @extend_schema(
        operation_id="groupement_communes_list",
        summary="Communes du groupement",
        description="Pour chaque commune en service : écoles et classes déployées (année en "
        "cours), comptes actifs sur 7 et 30 jours par profil (des nombres, jamais de noms), "
        "stockage en base de données et fichiers déposés. Réservé aux coordinateurs.",
        responses=OutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        figures = selectors.commune_figures_list(scope=self.scope())
        return Response(self.OutputSerializer(figures, many=True).data)


class CostSharingApi(CoordinatorApi):
    class OutputSerializer(serializers.Serializer):
        name = serializers.CharField()
        insee_code = serializers.CharField(source="share.insee_code")
        classes = serializers.IntegerField(source="share.classes")
        total_classes = serializers.IntegerField(source="share.total_classes")
        ht = serializers.DecimalField(source="share.ht.rounded", max_digits=14, decimal_places=2)
        vat = serializers.DecimalField(source="share.vat.rounded", max_digits=14, decimal_places=2)
        ttc = serializers.DecimalField(source="share.ttc", max_digits=14, decimal_places=2)

    @extend_schema(
        operation_id="groupement_cost_sharing",
        summary="Répartition d'un montant entre les communes",
        description="Le montant HT est réparti au prorata des classes primaires relevées à la "
        "date donnée (reste le plus fort, au centime). Réservé aux coordinateurs.",
        parameters=[
            OpenApiParameter("amount", float, required=True, description="montant HT, en euros"),
            OpenApiParameter("vat", float, required=True, description="taux de TVA en % (20)"),
            OpenApiParameter("date", str, required=True, description="date du relevé, AAAA-MM-JJ"),
        ],
        responses=OutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        scope = self.scope()
        form = CostSharingForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        try:
            rows = selectors.cost_sharing(
                scope=scope,
                amount_ht=form.cleaned_data["amount"],
                vat_rate=form.cleaned_data["vat"],
                on=form.cleaned_data["date"],
            )
        except (selectors.NoSnapshotError, NoClassesToShareError, ValueError) as error:
            raise ValidationError({"detail": str(error)}) from None
        return Response(self.OutputSerializer(rows, many=True).data)
