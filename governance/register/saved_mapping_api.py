"""REST API for saved import mappings: /api/v1/o/<org>/import-mappings/[<id>/].

A mapping is {name, columns, values, defaults, tag_separator, match_on}; `POST
…/imports/systems/` applies one by `mapping_name` or `saved_mapping`. Writes carry ETag /
If-Match like every editable object (governance.core.etags). The ready-made presets are listed
by `GET …/import-mappings/presets/`, read-only.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.core.api import OrganizationScopedMixin
from governance.core.etags import VersionedObjectMixin, versioned_read_schema, versioned_schema
from governance.register import saved_mappings
from governance.register.import_cells import TAG_SEPARATORS
from governance.register.import_upsert import MATCH_FIELDS
from governance.register.models import SavedMapping
from governance.tenancy.roles import Action

_JSON_OBJECT = {"type": "object", "additionalProperties": True}


class SavedMappingSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    row_version = serializers.IntegerField(
        required=False, min_value=1,
        help_text="The mapping's version (also its ETag). Send the one you read with a write to "
        "have it refused (409) if someone changed the mapping since.",
    )  # fmt: skip
    name = serializers.CharField(max_length=100, help_text="Unique in the organisation.")
    columns = serializers.JSONField(
        required=False, help_text="{column heading: field}; headings match whatever their case."
    )
    values = serializers.JSONField(
        required=False,
        help_text='{field: {file value: our value or "__unknown__"}} for fields with choices.',
    )
    defaults = serializers.JSONField(
        required=False, help_text="{field: value} filling new systems whose row states nothing."
    )
    tag_separator = serializers.ChoiceField(
        choices=[""] + list(TAG_SEPARATORS), required=False, allow_blank=True
    )
    match_on = serializers.ChoiceField(choices=list(MATCH_FIELDS), required=False)

    class Meta:
        model = SavedMapping
        fields = ["id", "name", "columns", "values", "defaults", "tag_separator", "match_on",
                  "created_at", "updated_at", "row_version"]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]


PresetSerializer = inline_serializer(
    "ImportMappingPreset",
    many=True,
    fields={
        "key": serializers.CharField(),
        "name": serializers.CharField(),
        "columns": serializers.DictField(),
        "values": serializers.DictField(),
        "defaults": serializers.DictField(),
        "tag_separator": serializers.CharField(),
        "match_on": serializers.CharField(),
    },
)

TAGS = ["register import"]


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="List saved import mappings"),
    retrieve=extend_schema(tags=TAGS, summary="Read a saved import mapping",
                           **versioned_read_schema()),
    create=extend_schema(tags=TAGS, summary="Save an import mapping"),
    update=extend_schema(tags=TAGS, summary="Replace a saved import mapping",
                         **versioned_schema(SavedMappingSerializer)),
    partial_update=extend_schema(
        tags=TAGS, summary="Edit a saved import mapping",
        description="Writes only the fields sent; If-Match or row_version guard the write.",
        **versioned_schema(SavedMappingSerializer),
    ),
    destroy=extend_schema(tags=TAGS, summary="Delete a saved import mapping",
                          **versioned_schema(None, status_code=204, body_version=False)),
)  # fmt: skip
class SavedMappingViewSet(
    VersionedObjectMixin,
    OrganizationScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The organisation's saved import mappings (another organisation's id is a 404)."""

    serializer_class = SavedMappingSerializer
    lookup_field = "uuid"
    lookup_url_kwarg = "mapping_id"
    pagination_class = None
    required_actions = {"*": Action.EDIT_REGISTER}

    def organization_queryset(self):
        return saved_mappings.mappings_of(self.organization)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("row_version", None)
        serializer.instance = saved_mappings.create_mapping(
            organization=self.organization, acting=self.membership, data=data
        )

    def perform_update(self, serializer):
        expected = self.expected_version(serializer)
        data = dict(serializer.validated_data)
        data.pop("row_version", None)
        if not serializer.partial:
            data = {**{k: None for k in saved_mappings.SPEC_FIELDS}, **data}
        serializer.instance = saved_mappings.update_mapping(
            mapping=serializer.instance, acting=self.membership, data=data,
            expected_version=expected,
        )  # fmt: skip

    def perform_destroy(self, instance):
        saved_mappings.delete_mapping(
            mapping=instance, acting=self.membership, expected_version=self.expected_version()
        )

    @extend_schema(tags=TAGS, summary="List the ready-made import mappings",
                   responses={200: PresetSerializer})  # fmt: skip
    @action(detail=False, methods=["get"], url_path="presets")
    def presets(self, request, org_slug):
        body = []
        for key, preset in saved_mappings.presets().items():
            spec = saved_mappings.spec_of(preset)
            spec.pop("preset")
            body.append({"key": key, **spec})
        return Response(body)


def _routes():
    from django.urls import path

    base = "o/<slug:org_slug>/import-mappings/"
    return [
        path(base, SavedMappingViewSet.as_view({"get": "list", "post": "create"}),
             name="import-mapping-list"),
        path(base + "presets/", SavedMappingViewSet.as_view({"get": "presets"}),
             name="import-mapping-presets"),
        path(base + "<uuid:mapping_id>/", SavedMappingViewSet.as_view({
            "get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy",
        }), name="import-mapping-detail"),
    ]  # fmt: skip


# Mounted by governance.urls under /api/v1/.
api_urls = _routes()
