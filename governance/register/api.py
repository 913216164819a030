"""REST API of the register: AI systems, models and vendors.

Related records are named by public id (`vendor`, `ai_models`) or email (owners) and must
belong to the organisation: anything else is a 400 on that field, the same answer for a record
that does not exist and one of another organisation. Writes go through the services; DELETE
archives, it never deletes a row.
"""

import uuid

from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.core.api import OrganizationScopedMixin
from governance.core.etags import VersionedObjectMixin, versioned_read_schema, versioned_schema
from governance.register import selectors, services
from governance.register.export_api import SystemExportMixin
from governance.register.filters import ModelFilter, SystemFilter, VendorFilter
from governance.register.models import AffectedPersons, AIModel, AISystem, Vendor
from governance.tenancy.roles import Action

WRITE_ACTIONS = {"create", "update", "partial_update", "destroy", "restore"}


# --- Fields ---------------------------------------------------------------------------------


class OrganizationRelatedField(serializers.SlugRelatedField):
    """A related record named by `slug_field`, looked up only inside the request's organisation."""

    def __init__(self, queryset_for, **kwargs):
        self.queryset_for = queryset_for
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.queryset_for(self.context["organization"])

    def to_internal_value(self, data):
        if self.slug_field == "uuid":
            try:
                data = uuid.UUID(str(data))
            except ValueError:
                self.fail("invalid")
        elif isinstance(data, str):
            data = data.strip().lower()
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.URI)
class WebPageField(serializers.Field):
    """The record's page in the web app."""

    def __init__(self, url_name: str, kwarg: str, **kwargs):
        self.url_name, self.kwarg = url_name, kwarg
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, obj):
        path = reverse(
            self.url_name,
            kwargs={"org_slug": self.context["organization"].slug, self.kwarg: obj.uuid},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class TagsField(serializers.ListField):
    """Tags as a list of names; writing replaces the system's tags."""

    child = serializers.CharField(max_length=60, allow_blank=False)

    def get_attribute(self, instance):
        return [tag.name for tag in instance.tags.all()]


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string"}]})
class MetricValueField(serializers.Field):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            raise serializers.ValidationError("Give a number or a short text.")
        return data if not isinstance(data, str) else data[:100]

    def to_representation(self, value):
        return value


class EvaluationSerializer(serializers.Serializer):
    metric = serializers.CharField(max_length=200)
    value = MetricValueField()
    dataset = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    task = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def _owner_queryset(organization):
    return selectors.owner_choices(organization)


def _vendor_queryset(organization):
    return selectors.vendors_of(organization, include_archived=True)


def _model_queryset(organization):
    return selectors.models_of(organization, include_archived=True)


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "example": "art_26"},
                "applies_from": {"type": "string", "format": "date", "nullable": True},
                "basis": {"type": "string", "example": "Art. 111(2)"},
            },
            "required": ["code", "applies_from", "basis"],
        },
    }
)
class ObligationDatesField(serializers.Field):
    """Each obligation of the current classification with the date it applies to this system.

    `applies_from` is null when the obligation applies only if the system is significantly
    changed (Art. 111(2)); `basis` cites the rule that set the date.
    """

    def __init__(self, **kwargs):
        kwargs.update(read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return [
            {"code": e["code"], "applies_from": e.get("applies_from"), "basis": e["basis"]}
            for e in value or []
        ]


# --- Serializers ----------------------------------------------------------------------------


class AISystemSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    row_version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The record's version (also its ETag). Send the one you read with a write "
        "to have it refused (409) if someone changed the record since.",
    )
    vendor = OrganizationRelatedField(
        _vendor_queryset,
        slug_field="uuid",
        required=False,
        allow_null=True,
        help_text="The vendor's id.",
    )
    ai_models = OrganizationRelatedField(
        _model_queryset,
        slug_field="uuid",
        many=True,
        required=False,
        help_text="Ids of the models the system uses.",
    )
    business_owner = OrganizationRelatedField(
        _owner_queryset,
        slug_field="email",
        required=False,
        allow_null=True,
        help_text="Email of a member of the organisation.",
    )
    technical_owner = OrganizationRelatedField(
        _owner_queryset,
        slug_field="email",
        required=False,
        allow_null=True,
        help_text="Email of a member of the organisation.",
    )
    affected_persons = serializers.ListField(
        child=serializers.ChoiceField(choices=AffectedPersons.choices),
        required=False,
        max_length=len(AffectedPersons.choices),
    )
    tags = TagsField(required=False, max_length=30)
    needs_rescreening = serializers.BooleanField(
        read_only=True, help_text="Edited materially since the last classification."
    )
    url = WebPageField("register:system-detail", "system_uuid")
    obligation_dates = ObligationDatesField()

    class Meta:
        model = AISystem
        fields = [
            "id",
            "url",
            "name",
            "reference",
            "intended_purpose",
            "description",
            "business_owner",
            "technical_owner",
            "operator_role",
            "lifecycle_stage",
            "deployment_context",
            "vendor",
            "ai_models",
            "processes_personal_data",
            "processes_biometric_data",
            "processes_special_categories",
            "affected_persons",
            "human_oversight",
            "placed_on_market_on",
            "put_into_service_on",
            "significantly_changed_on",
            "intended_for_public_authorities",
            "annex_x_component",
            "eu_database_id",
            *services.PUBLIC_REGISTER_FIELDS,
            "tags",
            "risk_tier",
            "gpai_tier",
            "classified_at",
            "obligation_dates",
            "next_obligation_date",
            "needs_rescreening",
            "archived_at",
            "created_at",
            "updated_at",
            "row_version",
        ]
        read_only_fields = [
            "risk_tier",
            "gpai_tier",
            "classified_at",
            "next_obligation_date",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        # Null (or "" for the deployment context) means "not stated": missing information,
        # which the screening and the documents report, never "no".
        extra_kwargs = {
            **{
                field: {"help_text": f"{label}: true, false, or null when not stated."}
                for field, label in (
                    ("processes_personal_data", "Processes personal data"),
                    ("processes_biometric_data", "Processes biometric data"),
                    ("processes_special_categories", "Processes GDPR Art. 9 special categories"),
                    ("dpia_done", "A data protection impact assessment was done (GDPR Art. 35)"),
                    ("fria_done", "A fundamental rights impact assessment was done (Art. 27)"),
                    ("intended_for_public_authorities", "Intended for public authorities"),
                    ("annex_x_component", "Component of an Annex X large-scale IT system"),
                )
            },
            "deployment_context": {
                "help_text": "Where the system is used; an empty string when not stated."
            },
            "legal_basis_url": {"help_text": "A link to the legal basis (http or https)."},
            "source_code_url": {"help_text": "A link to the system's source code, if public."},
        }

    def validate_affected_persons(self, value):
        chosen = set(value)
        return [v for v in AffectedPersons.values if v in chosen]

    def validate_tags(self, value):
        return [name.strip() for name in value if name.strip()]

    def split(self) -> tuple[dict, list | None, list | None]:
        """Return (system fields, models or None, tag names or None) for the services."""
        data = dict(self.validated_data)
        data.pop("row_version", None)
        ai_models = data.pop("ai_models", None)
        tags = data.pop("tags", None)
        return data, ai_models, tags


class AIModelSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    row_version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The record's version (also its ETag). Send the one you read with a write "
        "to have it refused (409) if someone changed the record since.",
    )
    vendor = OrganizationRelatedField(
        _vendor_queryset,
        slug_field="uuid",
        required=False,
        allow_null=True,
        help_text="The vendor's id.",
    )
    evaluations = EvaluationSerializer(many=True, required=False)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=200
    )
    training_compute_flops = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="Cumulative training compute in FLOP, e.g. 3e25 (Art. 51(2)).",
    )
    url = WebPageField("register:model-detail", "model_uuid")

    class Meta:
        model = AIModel
        # The writable fields are the service's; the API adds ids, links and bookkeeping.
        fields = [
            "id",
            "url",
            *services.MODEL_FIELDS,
            "source",
            "archived_at",
            "created_at",
            "updated_at",
            "row_version",
        ]
        read_only_fields = ["source", "archived_at", "created_at", "updated_at"]

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if "evaluations" in value:
            value["evaluations"] = [dict(e) for e in value["evaluations"]]
        return value


class VendorSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    row_version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The record's version (also its ETag). Send the one you read with a write "
        "to have it refused (409) if someone changed the record since.",
    )
    url = WebPageField("register:vendor-detail", "vendor_uuid")

    class Meta:
        model = Vendor
        fields = [
            "id",
            "url",
            "name",
            "website",
            "contact_email",
            "country",
            "notes",
            "archived_at",
            "created_at",
            "updated_at",
            "row_version",
        ]
        read_only_fields = ["archived_at", "created_at", "updated_at"]


# --- Views ----------------------------------------------------------------------------------


class RegisterViewSet(VersionedObjectMixin, OrganizationScopedMixin, viewsets.ModelViewSet):
    # Common parts: the filters of filters.py only, the organisation in the serializer context,
    # ETag / If-Match on every object (governance.core.etags).

    filter_backends = [DjangoFilterBackend]
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["organization"] = getattr(self.request, "organization", None)
        return context

    def http_method_not_allowed(self, request, *args, **kwargs):
        # Another organisation's id is a 404 whatever the method, exactly like a missing one.
        if self.lookup_field in kwargs:
            self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)

    def written_data(self, serializer) -> tuple[dict, int | None]:
        """Return (the fields the client sent, the version its write is based on)."""
        expected = self.expected_version(serializer)
        data = dict(serializer.validated_data)
        data.pop("row_version", None)
        return data, expected

    def filter_queryset(self, queryset):
        # Lists filter (archived rows hidden by default); a detail URL finds archived rows too.
        if self.action not in ("list", "export"):
            return queryset
        return super().filter_queryset(queryset)


