from django.urls import path

from . import views, views_actions

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_create, name="create"),
    path("my-actions/", views_actions.my_actions, name="my-actions"),
    path("actions/<uuid:action_uuid>/", views_actions.action_edit, name="action-edit"),
    path("<uuid:assessment_uuid>/", views.assessment_detail, name="detail"),
    path(
        "<uuid:assessment_uuid>/items/<uuid:response_uuid>/",
        views.response_save,
        name="response-save",
    ),
    path("<uuid:assessment_uuid>/transition/", views.assessment_transition, name="transition"),
    path("<uuid:assessment_uuid>/refresh/", views.assessment_refresh, name="refresh"),
    path("<uuid:assessment_uuid>/notification/", views.fria_notification, name="notification"),
    path("<uuid:assessment_uuid>/soa/", views.assessment_soa, name="soa"),
    path("<uuid:assessment_uuid>/scores/", views.assessment_scores, name="scores"),
    path("<uuid:assessment_uuid>/actions/", views_actions.action_plan, name="action-plan"),
    path(
        "<uuid:assessment_uuid>/approvals/<int:number>/",
        views.approval_detail,
        name="approval",
    ),
]
