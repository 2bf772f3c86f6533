"""People: ``GET /api/v1/people/`` (by class, school, profile, name) and one person.

Only the people ``can_view_person`` allows are listed; a pupil's guardians and a person's
classes are themselves limited to what the caller may see.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.context import found_or_404
from apps.accounts.models import Profile
from apps.apikit.base import ActorApi, ClassroomRefSerializer, page_serializer, paginated
from apps.schools.selectors import (
    classes_of_person,
    classroom_visible_to,
    people_of_classroom,
    people_of_school,
    people_visible_to,
    person_listing,
    person_visible_to,
    school_visible_to,
    search_people,
)

COMMUNE_PROFILES = [choice for choice in Profile.choices if choice[0] != Profile.COORDINATOR]


class GuardianSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="guardian.id")
    display_name = serializers.CharField(source="guardian.display_name")
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    parental_authority = serializers.BooleanField()


class PersonOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    display_name = serializers.CharField()
    profile = serializers.CharField()
    profile_label = serializers.CharField(source="get_profile_display")
    classes = serializers.SerializerMethodField(help_text="Classes de l'année en cours")
    guardians = GuardianSerializer(source="visible_guardian_links", many=True)

    @extend_schema_field(ClassroomRefSerializer(many=True))
    def get_classes(self, person: Any) -> list[dict[str, Any]]:
        return list(ClassroomRefSerializer(classes_of_person(person), many=True).data)


class PersonListApi(ActorApi):
    class FilterSerializer(serializers.Serializer):
        classroom = serializers.IntegerField(
            required=False, help_text="Les élèves d'une classe, leurs parents, leurs enseignants"
        )
        school = serializers.IntegerField(required=False, help_text="Les personnes d'une école")
        profile = serializers.ChoiceField(choices=COMMUNE_PROFILES, required=False)
        search = serializers.CharField(
            required=False, max_length=100, help_text="Nom, prénom ou identifiant"
        )

    @extend_schema_serializer(component_name="Person")
    class OutputSerializer(PersonOutputSerializer):
        pass

    @extend_schema(
        operation_id="people_list",
        summary="Personnes",
        description="Les personnes que le compte peut voir, par classe (élèves, leurs parents, "
        "leurs enseignants), école, profil ou nom. Une classe ou une école hors de portée "
        "répond 404.",
        parameters=[FilterSerializer],
        responses=page_serializer("PaginatedPersonList", OutputSerializer),
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        actor = self.actor()
        people = people_visible_to(actor)
        if "classroom" in wanted:
            classroom = found_or_404(classroom_visible_to(actor, wanted["classroom"]))
            people = people.filter(people_of_classroom(classroom))
        if "school" in wanted:
            school = found_or_404(school_visible_to(actor, wanted["school"]))
            people = people.filter(people_of_school(school))
        if "profile" in wanted:
            people = people.filter(profile=wanted["profile"])
        if wanted.get("search"):
            people = search_people(people, wanted["search"])
        return paginated(self, request, person_listing(actor, people), self.OutputSerializer)


class PersonDetailApi(ActorApi):
    @extend_schema_serializer(component_name="PersonDetail")
    class OutputSerializer(PersonOutputSerializer):
        pass

    @extend_schema(
        operation_id="people_retrieve",
        summary="Une personne",
        description="404 pour une personne absente comme pour une personne hors de portée.",
        responses=OutputSerializer,
    )
    def get(self, request: Request, person_id: int) -> Response:
        person = found_or_404(person_visible_to(self.actor(), person_id))
        return Response(self.OutputSerializer(person).data)
