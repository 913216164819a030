from django.urls import path

from . import views

app_name = "risks"

urlpatterns = [
    path("", views.risk_list, name="risk-list"),
    path("new/", views.risk_create, name="risk-create"),
    path("<uuid:risk_uuid>/", views.risk_detail, name="risk-detail"),
    path("<uuid:risk_uuid>/edit/", views.risk_edit, name="risk-edit"),
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/new/", views.incident_create, name="incident-create"),
    path("incidents/<uuid:incident_uuid>/", views.incident_detail, name="incident-detail"),
    path("incidents/<uuid:incident_uuid>/edit/", views.incident_edit, name="incident-edit"),
]
