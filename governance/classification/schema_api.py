"""The contract's JSON Schemas in the API: served as published, and used in OpenAPI.

- `GET /api/v1/schemas/` lists them and `GET /api/v1/schemas/<name>.json` serves one byte for
  byte (media type `application/schema+json`). They are public, like the contract: no token or
  session is needed, and nothing tenant-owned is in them.
- `ScreeningSerializer` and `ClassificationSerializer` are OpenAPI markers: drf-spectacular
  maps them (through the extensions below) to the components `Screening` (`ScreeningRequest` as
  a request body) and `Classification`, built from the same JSON Schemas. The engine, not these
  serializers, validates a screening.
"""

from django.http import HttpResponse
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.classification import schemas
from governance.classification.rules import classify
from governance.classification.schemas.build import EXAMPLES


class ScreeningSerializer(serializers.Serializer):
    """OpenAPI marker for a screening (`eu-ai-act-screening/1`)."""


class ClassificationSerializer(serializers.Serializer):
    """OpenAPI marker for a classification (`eu-ai-act-classification/1`)."""


class _ContractSchemaExtension(OpenApiSerializerExtension):
    schema_name = ""
    component = ""

    def get_name(self, auto_schema, direction):
        return self.component

    def map_serializer(self, auto_schema, direction):
        return schemas.openapi(self.schema_name)


class ScreeningSchemaExtension(_ContractSchemaExtension):
    target_class = ScreeningSerializer
    schema_name = "eu-ai-act-screening-1"
    component = "Screening"


class ClassificationSchemaExtension(_ContractSchemaExtension):
    target_class = ClassificationSerializer
    schema_name = "eu-ai-act-classification-1"
    component = "Classification"


@extend_schema_field(ScreeningSerializer)
class ScreeningField(serializers.JSONField):
    """A stored screening, typed as the Screening component in OpenAPI."""


@extend_schema_field(ClassificationSerializer)
class ClassificationField(serializers.JSONField):
    """A stored classification, typed as the Classification component in OpenAPI."""


_EXAMPLE_NAMES = ("CV screening bought in", "Customer-service chatbot", "Public benefits")
SCREENING_EXAMPLES = [
    OpenApiExample(name, value=value, request_only=True)
    for name, value in zip(_EXAMPLE_NAMES, EXAMPLES, strict=True)
]
# The engine's real answer to the first example, computed when the API loads.
CLASSIFICATION_EXAMPLES = [
    OpenApiExample(_EXAMPLE_NAMES[0], value=classify(EXAMPLES[0]), response_only=True)
]


@extend_schema(tags=["classification"])
class ContractSchemaListView(APIView):
    """The JSON Schemas of the screening contract: public, no token needed."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="List the contract's JSON Schemas",
        operation_id="contract_schemas_list",
        auth=[],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        return Response(
            {
                "schemas": [
                    {
                        "name": name,
                        "contract": contract,
                        "url": request.build_absolute_uri(f"{name}.json"),
                    }
                    for name, contract in schemas.NAMES.items()
                ]
            }
        )


@extend_schema(tags=["classification"])
class ContractSchemaView(APIView):
    """One JSON Schema (draft 2020-12) of the contract, byte for byte as published."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Read a JSON Schema of the contract",
        description="`name` is `eu-ai-act-screening-1` or `eu-ai-act-classification-1`.",
        operation_id="contract_schema_retrieve",
        parameters=[
            OpenApiParameter(
                "name", str, OpenApiParameter.PATH, enum=list(schemas.NAMES), required=True
            )
        ],
        auth=[],
        responses={
            (200, schemas.MEDIA_TYPE): OpenApiTypes.OBJECT,
            404: OpenApiResponse(description="No schema of that name."),
        },
    )
    def get(self, request, name):
        try:
            body = schemas.raw(name)
        except KeyError:
            raise NotFound(f"No schema named {name!r}.") from None
        response = HttpResponse(body, content_type=schemas.MEDIA_TYPE)
        response["Cache-Control"] = "public, max-age=3600"
        return response
