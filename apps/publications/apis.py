"""``/api/v1/moderation/``: the moderators' queue and their decisions, for every kind that
goes through the circuit (``apps.publications.registry``: each kind describes its own items),
through the same selectors and service as the ``/a-valider/`` page. This module names no
feature: a kind registered tomorrow (news, forums) shows up here as it is.

A publication the caller does not moderate answers 404 like a missing one; a decision the
circuit refuses (already decided, a note missing, a photo of a pupil without consent) answers
400 with its French sentence and changes nothing."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from apps.apikit.base import ActorApi
from apps.publications import moderation, selectors, services
from apps.publications.models import Publication
from apps.publications.selectors import QueueLine


@extend_schema_serializer(component_name="QueueItem")
class QueueItemSerializer(serializers.Serializer):
    publication = serializers.IntegerField(source="publication.pk")
    kind = serializers.CharField(source="publication.kind")
    kind_label = serializers.CharField()
    title = serializers.CharField(source="item.title")
    where = serializers.CharField(source="item.where")
    excerpt = serializers.CharField(source="item.excerpt")
    url = serializers.CharField(source="item.url", help_text="La page où la lire et décider.")
    author = serializers.CharField()
    submitted_at = serializers.DateTimeField(
        source="publication.submitted_at",
        allow_null=True,
        help_text="Depuis quand elle attend.",
    )


class QueuePagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class QueueListApi(ActorApi):
    pagination_class = QueuePagination

    @extend_schema(
        operation_id="moderation_queue_list",
        summary="Publications à valider",
        description="Tout ce qui attend la décision du compte, quel que soit le service "
        "(articles et commentaires des blogs, et tout autre type modéré), le plus ancien "
        "d'abord, par pages de 25 (``page_size`` jusqu'à 100). Pour les enseignants, la "
        "direction et l'administrateur de la commune ; pour les autres : 404.",
        responses=QueueItemSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        actor = self.actor()
        if not selectors.moderates_anything(actor):
            raise Http404
        paginator = self.pagination_class()
        rows: list[Publication] | None = paginator.paginate_queryset(
            selectors.queue_rows(actor), request, view=self
        )
        lines: list[QueueLine] = selectors.queue_lines(rows or [])
        return paginator.get_paginated_response(QueueItemSerializer(lines, many=True).data)


class DecisionApi(ActorApi):
    @extend_schema_serializer(component_name="ModerationDecisionInput")
    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=sorted(moderation.DECISIONS))
        note = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=1000,
            help_text="Pour l'auteur : nécessaire pour une correction ou un refus.",
        )

    @extend_schema_serializer(component_name="ModerationDecision")
    class OutputSerializer(serializers.Serializer):
        publication = serializers.IntegerField(source="pk")
        kind = serializers.CharField()
        state = serializers.CharField()
        note = serializers.CharField()
        decided_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(
        operation_id="moderation_decide",
        summary="Décider d'une publication",
        description="Par un modérateur de la publication : ``publish`` (ce qui attend, ou ce "
        "qui a été retiré), ``correct`` et ``refuse`` (ce qui attend, avec une note pour "
        "l'auteur), ``unpublish`` (ce qui est publié). L'auteur est prévenu. Décision "
        "refusée : 400 avec la raison, rien ne change. Pas modérateur : 404.",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def post(self, request: Request, publication_id: int) -> Response:
        actor = self.actor()
        publication = selectors.decidable_by(actor, publication_id)
        if publication is None:
            raise Http404
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            decided = services.circuit_decide(
                actor=actor,
                publication=publication,
                decision=data.validated_data["decision"],
                note=data.validated_data.get("note", ""),
            )
        except services.ModerationError as error:
            raise serializers.ValidationError({"detail": str(error)}) from error
        return Response(self.OutputSerializer(decided).data)
