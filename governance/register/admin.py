"""The register in the operators' admin: for looking things up and fixing a field, not for use.

People use the web pages and the API, which go through the services (permissions, audit trail,
re-screening flags). Here nothing is deleted (systems are archived, in the app), and relations
that could cross organisations are shown, not edited.
"""

from django.contrib import admin
from django.db import models

from governance.register.models import AIModel, AISystem, Tag, Vendor


class OperatorAdmin(admin.ModelAdmin):
    # Records are added in the app (they need an organisation and an audit event) and never
    # deleted.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # A fix made here is a write like any other: clients holding the old version must see
        # their next write refused (governance.core.concurrency).
        if change:
            obj.row_version += 1
        super().save_model(request, obj, form, change)


@admin.register(AISystem)
class AISystemAdmin(OperatorAdmin):
    list_display = [
        "name",
        "organization",
        "reference",
        "operator_role",
        "lifecycle_stage",
        "risk_tier",
        "updated_at",
        "archived_at",
    ]
    # The data flags filter on Yes, No and Unknown (not stated), as the model allows null.
    list_filter = [
        "risk_tier",
        "operator_role",
        "lifecycle_stage",
        "deployment_context",
        "processes_personal_data",
        "processes_biometric_data",
    ]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ["name", "reference", "uuid", "organization__name", "organization__slug"]
    list_select_related = ["organization"]
    raw_id_fields = ["vendor", "created_by"]
    readonly_fields = [
        "uuid",
        "organization",
        # Owners change in the app, where their edit grant moves with them.
        "business_owner",
        "technical_owner",
        "row_version",
        "model_names",
        "tag_names",
        "risk_tier",
        "gpai_tier",
        "classified_at",
        "material_changed_at",
        "created_at",
        "updated_at",
    ]
    exclude = ["ai_models", "tags"]
    date_hierarchy = "created_at"

    @admin.display(description="Models")
    def model_names(self, obj):
        return ", ".join(str(m) for m in obj.ai_models.all()) or "—"

    @admin.display(description="Tags")
    def tag_names(self, obj):
        return ", ".join(t.name for t in obj.tags.all()) or "—"


@admin.register(AIModel)
class AIModelAdmin(OperatorAdmin):
    list_display = [
        "name",
        "version",
        "organization",
        "provider",
        "model_type",
        "is_general_purpose",
        "source",
        "archived_at",
    ]
    list_filter = ["model_type", "is_general_purpose", "is_open_source", "source"]
    search_fields = ["name", "version", "provider", "uuid", "organization__name"]
    list_select_related = ["organization"]
    raw_id_fields = ["vendor", "created_by"]
    readonly_fields = [
        "uuid",
        "organization",
        "source",
        "created_at",
        "updated_at",
        "row_version",
    ]


@admin.register(Vendor)
class VendorAdmin(OperatorAdmin):
    list_display = ["name", "organization", "country", "contact_email", "archived_at"]
    search_fields = ["name", "country", "uuid", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["uuid", "organization", "created_at", "updated_at", "row_version"]


@admin.register(Tag)
class TagAdmin(OperatorAdmin):
    list_display = ["name", "organization"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["organization"]