@extend_schema_view(
    list=extend_schema(
        tags=["register"],
        summary="List AI systems",
        description="Active systems unless `archived` says otherwise.",
    ),
    retrieve=extend_schema(
        tags=["register"], summary="Read an AI system", **versioned_read_schema()
    ),
    create=extend_schema(tags=["register"], summary="Add an AI system"),
    update=extend_schema(
        tags=["register"],
        summary="Replace an AI system's fields",
        **versioned_schema(AISystemSerializer),
    ),
    partial_update=extend_schema(
        tags=["register"],
        summary="Edit an AI system",
        description="Writes only the fields sent. Send If-Match (or row_version) to have the "
        "write refused if the system changed since you read it.",
        **versioned_schema(AISystemSerializer),
    ),
    destroy=extend_schema(
        tags=["register"],
        summary="Archive an AI system",
        description="Archives the system (its record, history and classifications stay). "
        "Restore it with POST …/restore/.",
        **versioned_schema(None, status_code=204, body_version=False),
    ),
)
class SystemViewSet(SystemExportMixin, RegisterViewSet):
    """The AI systems of the organisation's register.

    Owners, compliance officers, admins and read-write tokens edit any system; contributors
    only those they own. Editing a field the classification depends on marks a classified
    system `needs_rescreening`. A fact nobody stated is null (the data flags, `dpia_done`,
    `fria_done`) or "" (`deployment_context`): missing information, never "no"; filter such
    systems with `missing_facts=true`.
    """

    serializer_class = AISystemSerializer
    filterset_class = SystemFilter
    required_actions = {
        "list": Action.VIEW_REGISTER,
        "retrieve": Action.VIEW_REGISTER,
        "export": Action.VIEW_REGISTER,
        # Writes: any system with EDIT_REGISTER, one's own with EDIT_OWN_SYSTEMS (see below).
        **dict.fromkeys(WRITE_ACTIONS, Action.EDIT_OWN_SYSTEMS),
    }

    def required_action_for(self, request):
        required = super().required_action_for(request)
        if required == Action.EDIT_OWN_SYSTEMS and self.membership.can(Action.EDIT_REGISTER):
            return Action.EDIT_REGISTER
        return required

    def organization_queryset(self):
        return selectors.systems_for_api(self.organization)

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        if self.action in WRITE_ACTIONS and not services.can_edit_system(self.membership, obj):
            self.permission_denied(request, message="You can edit only the AI systems you own.")

    def _fresh(self, system):
        return self.get_queryset().get(pk=system.pk)

    def perform_create(self, serializer):
        data, ai_models, tags = serializer.split()
        system = services.create_system(
            organization=self.organization,
            acting=self.membership,
            data=data,
            ai_models=ai_models or (),
            tags=tags or (),
        )
        serializer.instance = self._fresh(system)

    def perform_update(self, serializer):
        expected = self.expected_version(serializer)
        data, ai_models, tags = serializer.split()
        system = services.update_system(
            system=serializer.instance,
            acting=self.membership,
            data=data,
            ai_models=ai_models,
            tags=tags,
            expected_version=expected,
        )
        serializer.instance = self._fresh(system)

    def perform_destroy(self, instance):
        if instance.archived_at is None:
            services.archive_system(
                system=instance, acting=self.membership, expected_version=self.expected_version()
            )

    @extend_schema(
        tags=["register"],
        summary="Restore an archived AI system",
        request=None,
        **versioned_schema(AISystemSerializer, body_version=False),
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, *args, **kwargs):
        system = self.get_object()
        services.restore_system(
            system=system, acting=self.membership, expected_version=self.expected_version()
        )
        return Response(self.get_serializer(self._fresh(system)).data)


