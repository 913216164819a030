"""REST API of the screening contract: evaluate, save on a system, read versions, compare."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.classification import selectors, services
from governance.classification.compare import compare
from governance.classification.schema_api import (
    CLASSIFICATION_EXAMPLES,
    SCREENING_EXAMPLES,
    ClassificationField,
    ClassificationSerializer,
    ScreeningField,
    ScreeningSerializer,
)
from governance.classification.versions import choose_versions
from governance.core.api import OrganizationScopedMixin
from governance.register.selectors import get_system
from governance.tenancy.roles import Action

SCREENING_DOC = (
    "The body is a screening, schema `eu-ai-act-screening/1` (JSON Schema: "
    "`/api/v1/schemas/eu-ai-act-screening-1.json`). Invalid input, including contradictory "
    "answers (a derogation with no Annex III point, an exception for a practice that is not "
    "listed, a public authority that is not a public-service deployer), answers 400 with "
    "every problem under `error.fields`, keyed by the screening key."
)


class ClassificationVersionSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    system = serializers.UUIDField(source="system.uuid")
    version = serializers.IntegerField()
    tier = serializers.CharField()
    gpai = serializers.CharField()
    note = serializers.CharField()
    timeline_version = serializers.CharField()
    answered_keys = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text="The screening keys answered explicitly; the others took the contract's "
        "neutral value (null for versions saved before this was recorded).",
    )
    created_at = serializers.DateTimeField()
    created_by = serializers.EmailField(source="created_by.email", default=None)
    screening = ScreeningField()
    classification = ClassificationField(source="result")


class _ScreeningView(OrganizationScopedMixin, APIView):
    def _screening(self, request):
        if not isinstance(request.data, dict):
            raise ValidationError(
                {"non_field_errors": ["The body must be a JSON object (a screening)."]}
            )
        return dict(request.data)


@extend_schema(tags=["classification"])
class EvaluateScreeningView(_ScreeningView):
    """Classify a screening without saving it (the same engine as the web and `classify`)."""

    # A calculation that writes nothing: whoever may read the register may run it, with a
    # read-only token too (POST only because the screening is a JSON body).
    required_actions = {"POST": Action.VIEW_REGISTER}

    @extend_schema(
        summary="Evaluate a screening",
        description=SCREENING_DOC,
        request=ScreeningSerializer,
        responses={200: ClassificationSerializer},
        examples=[*SCREENING_EXAMPLES, *CLASSIFICATION_EXAMPLES],
    )
    def post(self, request, org_slug):
        return Response(services.evaluate_screening(self._screening(request)))


@extend_schema(tags=["classification"])
class SystemClassificationsView(_ScreeningView):
    """List a system's classification versions, or save a screening as its next version."""

    required_actions = {"GET": Action.VIEW_REGISTER, "POST": Action.SCREEN_SYSTEMS}

    @extend_schema(
        summary="List classification versions", responses=ClassificationVersionSerializer(many=True)
    )
    def get(self, request, org_slug, system_uuid):
        system = get_system(self.organization, system_uuid)
        versions = selectors.classifications_of(system).select_related("system")
        return Response(ClassificationVersionSerializer(versions, many=True).data)

    @extend_schema(
        summary="Save a screening on a system",
        description=SCREENING_DOC
        + " The optional query parameter `note` is kept with the version.",
        parameters=[OpenApiParameter("note", str, required=False)],
        request=ScreeningSerializer,
        responses={201: ClassificationVersionSerializer},
        examples=SCREENING_EXAMPLES,
    )
    def post(self, request, org_slug, system_uuid):
        system = get_system(self.organization, system_uuid, include_archived=True)
        classification = services.classify_system(
            system=system,
            acting=self.membership,
            screening=self._screening(request),
            note=request.query_params.get("note", ""),
        )
        return Response(
            ClassificationVersionSerializer(classification).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=["classification"])
class SystemClassificationDetailView(OrganizationScopedMixin, APIView):
    required_actions = {"GET": Action.VIEW_REGISTER}

    @extend_schema(
        summary="Read one classification version", responses=ClassificationVersionSerializer
    )
    def get(self, request, org_slug, system_uuid, version):
        system = get_system(self.organization, system_uuid)
        return Response(
            ClassificationVersionSerializer(selectors.get_classification(system, version)).data
        )


@extend_schema(tags=["classification"])
class CompareClassificationsView(OrganizationScopedMixin, APIView):
    required_actions = {"GET": Action.VIEW_REGISTER}

    @extend_schema(
        summary="Compare two classification versions",
        description=(
            "What changed between two saved versions of a system's classification: the tier, "
            "the answers, the obligations and the rules that moved it. `from` and `to` are two "
            "different version numbers (in either order); a version compared with itself, or "
            "a number that is not a whole number, is a 400; a version the system does not "
            "have is a 404. The web page applies the same rule."
        ),
        parameters=[
            OpenApiParameter("from", int, required=True, description="the older version"),
            OpenApiParameter("to", int, required=True, description="the newer version"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, org_slug, system_uuid):
        system = get_system(self.organization, system_uuid)
        choice = choose_versions(
            request.query_params.get("from"),
            request.query_params.get("to"),
            list(
                selectors.classifications_of(system)
                .order_by("version")
                .values_list("version", flat=True)
            ),
        )
        if choice.status == 404:
            raise NotFound(choice.error)
        if choice.error:
            raise ValidationError(choice.fields or {"from": [choice.error]})
        versions = {"from": choice.first, "to": choice.second}
        old = selectors.get_classification(system, versions["from"])
        new = selectors.get_classification(system, versions["to"])
        body = compare(
            {"screening": old.screening, "result": old.result},
            {"screening": new.screening, "result": new.result},
        )
        return Response(
            {"system": str(system.uuid), "from": old.version, "to": new.version, **body}
        )
