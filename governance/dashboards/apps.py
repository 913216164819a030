from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "governance.dashboards"
    label = "dashboards"
    verbose_name = "Board dashboards"
