"""REST API of the risk register and serious incidents; the services validate, as on the web."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from governance.core.api import OrganizationScopedMixin, Pagination, RejectUnknownFieldsMixin
from governance.core.etags import VersionedObjectMixin, versioned_read_schema, versioned_schema
from governance.tenancy.roles import Action

from . import clocks, selectors, services
from .models import HarmDomain, Incident, IncidentKind, IncidentStatus, Risk, RiskStatus, Treatment

MAX_LINKS = 500


class RiskSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    system = serializers.UUIDField(source="system.uuid", read_only=True)
    owner = serializers.EmailField(source="owner.email", read_only=True, default=None)
    accepted_by = serializers.EmailField(source="accepted_by.email", read_only=True, default=None)
    inherent_score = serializers.IntegerField(read_only=True)
    inherent_level = serializers.CharField(read_only=True)
    residual_score = serializers.IntegerField(read_only=True)
    residual_level = serializers.CharField(read_only=True)
    controls = serializers.SerializerMethodField()
    evidence = serializers.SlugRelatedField(slug_field="uuid", many=True, read_only=True)
    actions = serializers.SlugRelatedField(slug_field="uuid", many=True, read_only=True)

    class Meta:
        model = Risk
        fields = [
            "id",
            "system",
            "title",
            "description",
            "harm_domain",
            "affected_persons",
            "likelihood",
            "impact",
            "inherent_score",
            "inherent_level",
            "residual_likelihood",
            "residual_impact",
            "residual_score",
            "residual_level",
            "treatment",
            "treatment_notes",
            "controls",
            "evidence",
            "actions",
            "owner",
            "accepted_by",
            "accepted_at",
            "review_date",
            "status",
            "row_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_controls(self, risk) -> list[str]:
        return sorted(selectors.control_public_id(c) for c in risk.controls.all())


def _id_list(child):
    return serializers.ListField(child=child, required=False, max_length=MAX_LINKS)


class RiskWriteSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """Shapes only: the service checks ranges, the system's organisation and acceptance."""

    system = serializers.UUIDField(required=False)
    title = serializers.CharField(required=False, max_length=200)
    description = serializers.CharField(required=False, max_length=20_000)
    harm_domain = serializers.ChoiceField(choices=HarmDomain.choices, required=False)
    affected_persons = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    likelihood = serializers.IntegerField(required=False)
    impact = serializers.IntegerField(required=False)
    residual_likelihood = serializers.IntegerField(required=False, allow_null=True)
    residual_impact = serializers.IntegerField(required=False, allow_null=True)
    treatment = serializers.ChoiceField(choices=Treatment.choices, required=False, allow_blank=True)
    treatment_notes = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    owner = serializers.EmailField(required=False, allow_null=True, allow_blank=True)
    accepted_by = serializers.EmailField(required=False, allow_null=True, allow_blank=True)
    review_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=RiskStatus.choices, required=False)
    controls = _id_list(serializers.CharField(max_length=160))
    evidence = _id_list(serializers.UUIDField())
    actions = _id_list(serializers.UUIDField())
    row_version = serializers.IntegerField(required=False, min_value=1)


class IncidentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    system = serializers.UUIDField(source="system.uuid", read_only=True)
    kinds = serializers.ListField(child=serializers.CharField(), read_only=True)
    clock_rule = serializers.CharField(read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "system",
            "title",
            "description",
            "kind",
            "other_kinds",
            "kinds",
            "aware_at",
            "report_due",
            "clock_rule",
            "overdue",
            "root_cause",
            "corrective_action",
            "status",
            "report_sent_at",
            "row_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class IncidentWriteSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    system = serializers.UUIDField(required=False)
    title = serializers.CharField(required=False, max_length=200)
    description = serializers.CharField(required=False, max_length=20_000)
    kind = serializers.ChoiceField(choices=IncidentKind.choices, required=False)
    other_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=IncidentKind.choices),
        required=False,
        max_length=len(clocks.KINDS),
    )
    aware_at = serializers.DateField(required=False)
    root_cause = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    corrective_action = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    status = serializers.ChoiceField(choices=IncidentStatus.choices, required=False)
    report_sent_at = serializers.DateField(required=False, allow_null=True)
    row_version = serializers.IntegerField(required=False, min_value=1)


