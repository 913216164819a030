"""Machine-readable exports through the API: registration data and model cards."""

import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.documents.renderers.model_card import huggingface_readme, model_card_toolkit
from compliance.documents.renderers.registration import registration_json, why_not_registered
from governance.core.api import OrganizationScopedMixin, error_body
from governance.register.selectors import get_model, get_system
from governance.tenancy.roles import Action


class RegistrationDataView(OrganizationScopedMixin, APIView):
    required_actions = {"GET": Action.VIEW_REGISTER}

    @extend_schema(
        summary="EU database registration data of a system (JSON)",
        description="Annex VIII Section A, B or C as the classification requires, each field "
        "with its value (null when not stated) and whether it is missing. 409 when the system "
        "owes no registration, with the reason.",
        responses={200: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
    )
    def get(self, request, org_slug, system_uuid):
        system = get_system(self.organization, system_uuid)
        reason = why_not_registered(system)
        if reason:
            return Response(error_body(409, "not_applicable", reason), status=409)
        return Response(json.loads(registration_json(system)))


class ModelCardExportView(OrganizationScopedMixin, APIView):
    required_actions = {"GET": Action.VIEW_REGISTER}

    @extend_schema(
        summary="A model's card as a Hugging Face README or Model Card Toolkit JSON",
        parameters=[
            OpenApiParameter(
                "variant",
                str,
                enum=["huggingface", "toolkit"],
                description="`huggingface`: README.md with YAML front matter the Hub accepts; "
                "`toolkit`: Model Card Toolkit JSON (schema 0.0.2).",
            )
        ],
        responses={
            (200, "text/markdown"): OpenApiResponse(OpenApiTypes.STR),
            (200, "application/json"): OpenApiTypes.OBJECT,
        },
    )
    def get(self, request, org_slug, model_uuid):
        model = get_model(self.organization, model_uuid)
        fmt = request.query_params.get("variant", "toolkit")
        if fmt == "huggingface":
            return HttpResponse(
                huggingface_readme(model), content_type="text/markdown; charset=utf-8"
            )
        if fmt != "toolkit":
            raise serializers.ValidationError({"variant": ["Expected huggingface or toolkit."]})
        return Response(model_card_toolkit(model))
