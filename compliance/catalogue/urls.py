from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.framework_list, name="framework-list"),
    path("<slug:framework_slug>/", views.framework_detail, name="framework-detail"),
]
