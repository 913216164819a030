"""The URL map: web pages under /o/<org_slug>/, the API under /api/v1/."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from compliance.assessments import api as assessments_api
from compliance.catalogue import api as catalogue_api
from compliance.documents import api as documents_api
from compliance.documents import export_api as documents_export_api
from compliance.evidence import api as evidence_api
from governance.audit.api import AuditEventViewSet
from governance.classification import api as classification_api
from governance.classification import schema_api
from governance.classification.law_api import LawChangeViewSet
from governance.core import views as core_views
from governance.dashboards import views as dashboard_views
from governance.register import api as register_api
from governance.register import export_api as register_export_api
from governance.register import import_api as register_import_api
from governance.register import import_job_api as register_import_job_api
from governance.register import modelcard_api, public_register_api
from governance.register import restore_api as register_restore_api
from governance.register.saved_mapping_api import api_urls as saved_mapping_api_urls
from governance.risks import api as risks_api
from governance.tenancy import api as tenancy_api
from governance.tenancy import views as tenancy_views

org_router = SimpleRouter(trailing_slash=True)
org_router.register("members", tenancy_api.MemberViewSet, basename="member")
org_router.register("invitations", tenancy_api.InvitationViewSet, basename="invitation")
org_router.register("tokens", tenancy_api.ApiTokenViewSet, basename="token")
org_router.register("audit-events", AuditEventViewSet, basename="audit-event")
# register API routes (below this line)
org_router.register("systems", register_api.SystemViewSet, basename="system")
org_router.register("models", register_api.AIModelViewSet, basename="model")
org_router.register("vendors", register_api.VendorViewSet, basename="vendor")
# classification API routes (below this line)
org_router.register("law-changes", LawChangeViewSet, basename="law-change")
# catalogue API routes (below this line)
org_router.register("frameworks", catalogue_api.FrameworkViewSet, basename="framework")
# assessments API routes (below this line)
org_router.register("assessments", assessments_api.AssessmentViewSet, basename="assessment")
org_router.register(
    "actions", assessments_api.RemediationActionViewSet, basename="remediation-action"
)
# evidence API routes (below this line)
org_router.register("evidence", evidence_api.EvidenceViewSet, basename="evidence")
# risks API routes (below this line)
org_router.register("risks", risks_api.RiskViewSet, basename="risk")
org_router.register("incidents", risks_api.IncidentViewSet, basename="incident")
# documents API routes (below this line)
org_router.register("documents", documents_api.DocumentViewSet, basename="document")
org_router.register("evidence-packs", documents_api.EvidencePackViewSet, basename="evidence-pack")

api_urlpatterns = [
    path("organizations/", tenancy_api.MyOrganizationsView.as_view(), name="my-organizations"),
    path(
        "o/<slug:org_slug>/screenings/evaluate/",
        classification_api.EvaluateScreeningView.as_view(),
        name="screening-evaluate",
    ),
    path(
        "o/<slug:org_slug>/systems/<uuid:system_uuid>/classifications/",
        classification_api.SystemClassificationsView.as_view(),
        name="system-classifications",
    ),
    path(
        "o/<slug:org_slug>/systems/<uuid:system_uuid>/classifications/compare/",
        classification_api.CompareClassificationsView.as_view(),
        name="system-classification-compare",
    ),
    path(
        "o/<slug:org_slug>/systems/<uuid:system_uuid>/classifications/<int:version>/",
        classification_api.SystemClassificationDetailView.as_view(),
        name="system-classification-detail",
    ),
    path(
        "o/<slug:org_slug>/systems/<uuid:system_uuid>/registration-data/",
        documents_export_api.RegistrationDataView.as_view(),
        name="system-registration-data",
    ),
    path(
        "o/<slug:org_slug>/models/<uuid:model_uuid>/model-card/",
        documents_export_api.ModelCardExportView.as_view(),
        name="model-card-export",
    ),
    path("o/<slug:org_slug>/", tenancy_api.OrganizationView.as_view(), name="organization"),
    path(
        "o/<slug:org_slug>/imports/systems/",
        register_import_api.SystemImportView.as_view(),
        name="import-systems",
    ),
    path(
        "o/<slug:org_slug>/imports/systems/jobs/<str:import_token>/",
        register_import_job_api.ImportJobView.as_view(),
        name="import-systems-job",
    ),
    path(
        "o/<slug:org_slug>/imports/model-card/",
        modelcard_api.ModelCardImportView.as_view(),
        name="import-model-card",
    ),
    *saved_mapping_api_urls,
    path(
        "o/<slug:org_slug>/imports/register/",
        register_restore_api.RegisterRestoreView.as_view(),
        name="import-register",
    ),
    path(
        "o/<slug:org_slug>/vendors/export/",
        register_export_api.VendorExportView.as_view(),
        name="vendor-export",
    ),
    path(
        "o/<slug:org_slug>/models/export/",
        register_export_api.ModelExportView.as_view(),
        name="model-export",
    ),
    path("o/<slug:org_slug>/", include(public_register_api.urlpatterns)),
    path("o/<slug:org_slug>/", include(org_router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # the screening contract's JSON Schemas: public (governance/classification/schemas/)
    path("schemas/", schema_api.ContractSchemaListView.as_view(), name="contract-schemas"),
    path(
        "schemas/<slug:name>.json",
        schema_api.ContractSchemaView.as_view(),
        name="contract-schema",
    ),
]

org_urlpatterns = [
    path("", dashboard_views.organization_home, name="org-home"),
    path("styleguide/", core_views.styleguide, name="styleguide"),
    path("", include("governance.tenancy.urls")),
    path("audit/", include("governance.audit.urls")),
    # register web pages (below this line)
    path("register/import/", include("governance.register.import_urls")),
    path("register/", include("governance.register.urls")),
    path("register/", include("governance.register.public_register_urls")),
    # classification web pages (below this line)
    path("register/systems/<uuid:system_uuid>/", include("governance.classification.urls")),
    path("law-changes/", include("governance.classification.law_urls")),
    # catalogue web pages (below this line)
    path("catalogues/", include("compliance.catalogue.urls")),
    # assessments web pages (below this line)
    path("assessments/", include("compliance.assessments.urls")),
    # evidence web pages (below this line)
    path("evidence/", include("compliance.evidence.urls")),
    # risks web pages (below this line)
    path("risks/", include("governance.risks.urls")),
    # documents web pages (below this line)
    path("documents/", include("compliance.documents.urls")),
    # dashboards web pages (below this line)
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("governance.accounts.urls")),
    path("organizations/new/", tenancy_views.organization_create, name="organization-create"),
    path("invitations/<str:secret>/", tenancy_views.invitation_accept, name="invitation-accept"),
    path("o/<slug:org_slug>/", include(org_urlpatterns)),
    path("api/v1/", include((api_urlpatterns, "api"), namespace="api")),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path(
        "api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="api-docs"
    ),
    path("api/v1/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]

handler400 = "governance.core.views.bad_request"
handler403 = "governance.core.views.permission_denied"
handler404 = "governance.core.views.page_not_found"
handler500 = "governance.core.views.server_error"
