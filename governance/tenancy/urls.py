from django.urls import path

from governance.tenancy import views

app_name = "tenancy"

urlpatterns = [
    path("settings/", views.organization_settings, name="settings"),
    path("settings/two-factor/", views.organization_two_factor, name="settings-two-factor"),
    path("members/", views.member_list, name="member-list"),
    path("members/<uuid:member_uuid>/", views.member_edit, name="member-edit"),
    path("members/<uuid:member_uuid>/remove/", views.member_remove, name="member-remove"),
    path(
        "invitations/<uuid:invitation_uuid>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/new/", views.token_create, name="token-create"),
    path("tokens/<uuid:token_uuid>/", views.token_detail, name="token-detail"),
    path("tokens/<uuid:token_uuid>/revoke/", views.token_revoke, name="token-revoke"),
]
