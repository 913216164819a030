"""REST API of evidence: files (multipart) and links, versions, downloads, links to responses."""

from django.core.exceptions import ValidationError
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response as APIResponse

from compliance.assessments.api import ReadAssessmentsMixin, conflict, member_user, version_from
from compliance.assessments.concurrency import StaleVersion
from compliance.assessments.selectors import assessments_for_member, live_responses
from governance.core.api import Pagination
from governance.tenancy.roles import Action

from . import selectors, services
from .content import content_type_label
from .models import Evidence, EvidenceVersion


class VersionSerializer(serializers.ModelSerializer):
    content_type_label = serializers.SerializerMethodField()
    uploaded_by = serializers.EmailField(source="uploaded_by.email", read_only=True, default=None)

    class Meta:
        model = EvidenceVersion
        fields = [
            "number",
            "sha256",
            "size",
            "content_type",
            "content_type_label",
            "original_filename",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = fields

    def get_content_type_label(self, obj) -> str:
        return content_type_label(obj.content_type)


class EvidenceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    owner = serializers.EmailField(source="owner.email", read_only=True, default=None)
    expired = serializers.BooleanField(source="is_expired", read_only=True)
    current_version = VersionSerializer(read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "title",
            "description",
            "kind",
            "url",
            "owner",
            "valid_from",
            "valid_until",
            "expired",
            "current_version",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class EvidenceWriteSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    url = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    owner = serializers.EmailField(required=False, allow_null=True, allow_blank=True)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1)
    file = serializers.FileField(required=False)


class LinkSerializer(serializers.Serializer):
    assessment = serializers.UUIDField()
    response = serializers.UUIDField()


class EvidenceViewSet(ReadAssessmentsMixin, viewsets.GenericViewSet):
    """Evidence files and links. Upload with multipart (`file`, `title`); downloads are logged."""

    serializer_class = EvidenceSerializer
    pagination_class = Pagination
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    required_actions = {
        "list": Action.VIEW_ASSESSMENTS,
        "retrieve": Action.VIEW_ASSESSMENTS,
        "versions": Action.VIEW_ASSESSMENTS,
        "download": Action.VIEW_ASSESSMENTS,
        "create": Action.EDIT_ASSESSMENTS,
        "partial_update": Action.EDIT_ASSESSMENTS,
        "links": Action.EDIT_ASSESSMENTS,
    }

    def required_action_for(self, request):
        if getattr(self, "action", None) == "versions" and request.method == "POST":
            return Action.EDIT_ASSESSMENTS
        return super().required_action_for(request)

    def organization_queryset(self):
        return selectors.evidence_for_member(self.membership)

    def _get(self):
        return selectors.get_evidence_for_member(self.membership, self.kwargs["uuid"])

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset().order_by("title"))
        return self.get_paginated_response(EvidenceSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return APIResponse(EvidenceSerializer(self._get()).data)

    def _clean(self, request):
        payload = EvidenceWriteSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if "owner" in data:
            data["owner"] = member_user(self.organization, data["owner"])
        return data

    @extend_schema(request=EvidenceWriteSerializer, responses={201: EvidenceSerializer})
    def create(self, request, *args, **kwargs):
        data = self._clean(request)
        upload = data.pop("file", None) or request.FILES.get("file")
        data.pop("version", None)
        evidence = services.create_evidence(
            organization=self.organization, acting=self.membership, data=data, upload=upload
        )
        return APIResponse(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EvidenceWriteSerializer, responses={200: EvidenceSerializer})
    def partial_update(self, request, *args, **kwargs):
        evidence = self._get()
        data = self._clean(request)
        data.pop("file", None)
        version = version_from(request, data)
        data.pop("version", None)
        try:
            services.update_evidence(
                evidence=evidence, acting=self.membership, version=version, data=data
            )
        except StaleVersion as exc:
            return conflict(exc, EvidenceSerializer)
        return APIResponse(EvidenceSerializer(self._get()).data)

    @extend_schema(request=EvidenceWriteSerializer, responses={200: VersionSerializer(many=True)})
    @action(detail=True, methods=["get", "post"])
    def versions(self, request, *args, **kwargs):
        """Every file version (GET); POST a new `file` with `version` to replace it."""
        evidence = self._get()
        if request.method == "POST":
            data = self._clean(request)
            version = version_from(request, data)
            upload = data.get("file") or request.FILES.get("file")
            try:
                services.replace_evidence_file(
                    evidence=evidence, acting=self.membership, upload=upload, version=version
                )
            except StaleVersion as exc:
                return conflict(exc, EvidenceSerializer)
        versions = selectors.versions_of(evidence).order_by("-number")
        return APIResponse(VersionSerializer(versions, many=True).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]{1,6})/download")
    def download(self, request, *args, **kwargs):
        """The file of one version, as uploaded; the download is written to the audit trail."""
        evidence = self._get()
        return download_response(evidence, int(kwargs["number"]), self.membership)

    @extend_schema(request=LinkSerializer, responses={200: EvidenceSerializer})
    @action(detail=True, methods=["get", "post", "delete"])
    def links(self, request, *args, **kwargs):
        """The items it backs (GET); count it for a response (POST) or stop (DELETE)."""
        evidence = self._get()
        if request.method == "GET":
            return APIResponse(
                [
                    {
                        "assessment": str(link.response.assessment.uuid),
                        "response": str(link.response.uuid),
                        "code": link.response.requirement.code,
                        "linked_at": link.linked_at,
                    }
                    for link in selectors.links_of_evidence(evidence)
                ]
            )
        payload = LinkSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        assessment = (
            assessments_for_member(self.membership)
            .filter(uuid=payload.validated_data["assessment"])
            .first()
        )
        response = (
            live_responses(assessment)
            .select_related("requirement", "assessment")
            .filter(uuid=payload.validated_data["response"])
            .first()
            if assessment
            else None
        )
        if response is None:
            raise ValidationError({"response": "No such item in this organisation."})
        call = services.link_evidence if request.method == "POST" else services.unlink_evidence
        call(evidence=evidence, response=response, acting=self.membership)
        return APIResponse(EvidenceSerializer(evidence).data)


def download_response(evidence, number, membership) -> FileResponse:
    """Stream one version's file after logging the download (web and API share this)."""
    version = selectors.get_version(evidence, number)
    services.record_download(version=version, acting=membership)
    handle = services.open_version_file(version)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.original_filename,
        content_type=version.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Evidence-SHA256"] = version.sha256
    return response
