from django.contrib import admin

from governance.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "organization", "actor_label", "action", "object_repr", "via"]
    list_filter = ["via"]
    search_fields = ["action", "actor_label", "object_repr", "object_id"]
    date_hierarchy = "created_at"

    # The trail is append-only, in the admin too.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
