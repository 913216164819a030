"""REST API for the organisation, its members, invitations and API tokens."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.core.api import OrganizationScopedMixin
from governance.core.etags import VersionedObjectMixin, versioned_read_schema, versioned_schema
from governance.tenancy import selectors, services
from governance.tenancy.models import ApiToken, Invitation, Membership, Organization
from governance.tenancy.roles import INVITABLE_ROLES, Action, Role


class OrganizationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    row_version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The record's version (also its ETag). Send the one you read with a write "
        "to have it refused (409) if someone changed it since.",
    )

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "created_at", "row_version"]
        read_only_fields = ["slug", "created_at"]


class OrganizationCountsSerializer(serializers.Serializer):
    members = serializers.IntegerField(required=False, help_text="For roles that see members.")
    pending_invitations = serializers.IntegerField(
        required=False, help_text="For roles that manage members."
    )
    active_tokens = serializers.IntegerField(
        required=False, help_text="For roles that manage API tokens."
    )


class OrganizationDetailSerializer(OrganizationSerializer):
    role = serializers.CharField(read_only=True, help_text="The caller's role.")
    counts = OrganizationCountsSerializer(
        read_only=True, help_text="Only the counters the caller's role may read."
    )

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "role", "counts"]


class MyMembershipSerializer(serializers.ModelSerializer):
    organization = OrganizationSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["organization", "role", "access_expires_at"]


class UserSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    is_service_account = serializers.BooleanField(read_only=True)


class MemberSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    user = UserSummarySerializer(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices)
    row_version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The record's version (also its ETag). Send the one you read with a write "
        "to have it refused (409) if someone changed it since.",
    )

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "access_expires_at", "created_at", "row_version"]
        read_only_fields = ["created_at"]


class InvitationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    role = serializers.ChoiceField(choices=[(r.value, r.label) for r in INVITABLE_ROLES])
    access_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=366,
        help_text="For auditors: days of access after acceptance.",
    )
    status = serializers.CharField(read_only=True)
    invited_by = serializers.EmailField(source="invited_by.email", read_only=True, default=None)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "access_days",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
        ]
        read_only_fields = ["created_at", "expires_at"]


class ApiTokenSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    service_account = serializers.CharField(
        source="user.full_name",
        required=False,
        allow_blank=True,
        help_text="The service account that acts with this token; made on first use.",
    )
    status = serializers.CharField(read_only=True)
    created_by = serializers.EmailField(source="created_by.email", read_only=True, default=None)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "scope",
            "service_account",
            "status",
            "expires_at",
            "created_by",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]


class IssuedTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]


@extend_schema(tags=["organizations"])
class MyOrganizationsView(ListAPIView):
    """List the organisations the caller belongs to, with the caller's role in each."""

    serializer_class = MyMembershipSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    # A plain list of the caller's memberships: no search or ordering (?ordering= was a 500).
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership._base_manager.none()
        token = self.request.auth
        # Only where the caller's role may use the API (a board member's list is empty).
        memberships = [
            m for m in selectors.memberships_for_user(self.request.user) if m.can(Action.USE_API)
        ]
        if hasattr(token, "organization_id"):
            memberships = [m for m in memberships if m.organization_id == token.organization_id]
        return memberships


