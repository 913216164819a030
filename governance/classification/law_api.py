"""REST API of changes in the law: what a new timeline version would change, per system.

GET /api/v1/o/<org>/law-changes/ lists the open reassessments (changed first; `?status=` for
applied or superseded ones, `?changed=true` for those that change); POST …/<id>/apply/ saves
one as the system's next classification version.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.classification import law_changes, selectors
from governance.classification.models import Reassessment
from governance.core.api import OrganizationScopedMixin
from governance.tenancy.roles import Action


class LawChangeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    system = serializers.UUIDField(source="system.uuid", read_only=True)
    system_name = serializers.CharField(source="system.name", read_only=True)
    classification_version = serializers.IntegerField(
        source="classification.version", read_only=True
    )
    from_law_version = serializers.CharField(
        source="classification.timeline_version", read_only=True
    )
    applied_version = serializers.SerializerMethodField()
    changes = serializers.JSONField(
        read_only=True,
        help_text="tier {old,new}, gpai {old,new}, obligations added and removed, dates moved "
        "(general and for this system: old/new applies_from and the basis).",
    )
    obligation_dates = serializers.JSONField(
        read_only=True, help_text="Under the new version: [{code, applies_from, basis}]."
    )

    class Meta:
        model = Reassessment
        fields = [
            "id",
            "system",
            "system_name",
            "classification_version",
            "from_law_version",
            "law_version",
            "changed",
            "status",
            "changes",
            "obligation_dates",
            "created_at",
            "resolved_at",
            "applied_version",
        ]
        read_only_fields = fields

    def get_applied_version(self, obj) -> int | None:
        applied = obj.applied_classification
        return applied.version if applied is not None else None


@extend_schema(tags=["classification"])
@extend_schema_view(
    list=extend_schema(summary="List what changes in the law would change, per system"),
    retrieve=extend_schema(summary="Show one system's change under a new version of the law"),
)
class LawChangeViewSet(
    OrganizationScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = LawChangeSerializer
    required_actions = {"apply": Action.SCREEN_SYSTEMS, "*": Action.VIEW_REGISTER}

    def organization_queryset(self):
        wanted = self.request.query_params.get("status", Reassessment.Status.OPEN)
        if wanted not in Reassessment.Status.values:
            wanted = Reassessment.Status.OPEN
        rows = selectors.reassessments_of(self.organization, status=wanted)
        if self.request.query_params.get("changed") in ("true", "1"):
            rows = rows.filter(changed=True)
        if getattr(self, "action", None) != "list":
            rows = Reassessment.objects.filter(organization=self.organization).select_related(
                "system", "classification", "applied_classification"
            )
        return rows

    def http_method_not_allowed(self, request, *args, **kwargs):
        # Another organisation's id is a 404 whatever the method, exactly like a missing one.
        if self.lookup_field in kwargs:
            self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)

    @extend_schema(
        summary="Save the new classification",
        request=None,
        responses={201: LawChangeSerializer},
    )
    @action(detail=True, methods=["post"])
    def apply(self, request, org_slug, uuid=None):
        row = self.get_object()
        try:
            law_changes.apply_reassessment(reassessment=row, acting=self.membership)
        except ValidationError as exc:
            raise serializers.ValidationError({"status": exc.messages}) from exc
        row.refresh_from_db()
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)
