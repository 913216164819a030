"""REST API of documents: request one (202), poll its job, download its file."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compliance.assessments.selectors import assessments_of
from compliance.documents import selectors, services
from compliance.documents.downloads import serve_built_file
from compliance.documents.kinds import KINDS
from compliance.documents.models import Document, DocumentStatus, EvidencePack
from governance.core.api import OrganizationScopedMixin
from governance.register.selectors import models_of, systems_of
from governance.risks.selectors import incidents_of
from governance.tenancy.roles import Action


class DocumentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    system = serializers.UUIDField(source="system.uuid", read_only=True, allow_null=True)
    model = serializers.UUIDField(source="ai_model.uuid", read_only=True, allow_null=True)
    assessment = serializers.UUIDField(source="assessment.uuid", read_only=True, allow_null=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "url",
            "kind",
            "number",
            "system",
            "model",
            "assessment",
            "subject_label",
            "status",
            "error",
            "requested_at",
            "finished_at",
            "data_version",
            "filename",
            "content_type",
            "size",
            "sha256",
            "download_url",
        ]
        read_only_fields = fields

    def _url(self, obj, name) -> str:
        path = reverse(
            f"api:{name}", kwargs={"org_slug": self.context["org_slug"], "uuid": obj.uuid}
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, obj) -> str:
        return self._url(obj, "document-detail")

    def get_download_url(self, obj) -> str | None:
        if obj.status != DocumentStatus.DONE:
            return None
        return self._url(obj, "document-download")


class DocumentRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=sorted(KINDS))
    system = serializers.UUIDField(required=False)
    model = serializers.UUIDField(required=False)
    assessment = serializers.UUIDField(required=False)
    incident = serializers.UUIDField(required=False)

    def validate(self, attrs):
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError({k: ["Unknown field."] for k in sorted(unknown)})
        organization = self.context["organization"]
        lookups = (
            ("system", systems_of),
            ("model", models_of),
            ("assessment", assessments_of),
            ("incident", incidents_of),
        )
        for key, queryset in lookups:
            if key in attrs:
                found = queryset(organization).filter(uuid=attrs[key]).first()
                if found is None:
                    raise serializers.ValidationError({key: ["No such record."]})
                attrs[key] = found
        return attrs


@extend_schema_view(
    list=extend_schema(summary="List documents", description="Newest first, paginated."),
    retrieve=extend_schema(
        summary="Get a document",
        description="Poll `status` (`queued`, `running`, `done`, `failed` with `error`); "
        "`download_url` appears when it is done.",
    ),
)
class DocumentViewSet(
    OrganizationScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DocumentSerializer
    required_actions = {
        "list": Action.DOWNLOAD_DOCUMENTS,
        "retrieve": Action.DOWNLOAD_DOCUMENTS,
        "download": Action.DOWNLOAD_DOCUMENTS,
        "create": Action.GENERATE_DOCUMENTS,
    }

    def organization_queryset(self):
        return selectors.documents_for_member(self.membership)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["org_slug"] = self.kwargs.get("org_slug")
        if hasattr(self.request, "organization"):
            context["organization"] = self.request.organization
        return context

    @extend_schema(
        summary="Request a document",
        description="Queues the build of a new version and answers 202 at once. Kinds: "
        + ", ".join(f"`{k}`" for k in sorted(KINDS))
        + ". System documents take `system`, the model card takes `model`, reports take "
        "`assessment` (or `system`, meaning its newest fitting assessment), the serious-incident "
        "report takes `incident`; the board report takes nothing (it covers the organisation). "
        "A document that does not apply is refused with 400 and the reason.",
        request=DocumentRequestSerializer,
        responses={202: DocumentSerializer},
    )
    def create(self, request, *args, **kwargs):
        if not self.membership.can(Action.VIEW_REGISTER):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied("Your role does not allow generating register documents.")
        incoming = DocumentRequestSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            document = services.request_document(
                organization=self.organization,
                actor=request.user,
                kind=data["kind"],
                system=data.get("system"),
                ai_model=data.get("model"),
                assessment=data.get("assessment"),
                incident=data.get("incident"),
            )
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        body = DocumentSerializer(document, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})

    @extend_schema(
        summary="Download a document's file",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        return serve_built_file(self.get_object(), actor=request.user)


class EvidencePackSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    assessments = serializers.SerializerMethodField()

    class Meta:
        model = EvidencePack
        fields = [
            "id",
            "url",
            "as_of",
            "assessments",
            "status",
            "error",
            "requested_at",
            "finished_at",
            "file_count",
            "size",
            "sha256",
            "download_url",
        ]
        read_only_fields = fields

    def _url(self, obj, name) -> str:
        path = reverse(
            f"api:{name}", kwargs={"org_slug": self.context["org_slug"], "uuid": obj.uuid}
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, obj) -> str:
        return self._url(obj, "evidence-pack-detail")

    def get_download_url(self, obj) -> str | None:
        return self._url(obj, "evidence-pack-download") if obj.status == "done" else None

    def get_assessments(self, obj) -> list[str]:
        return [str(a.uuid) for a in obj.assessments.all()]


class EvidencePackRequestSerializer(serializers.Serializer):
    assessments = serializers.ListField(child=serializers.UUIDField(), max_length=50)
    as_of = serializers.DateField()

    def validate(self, attrs):
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError({k: ["Unknown field."] for k in sorted(unknown)})
        return attrs


@extend_schema_view(
    list=extend_schema(summary="List evidence packs"),
    retrieve=extend_schema(
        summary="Get an evidence pack",
        description="Poll `status`; `download_url` appears when it is done.",
    ),
)
class EvidencePackViewSet(
    OrganizationScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EvidencePackSerializer
    required_actions = {"*": Action.DOWNLOAD_DOCUMENTS}

    def organization_queryset(self):
        return selectors.packs_for_member(self.membership).prefetch_related("assessments")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["org_slug"] = self.kwargs.get("org_slug")
        return context

    @extend_schema(
        summary="Request an evidence pack",
        description="A ZIP of the assessments as of the date: their documents, each evidence "
        "file in the version valid that day, `manifest.json` (path, SHA-256, size, source of "
        "every file) and `index.html`. Answers 202; poll the pack's `url`.",
        request=EvidencePackRequestSerializer,
        responses={202: EvidencePackSerializer},
    )
    def create(self, request, *args, **kwargs):
        from compliance.documents import pack_services

        incoming = EvidencePackRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            pack = pack_services.request_pack(
                membership=self.membership,
                actor=request.user,
                assessment_ids=incoming.validated_data["assessments"],
                as_of=incoming.validated_data["as_of"],
            )
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        body = EvidencePackSerializer(pack, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})

    @extend_schema(
        summary="Download an evidence pack",
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        return serve_built_file(self.get_object(), actor=request.user)