class _Base(VersionedObjectMixin, OrganizationScopedMixin, viewsets.GenericViewSet):
    pagination_class = Pagination
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"
    required_actions = {
        "list": Action.VIEW_RISKS,
        "retrieve": Action.VIEW_RISKS,
        "create": Action.EDIT_RISKS,
        "partial_update": Action.EDIT_RISKS,
    }
    write_serializer = None

    def _payload(self, request):
        payload = self.write_serializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        body_version = data.pop("row_version", None)
        return data, body_version

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)


_TAGS = ["risks"]


@extend_schema_view(
    list=extend_schema(tags=_TAGS, summary="List risks"),
    retrieve=extend_schema(tags=_TAGS, summary="Read a risk", **versioned_read_schema()),
    create=extend_schema(
        tags=_TAGS,
        summary="Add a risk",
        description="`system` is the AI system's id. Likelihood and impact are 1-5. Accepting "
        "a high residual risk (score 10 or more) needs `accepted_by`, a member other than "
        "the owner. `controls` are catalogue items as `<framework slug>:<code>` (e.g. "
        "`iso-42001:A.6.1.2`), `evidence` and `actions` the ids of this organisation's "
        "evidence items and remediation actions; an unknown or foreign one is refused.",
        request=RiskWriteSerializer,
        responses={201: RiskSerializer},
    ),
    partial_update=extend_schema(
        tags=_TAGS,
        summary="Edit a risk",
        description="Writes only the fields sent; a link list sent replaces the links. Send "
        "If-Match (or row_version) to refuse a write based on an older version.",
        request=RiskWriteSerializer,
        **versioned_schema(RiskSerializer),
    ),
)
class RiskViewSet(_Base):
    """The AI risk register: risks per AI system on a 5×5 matrix (Art. 9, ISO/IEC 42001 6.1)."""

    serializer_class = RiskSerializer
    write_serializer = RiskWriteSerializer

    def organization_queryset(self):
        return selectors.with_links(selectors.risks_for_list(self.organization)).order_by(
            "-created_at"
        )

    def _payload(self, request):
        data, body_version = super()._payload(request)
        if "controls" in data:
            data["controls"] = selectors.control_ids(self.organization, data["controls"])
        return data, body_version

    def create(self, request, *args, **kwargs):
        data, _ = self._payload(request)
        risk = services.create_risk(
            organization=self.organization, acting=self.membership, data=data
        )
        return Response(RiskSerializer(risk).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        risk = self.get_object()
        data, body_version = self._payload(request)
        header = getattr(self, "_if_match_version", None)
        risk = services.update_risk(
            risk=risk,
            acting=self.membership,
            expected_version=header if header is not None else body_version,
            data=data,
        )
        return Response(RiskSerializer(risk).data)


@extend_schema_view(
    list=extend_schema(tags=_TAGS, summary="List serious incidents"),
    retrieve=extend_schema(
        tags=_TAGS, summary="Read a serious incident", **versioned_read_schema()
    ),
    create=extend_schema(
        tags=_TAGS,
        summary="Record a serious incident",
        description="Takes `system` (its id), `title`, `description`, `kind` and `aware_at` "
        "(a date, not in the future); answers with `report_due`, the Art. 73 deadline: 15 "
        "days, 2 for a widespread infringement or critical infrastructure, 10 for a death; "
        "the earliest where `other_kinds` add more.",
        request=IncidentWriteSerializer,
        responses={201: IncidentSerializer},
    ),
    partial_update=extend_schema(
        tags=_TAGS,
        summary="Edit a serious incident",
        description="Writes only the fields sent; `report_due` follows the awareness date and "
        "kinds. Send If-Match (or row_version) to refuse a write based on an older version.",
        request=IncidentWriteSerializer,
        **versioned_schema(IncidentSerializer),
    ),
)
class IncidentViewSet(_Base):
    """Serious incidents (Art. 73) with their reporting deadlines."""

    serializer_class = IncidentSerializer
    write_serializer = IncidentWriteSerializer

    def organization_queryset(self):
        return selectors.incidents_for_list(self.organization)

    def create(self, request, *args, **kwargs):
        data, _ = self._payload(request)
        incident = services.create_incident(
            organization=self.organization, acting=self.membership, data=data
        )
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        incident = self.get_object()
        data, body_version = self._payload(request)
        header = getattr(self, "_if_match_version", None)
        incident = services.update_incident(
            incident=incident,
            acting=self.membership,
            expected_version=header if header is not None else body_version,
            data=data,
        )
        return Response(IncidentSerializer(incident).data)
