"""Web pages of the screening, under /o/<org_slug>/register/systems/<system_uuid>/.

The sub-paths (screening/, classifications/…) never collide with the register's own system
pages (edit/, archive/, restore/), so the two includes work in either order.
"""

from django.urls import path

from governance.classification import views

app_name = "classification"

urlpatterns = [
    path("screening/", views.screening, name="screening"),
    path("classifications/", views.history, name="history"),
    path("classifications/compare/", views.compare, name="compare"),
    path("classifications/<int:version>/", views.detail, name="detail"),
    path("classifications/<int:version>/download.json", views.download, name="download"),
]
