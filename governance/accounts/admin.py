from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache

from governance.accounts.models import TwoFactorDevice, User
from governance.accounts.views import safe_next


@never_cache
def admin_login(request, extra_context=None):
    """Send /admin/login/ to the one sign-in form: throttled, with the second factor."""
    next_url = safe_next(request) or reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(next_url)
        raise PermissionDenied("The administration site is for the installation's operators.")
    return redirect_to_login(next_url)


admin.site.login = admin_login


@admin.register(TwoFactorDevice)
class TwoFactorDeviceAdmin(admin.ModelAdmin):
    """Let operators turn a person's two-factor sign-in off when phone and codes are lost."""

    list_display = ["user", "confirmed_at", "created_at"]
    search_fields = ["user__email"]
    fields = ["user", "confirmed_at", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        from governance.accounts.two_factor import disable_two_factor

        disable_two_factor(user=obj.user)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "is_service_account",
        "is_active",
        "is_staff",
        "date_joined",
    ]
    list_filter = ["is_service_account", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name", "is_service_account"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
