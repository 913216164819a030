"""Web pages of changes in the law, under /o/<org_slug>/law-changes/."""

from django.urls import path

from governance.classification import law_views

app_name = "law_changes"

urlpatterns = [
    path("", law_views.law_change_list, name="list"),
    path("<uuid:reassessment_uuid>/apply/", law_views.apply, name="apply"),
]
