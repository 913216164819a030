"""Catalogues in the operators' admin: read-only. Versions are loaded from files
(`manage.py load_catalogues`) and never edited, so assessments keep what they were built from."""

from django.contrib import admin

from .models import Framework, Mapping, Requirement


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["slug", "version", "name", "kind", "organization", "loaded_at"]
    list_filter = ["kind"]
    search_fields = ["slug", "name"]


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "framework", "obligation", "kind", "answer_type"]
    list_filter = ["kind", "answer_type", "framework"]
    search_fields = ["code", "title"]
    list_select_related = ["framework"]


@admin.register(Mapping)
class MappingAdmin(ReadOnlyAdmin):
    list_display = ["source", "target", "relation", "indicative"]
    list_select_related = ["source", "target"]
