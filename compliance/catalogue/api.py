"""REST API of the catalogues (read-only): frameworks and their requirement trees.

`GET /api/v1/o/<org>/frameworks/` lists every framework version the organisation sees (the
shipped catalogues and its own); `GET …/frameworks/<slug>/` reads one (latest version, or
`?version=`) with its requirements, paginated; `GET …/frameworks/<slug>/requirements/` pages
through the requirements with filters. Another organisation's framework is a 404.
"""

from django.db.models import Count, Q
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.core.api import OrganizationScopedMixin
from governance.tenancy.roles import Action

from .models import Framework, FrameworkKind, Mapping, Requirement, RequirementKind
from .presentation import describe_condition
from .selectors import (
    framework_versions,
    frameworks_for_organization,
    get_framework,
    with_visible_mappings,
)


class MappingSerializer(serializers.Serializer):
    framework = serializers.CharField(help_text="The slug of the other framework.")
    framework_version = serializers.CharField()
    code = serializers.CharField(help_text="The requirement's code in the other framework.")
    relation = serializers.CharField()
    indicative = serializers.BooleanField()
    note = serializers.CharField()


def _mapping(m: Mapping, other: Requirement) -> dict:
    return {
        "framework": other.framework.slug,
        "framework_version": other.framework.version,
        "code": other.code,
        "relation": m.relation,
        "indicative": m.indicative,
        "note": m.note,
    }


class RequirementSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField(help_text="The parent group's code, or null.")
    condition_text = serializers.SerializerMethodField()
    mappings = serializers.SerializerMethodField(
        help_text="Links to requirements of other frameworks, both directions."
    )

    class Meta:
        model = Requirement
        fields = [
            "code",
            "parent",
            "obligation",
            "kind",
            "title",
            "text",
            "citation",
            "question",
            "answer_type",
            "choices",
            "guidance",
            "typical_evidence",
            "condition",
            "condition_text",
            "informative",
            "order",
            "mappings",
        ]

    def get_parent(self, obj) -> str | None:
        return self.context["codes"].get(obj.parent_id)

    def get_condition_text(self, obj) -> str:
        return describe_condition(obj.condition)

    @extend_schema_field(MappingSerializer(many=True))
    def get_mappings(self, obj) -> list:
        out = [_mapping(m, m.target) for m in obj.mappings_out.all()]
        out += [_mapping(m, m.source) for m in obj.mappings_in.all()]
        return out


class RequirementPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RequirementSerializer(many=True)


class FrameworkSerializer(serializers.ModelSerializer):
    scope = serializers.SerializerMethodField(help_text="shipped, or organization (its own).")
    requirement_count = serializers.IntegerField(read_only=True)
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Framework
        fields = [
            "slug",
            "name",
            "version",
            "kind",
            "description",
            "scope",
            "content_hash",
            "loaded_at",
            "requirement_count",
            "item_count",
        ]

    def get_scope(self, obj) -> str:
        return "shipped" if obj.organization_id is None else "organization"


class FrameworkDetailSerializer(FrameworkSerializer):
    versions = serializers.SerializerMethodField(help_text="Every version loaded, newest first.")
    requirements = serializers.SerializerMethodField(
        help_text="The requirements in reading order, paginated (page, page_size)."
    )

    class Meta(FrameworkSerializer.Meta):
        fields = [*FrameworkSerializer.Meta.fields, "versions", "requirements"]

    def get_versions(self, obj) -> list[str]:
        return self.context["versions"]

    @extend_schema_field(RequirementPageSerializer)
    def get_requirements(self, obj) -> dict:
        return self.context["requirements"]


def _counted(queryset):
    return queryset.annotate(
        requirement_count=Count("requirements"),
        item_count=Count("requirements", filter=Q(requirements__kind=RequirementKind.ITEM)),
    )


VERSION = OpenApiParameter("version", str, description="A version; default the latest.")
REQUIREMENT_FILTERS = [
    VERSION,
    OpenApiParameter("kind", str, enum=list(RequirementKind.values)),
    OpenApiParameter("obligation", str, description="e.g. art_9, or A.2 for ISO/IEC 42001"),
]


@extend_schema_view(
    list=extend_schema(
        tags=["catalogues"],
        summary="List frameworks (every version)",
        parameters=[
            OpenApiParameter("slug", str),
            OpenApiParameter("kind", str, enum=list(FrameworkKind.values)),
        ],
    ),
    retrieve=extend_schema(
        tags=["catalogues"],
        summary="Read a framework with its requirements (paginated)",
        parameters=REQUIREMENT_FILTERS,
        responses=FrameworkDetailSerializer,
    ),
)
class FrameworkViewSet(OrganizationScopedMixin, viewsets.ReadOnlyModelViewSet):
    """The catalogues: shipped frameworks and the organisation's own, read-only."""

    serializer_class = FrameworkSerializer
    required_actions = {"*": Action.VIEW_ORGANIZATION}
    lookup_field = "slug"
    lookup_url_kwarg = "framework_slug"
    lookup_value_regex = "[a-z0-9][a-z0-9-]{0,79}"
    filterset_fields = ["slug", "kind", "version"]
    search_fields = ["name", "slug", "description"]
    ordering_fields = ["name", "slug", "loaded_at"]
    ordering = ["slug", "-loaded_at"]

    def organization_queryset(self):
        return _counted(frameworks_for_organization(self.organization))

    def get_object(self):
        fw = get_framework(
            self.organization,
            self.kwargs[self.lookup_url_kwarg],
            self.request.query_params.get("version") or None,
        )
        return _counted(Framework.objects.filter(pk=fw.pk)).get()

    def _requirements(self, fw):
        qs = with_visible_mappings(fw.requirements.order_by("order"), self.organization)
        params = self.request.query_params
        if params.get("kind") in RequirementKind.values:
            qs = qs.filter(kind=params["kind"])
        if params.get("obligation"):
            qs = qs.filter(obligation=params["obligation"][:40])
        return qs

    def _page(self, fw) -> dict:
        page = self.paginate_queryset(self._requirements(fw))
        codes = dict(fw.requirements.values_list("pk", "code"))
        data = RequirementSerializer(page, many=True, context={"codes": codes}).data
        return self.get_paginated_response(data).data

    def retrieve(self, request, *args, **kwargs):
        fw = self.get_object()
        context = {
            "versions": [f.version for f in framework_versions(self.organization, fw.slug)],
            "requirements": self._page(fw),
        }
        return Response(FrameworkDetailSerializer(fw, context=context).data)

    @extend_schema(
        tags=["catalogues"],
        summary="List a framework's requirements (paginated)",
        parameters=REQUIREMENT_FILTERS,
        responses=RequirementPageSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def requirements(self, request, *args, **kwargs):
        fw = self.get_object()
        return Response(self._page(fw))

    def paginate_queryset(self, queryset):
        if self.paginator is None:
            return None
        return self.paginator.paginate_queryset(queryset, self.request, view=self)

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            from governance.core.api import Pagination

            self._paginator = Pagination()
        return self._paginator
