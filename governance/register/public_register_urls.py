from django.urls import path

from governance.register import public_register_views as views

app_name = "public_registers"

urlpatterns = [
    path("public-registers/", views.register_public_registers, name="list"),
    path("public-registers/nl-v1.zip", views.register_nl_download, name="nl-zip"),
    # One name, two files: {% url 'public_registers:atrs' org_slug=… fmt='xlsx' %}.
    path("public-registers/uk-atrs.csv", views.register_atrs_download, {"fmt": "csv"}, name="atrs"),
    path(
        "public-registers/uk-atrs.xlsx", views.register_atrs_download, {"fmt": "xlsx"}, name="atrs"
    ),
    path(
        "systems/<uuid:system_uuid>/public-registers/",
        views.system_public_registers,
        name="system",
    ),
    path(
        "systems/<uuid:system_uuid>/public-registers/nl-v1.json",
        views.system_nl_download,
        name="system-nl",
    ),
    path(
        "systems/<uuid:system_uuid>/public-registers/uk-atrs.json",
        views.system_atrs_download,
        {"fmt": "json"},
        name="system-atrs",
    ),
    path(
        "systems/<uuid:system_uuid>/public-registers/uk-atrs.csv",
        views.system_atrs_download,
        {"fmt": "csv"},
        name="system-atrs",
    ),
]
