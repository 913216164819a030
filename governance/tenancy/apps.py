from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "governance.tenancy"
    label = "tenancy"
    verbose_name = "Organisations"
