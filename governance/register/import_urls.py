"""Pages that import the register from spreadsheets and models from model cards."""

from django.urls import path

from governance.register import (
    import_job_views,
    import_value_views,
    modelcard_views,
    restore_views,
    saved_mapping_views,
)
from governance.register import import_views as views

app_name = "register_import"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("restore/", restore_views.upload, name="restore"),
    path("restore/<str:import_token>/", restore_views.preview, name="restore-preview"),
    path("model-card/", modelcard_views.modelcard, name="modelcard"),
    path("mappings/", saved_mapping_views.mapping_list, name="mappings"),
    path("mappings/copy/", saved_mapping_views.preset_copy, name="mapping-copy"),
    path("mappings/<uuid:mapping_id>/", saved_mapping_views.mapping_detail, name="mapping-detail"),
    path(
        "mappings/<uuid:mapping_id>/delete/",
        saved_mapping_views.mapping_delete,
        name="mapping-delete",
    ),
    path("<str:import_token>/map/", views.mapping, name="mapping"),
    path("<str:import_token>/values/", import_value_views.values, name="values"),
    path("<str:import_token>/preview/", views.preview, name="preview"),
    path("<str:import_token>/errors.csv", views.errors_csv, name="errors"),
    path("<str:import_token>/progress/", import_job_views.progress, name="progress"),
]
