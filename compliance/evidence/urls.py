from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path("", views.evidence_list, name="list"),
    path("new/", views.evidence_create, name="create"),
    path("<uuid:evidence_uuid>/", views.evidence_detail, name="detail"),
    path(
        "<uuid:evidence_uuid>/versions/<int:number>/download/",
        views.evidence_download,
        name="download",
    ),
    path(
        "attach/<uuid:assessment_uuid>/<uuid:response_uuid>/",
        views.evidence_attach,
        name="attach",
    ),
]
