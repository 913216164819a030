from django.urls import path

from governance.register import export_views, views

app_name = "register"

urlpatterns = [
    path("systems/", views.system_list, name="system-list"),
    path("systems/new/", views.system_create, name="system-create"),
    # One name, one file per format: {% url 'register:system-export' org_slug=… fmt='xlsx' %}.
    path("systems/export.csv", export_views.system_export, {"fmt": "csv"}, name="system-export"),
    path("systems/export.xlsx", export_views.system_export, {"fmt": "xlsx"}, name="system-export"),
    path("systems/export.zip", export_views.system_export, {"fmt": "zip"}, name="system-export"),
    path("systems/<uuid:system_uuid>/", views.system_detail, name="system-detail"),
    path("systems/<uuid:system_uuid>/edit/", views.system_edit, name="system-edit"),
    path("systems/<uuid:system_uuid>/archive/", views.system_archive, name="system-archive"),
    path("systems/<uuid:system_uuid>/restore/", views.system_restore, name="system-restore"),
    path("models/", views.model_list, name="model-list"),
    path("models/export.csv", export_views.model_export, {"fmt": "csv"}, name="model-export"),
    path("models/export.xlsx", export_views.model_export, {"fmt": "xlsx"}, name="model-export"),
    path("models/new/", views.model_create, name="model-create"),
    path("models/<uuid:model_uuid>/", views.model_detail, name="model-detail"),
    path("models/<uuid:model_uuid>/edit/", views.model_edit, name="model-edit"),
    path("models/<uuid:model_uuid>/archive/", views.model_archive, name="model-archive"),
    path("vendors/", views.vendor_list, name="vendor-list"),
    path("vendors/export.csv", export_views.vendor_export, {"fmt": "csv"}, name="vendor-export"),
    path("vendors/export.xlsx", export_views.vendor_export, {"fmt": "xlsx"}, name="vendor-export"),
    path("vendors/new/", views.vendor_create, name="vendor-create"),
    path("vendors/<uuid:vendor_uuid>/", views.vendor_detail, name="vendor-detail"),
    path("vendors/<uuid:vendor_uuid>/edit/", views.vendor_edit, name="vendor-edit"),
    path("vendors/<uuid:vendor_uuid>/archive/", views.vendor_archive, name="vendor-archive"),
]