@extend_schema_view(
    list=extend_schema(tags=["register"], summary="List AI models"),
    retrieve=extend_schema(
        tags=["register"], summary="Read an AI model", **versioned_read_schema()
    ),
    create=extend_schema(tags=["register"], summary="Add an AI model"),
    update=extend_schema(
        tags=["register"],
        summary="Replace an AI model's fields",
        **versioned_schema(AIModelSerializer),
    ),
    partial_update=extend_schema(
        tags=["register"],
        summary="Edit an AI model",
        description="Writes only the fields sent; If-Match or row_version guard the write.",
        **versioned_schema(AIModelSerializer),
    ),
    destroy=extend_schema(
        tags=["register"],
        summary="Archive an AI model",
        **versioned_schema(None, status_code=204, body_version=False),
    ),
)
class AIModelViewSet(RegisterViewSet):
    """The AI models the organisation's systems use, with their model-card fields."""

    serializer_class = AIModelSerializer
    filterset_class = ModelFilter
    required_actions = {
        "list": Action.VIEW_REGISTER,
        "retrieve": Action.VIEW_REGISTER,
        **dict.fromkeys(WRITE_ACTIONS, Action.EDIT_REGISTER),
    }

    def organization_queryset(self):
        return selectors.models_for_list(self.organization, include_archived=True)

    def perform_create(self, serializer):
        data, _expected = self.written_data(serializer)
        serializer.instance = services.create_model(
            organization=self.organization,
            acting=self.membership,
            data=data,
            source=AIModel.Source.API,
        )

    def perform_update(self, serializer):
        data, expected = self.written_data(serializer)
        serializer.instance = services.update_model(
            model=serializer.instance, acting=self.membership, data=data, expected_version=expected
        )

    def perform_destroy(self, instance):
        if instance.archived_at is None:
            services.archive_model(
                model=instance, acting=self.membership, expected_version=self.expected_version()
            )


@extend_schema_view(
    list=extend_schema(tags=["register"], summary="List vendors"),
    retrieve=extend_schema(tags=["register"], summary="Read a vendor", **versioned_read_schema()),
    create=extend_schema(tags=["register"], summary="Add a vendor"),
    update=extend_schema(
        tags=["register"], summary="Replace a vendor's fields", **versioned_schema(VendorSerializer)
    ),
    partial_update=extend_schema(
        tags=["register"],
        summary="Edit a vendor",
        description="Writes only the fields sent; If-Match or row_version guard the write.",
        **versioned_schema(VendorSerializer),
    ),
    destroy=extend_schema(
        tags=["register"],
        summary="Archive a vendor",
        **versioned_schema(None, status_code=204, body_version=False),
    ),
)
class VendorViewSet(RegisterViewSet):
    """The vendors that supply the organisation's AI systems and models."""

    serializer_class = VendorSerializer
    filterset_class = VendorFilter
    required_actions = {
        "list": Action.VIEW_REGISTER,
        "retrieve": Action.VIEW_REGISTER,
        **dict.fromkeys(WRITE_ACTIONS, Action.EDIT_REGISTER),
    }

    def organization_queryset(self):
        return selectors.vendors_of(self.organization, include_archived=True)

    def perform_create(self, serializer):
        data, _expected = self.written_data(serializer)
        serializer.instance = services.create_vendor(
            organization=self.organization, acting=self.membership, data=data
        )

    def perform_update(self, serializer):
        data, expected = self.written_data(serializer)
        serializer.instance = services.update_vendor(
            vendor=serializer.instance,
            acting=self.membership,
            data=data,
            expected_version=expected,
        )

    def perform_destroy(self, instance):
        if instance.archived_at is None:
            services.archive_vendor(
                vendor=instance, acting=self.membership, expected_version=self.expected_version()
            )


__all__ = ["AIModelViewSet", "SystemViewSet", "VendorViewSet"]
