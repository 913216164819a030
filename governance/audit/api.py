"""REST API for the audit trail (read-only)."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from governance.audit import labels
from governance.audit.models import AuditEvent
from governance.audit.selectors import events_of
from governance.core.api import OrganizationScopedMixin
from governance.tenancy.roles import Action


class AuditEventSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    actor = serializers.SerializerMethodField(
        help_text="Who acted: a person's email, or a service account's name."
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "via",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "ip_address",
        ]

    def get_actor(self, event) -> str:
        return labels.actor_name(event)


class AuditEventFilter(filters.FilterSet):
    action = filters.CharFilter(field_name="action", lookup_expr="startswith")
    actor = filters.CharFilter(field_name="actor_label", lookup_expr="icontains")
    object_id = filters.CharFilter(field_name="object_id")
    since = filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    until = filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "object_id", "since", "until"]


@extend_schema_view(
    list=extend_schema(tags=["audit"], summary="List audit events, newest first"),
    retrieve=extend_schema(tags=["audit"], summary="Read an audit event"),
)
class AuditEventViewSet(OrganizationScopedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    ordering_fields = ["created_at"]
    required_actions = {"*": Action.VIEW_AUDIT}

    def organization_queryset(self):
        return events_of(self.organization).select_related("actor")