@extend_schema(tags=["organizations"])
class OrganizationView(VersionedObjectMixin, OrganizationScopedMixin, APIView):
    """Read or rename the organisation."""

    required_actions = {"GET": Action.VIEW_ORGANIZATION, "PATCH": Action.MANAGE_ORGANIZATION}
    serializer_class = OrganizationSerializer

    def current_representation(self, obj):
        fresh = Organization.objects.get(pk=obj.pk)
        return fresh, OrganizationSerializer(fresh).data

    @extend_schema(responses=OrganizationDetailSerializer, **versioned_read_schema())
    def get(self, request, org_slug):
        data = OrganizationSerializer(self.organization).data
        data["role"] = self.membership.role
        # The same counters as the home page shows this role, no more.
        data["counts"] = selectors.organization_counts_for(self.membership)
        return Response(data)

    @extend_schema(request=OrganizationSerializer, **versioned_schema(OrganizationSerializer))
    def patch(self, request, org_slug):
        header = self.if_match(self.organization)
        serializer = OrganizationSerializer(self.organization, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data.get("row_version")
        services.rename_organization(
            organization=self.organization,
            name=serializer.validated_data.get("name", self.organization.name),
            acting=self.membership,
            expected_version=header if header is not None else body,
        )
        return Response(OrganizationSerializer(self.organization).data)


class MemberFilter(filters.FilterSet):
    role = filters.ChoiceFilter(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["role"]


@extend_schema_view(
    list=extend_schema(tags=["members"], summary="List members"),
    retrieve=extend_schema(tags=["members"], summary="Read a member", **versioned_read_schema()),
    partial_update=extend_schema(
        tags=["members"],
        summary="Change a member's role",
        description="An auditor's access needs an end (`access_expires_at` in the future).",
        **versioned_schema(MemberSerializer),
    ),
    destroy=extend_schema(
        tags=["members"],
        summary="Remove a member",
        **versioned_schema(None, status_code=204, body_version=False),
    ),
)
class MemberViewSet(
    VersionedObjectMixin,
    OrganizationScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    search_fields = ["user__email", "user__full_name"]
    ordering_fields = ["user__email", "role", "created_at"]
    http_method_names = ["get", "patch", "delete", "head", "options"]
    required_actions = {
        "list": Action.VIEW_MEMBERS,
        "retrieve": Action.VIEW_MEMBERS,
        "partial_update": Action.MANAGE_MEMBERS,
        "destroy": Action.MANAGE_MEMBERS,
    }

    def organization_queryset(self):
        return selectors.members_of(self.organization)

    def perform_update(self, serializer):
        expected = self.expected_version(serializer)
        data = serializer.validated_data
        serializer.instance = services.change_member_role(
            membership=serializer.instance,
            role=data.get("role", serializer.instance.role),
            acting=self.membership,
            access_expires_at=data.get("access_expires_at", serializer.instance.access_expires_at),
            expected_version=expected,
        )

    def perform_destroy(self, instance):
        services.remove_member(membership=instance, acting=self.membership)


@extend_schema_view(
    list=extend_schema(tags=["members"], summary="List invitations"),
    create=extend_schema(tags=["members"], summary="Invite a member by email"),
    retrieve=extend_schema(tags=["members"], summary="Read an invitation"),
    destroy=extend_schema(tags=["members"], summary="Withdraw an invitation"),
)
class InvitationViewSet(
    OrganizationScopedMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = InvitationSerializer
    required_actions = {"*": Action.MANAGE_MEMBERS}

    def organization_queryset(self):
        return selectors.invitations_of(self.organization)

    def perform_create(self, serializer):
        data = serializer.validated_data
        invitation, _secret = services.invite_member(
            organization=self.organization,
            email=data["email"],
            role=data["role"],
            acting=self.membership,
            access_days=data.get("access_days"),
        )
        serializer.instance = invitation

    def perform_destroy(self, instance):
        services.revoke_invitation(invitation=instance, acting=self.membership)


@extend_schema_view(
    list=extend_schema(tags=["tokens"], summary="List API tokens"),
    retrieve=extend_schema(tags=["tokens"], summary="Read an API token"),
    create=extend_schema(
        tags=["tokens"], summary="Issue an API token", responses={201: IssuedTokenSerializer}
    ),
)
class ApiTokenViewSet(
    OrganizationScopedMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ApiTokenSerializer
    required_actions = {"*": Action.MANAGE_TOKENS}
    ordering_fields = ["created_at", "name", "last_used_at"]
    search_fields = ["name", "prefix"]

    def organization_queryset(self):
        return selectors.tokens_of(self.organization)

    def create(self, request, *args, **kwargs):
        serializer = ApiTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token, full = services.issue_api_token(
            organization=self.organization,
            name=data["name"],
            scope=data.get("scope", ApiToken.Scope.READ),
            acting=self.membership,
            service_account=data.get("user", {}).get("full_name", ""),
            expires_at=data.get("expires_at"),
        )
        body = IssuedTokenSerializer(token).data
        body["token"] = full
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["tokens"], summary="Revoke an API token", request=None, responses=ApiTokenSerializer
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, *args, **kwargs):
        token = self.get_object()
        services.revoke_api_token(token=token, acting=self.membership)
        token.refresh_from_db()
        return Response(ApiTokenSerializer(token).data)
