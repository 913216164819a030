from django.urls import path

from governance.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("<uuid:event_uuid>/", views.event_detail, name="event-detail"),
]
