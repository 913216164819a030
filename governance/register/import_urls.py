"""Pages that import the register from spreadsheets and models from model cards."""

from django.urls import path

from governance.register import import_views as views

app_name = "register_import"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("model-card/", views.modelcard, name="modelcard"),
    path("<str:import_token>/map/", views.mapping, name="mapping"),
    path("<str:import_token>/preview/", views.preview, name="preview"),
    path("<str:import_token>/errors.csv", views.errors_csv, name="errors"),
]
