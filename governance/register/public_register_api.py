"""Public register exports through the API: one system's record, or the whole register's.

GET …/systems/<uuid>/public-registers/nl-v1/ and …/uk-atrs/ answer the record with what is
`missing`, its `errors` and whether it is `valid`; …/public-registers/nl-v1/ and …/uk-atrs/
list every current system's (paginated), and …/nl-v1/records.zip and …/uk-atrs/records.csv are
the whole register's files.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.core.api import OrganizationScopedMixin, Pagination, error_body
from governance.register.public_registers import bundles, sources
from governance.register.public_registers.missing import atrs_readiness, nl_readiness
from governance.register.public_registers.nl_v1 import CATEGORY_CHOICES
from governance.tenancy.roles import Action

TAGS = ["public registers"]
CATEGORY = OpenApiParameter(
    "category",
    str,
    enum=list(CATEGORY_CHOICES),
    description="The Dutch publication category of systems that are not high-risk: "
    "`impactful` ('Impactvolle algoritmes', B) or `other` ('Overige algoritmes', C). "
    "High-risk systems are always 'Hoog-risico AI-systeem' (A); without a choice the "
    "category of the others is missing.",
)
READINESS = (
    "`record` holds only what the system states; `missing` lists each empty field of the "
    "standard with the Annex field that fills it (`required` ones block `valid`); `errors` "
    "are the record's problems against the standard; `not_in_annex` names fields Annex does "
    "not keep."
)
BAD_CATEGORY = OpenApiResponse(OpenApiTypes.OBJECT, description="`category` is not a choice.")


def _category(request):
    """Return (category, None) or (None, a 400 response naming the parameter)."""
    value = request.query_params.get("category", "")
    if value and value not in CATEGORY_CHOICES:
        message = "Choose the category impactful or other."
        return None, Response(
            error_body(400, "invalid", message, {"category": [message]}), status=400
        )
    return value or None, None


class _Scoped(OrganizationScopedMixin, APIView):
    required_actions = {"GET": Action.VIEW_REGISTER}


class _FileView(_Scoped):
    def perform_content_negotiation(self, request, force=False):
        # The answer is a file; errors stay JSON whatever the client accepts.
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class SystemNlView(_Scoped):
    @extend_schema(
        tags=TAGS,
        summary="A system's record for the Dutch algorithm register (publication standard 1.0)",
        description=READINESS,
        parameters=[CATEGORY],
        responses={200: OpenApiTypes.OBJECT, 400: BAD_CATEGORY},
    )
    def get(self, request, org_slug, system_uuid):
        category, refused = _category(request)
        if refused:
            return refused
        system = sources.system_for_export(self.organization, system_uuid)
        return Response(nl_readiness(system, category=category).as_dict())


class SystemAtrsView(_Scoped):
    @extend_schema(
        tags=TAGS,
        summary="A system's UK Algorithmic Transparency Recording Standard record (v3.0)",
        description=READINESS,
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, org_slug, system_uuid):
        system = sources.system_for_export(self.organization, system_uuid)
        return Response(atrs_readiness(system).as_dict())


class _RegisterList(_Scoped):
    pagination_class = Pagination

    def _page(self, request, build):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            sources.systems_for_export(self.organization), request, view=self
        )
        return paginator.get_paginated_response(build(page))


class RegisterNlView(_RegisterList):
    @extend_schema(
        tags=TAGS,
        summary="Every current system's Dutch register record, with readiness (paginated)",
        description=READINESS,
        parameters=[CATEGORY],
        responses={200: OpenApiTypes.OBJECT, 400: BAD_CATEGORY, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request, org_slug):
        category, refused = _category(request)
        if refused:
            return refused
        return self._page(request, lambda page: bundles.nl_list(page, category=category))


class RegisterAtrsView(_RegisterList):
    @extend_schema(
        tags=TAGS,
        summary="Every current system's ATRS record, with readiness (paginated)",
        description=READINESS,
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request, org_slug):
        return self._page(request, bundles.atrs_list)


class RegisterNlZipView(_FileView):
    @extend_schema(
        tags=TAGS,
        summary="The whole register for the Dutch algorithm register: a ZIP of records",
        description="One JSON record per current system (`records/<source id>-nl-v1.0.json`, "
        "`-incomplete` when something required is missing or wrong) and `validation.json` "
        "with each record's missing fields and problems. The register's submission API "
        "takes one record per request.",
        parameters=[CATEGORY],
        responses={(200, "application/zip"): OpenApiTypes.BINARY, 400: BAD_CATEGORY},
    )
    def get(self, request, org_slug):
        category, refused = _category(request)
        if refused:
            return refused
        org = self.organization
        content = bundles.nl_zip(sources.systems_for_export(org), category=category)
        return _file(content, "application/zip", bundles.register_filename(org, "nl-v1.0", "zip"))


class RegisterAtrsCsvView(_FileView):
    @extend_schema(
        tags=TAGS,
        summary="The whole register as ATRS rows: a CSV with one row per system",
        description="The ATRS v3.0 fields as columns (section: field), one row per current "
        "system, and a last column 'Missing in Annex'.",
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
    )
    def get(self, request, org_slug):
        org = self.organization
        content = bundles.atrs_csv(sources.systems_for_export(org))
        filename = bundles.register_filename(org, "uk-atrs", "csv")
        return _file(content, "text/csv; charset=utf-8", filename)


# Included under /api/v1/o/<org_slug>/ by governance/urls.py.
urlpatterns = [
    path(
        "systems/<uuid:system_uuid>/public-registers/nl-v1/",
        SystemNlView.as_view(),
        name="system-public-register-nl",
    ),
    path(
        "systems/<uuid:system_uuid>/public-registers/uk-atrs/",
        SystemAtrsView.as_view(),
        name="system-public-register-atrs",
    ),
    path("public-registers/nl-v1/", RegisterNlView.as_view(), name="public-register-nl"),
    path(
        "public-registers/nl-v1/records.zip",
        RegisterNlZipView.as_view(),
        name="public-register-nl-zip",
    ),
    path("public-registers/uk-atrs/", RegisterAtrsView.as_view(), name="public-register-atrs"),
    path(
        "public-registers/uk-atrs/records.csv",
        RegisterAtrsCsvView.as_view(),
        name="public-register-atrs-csv",
    ),
]
