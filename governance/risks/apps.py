from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "governance.risks"
    label = "risks"
    verbose_name = "AI risk register and serious incidents"
