from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "governance.tenancy"
    label = "tenancy"
    verbose_name = "Organisations"

    def ready(self):
        from governance.tenancy import emails  # noqa: F401  (registers the invitation email)
