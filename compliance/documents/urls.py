from django.urls import path

from compliance.documents import grant_views, pack_views, views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("request/", views.document_request, name="document-request"),
    path("board-report/", views.board_report_request, name="board-report-request"),
    path("legal-details/", views.details_edit, name="details"),
    path("auditors/", grant_views.grant_list, name="grant-list"),
    path("auditors/<uuid:grant_uuid>/revoke/", grant_views.grant_revoke, name="grant-revoke"),
    path("packs/", pack_views.pack_list, name="pack-list"),
    path("packs/<uuid:pack_uuid>/", pack_views.pack_detail, name="pack-detail"),
    path("packs/<uuid:pack_uuid>/download/", pack_views.pack_download, name="pack-download"),
    path("<uuid:document_uuid>/", views.document_detail, name="document-detail"),
    path("<uuid:document_uuid>/download/", views.document_download, name="document-download"),
    path(
        "models/<uuid:model_uuid>/README.md",
        views.model_card_export,
        {"fmt": "huggingface"},
        name="model-card-huggingface",
    ),
    path(
        "models/<uuid:model_uuid>/model_card.json",
        views.model_card_export,
        {"fmt": "toolkit"},
        name="model-card-toolkit",
    ),
    path(
        "systems/<uuid:system_uuid>/facts/",
        views.system_facts_edit,
        name="system-facts",
    ),
    path(
        "systems/<uuid:system_uuid>/registration.json",
        views.registration_export,
        name="registration-json",
    ),
]
