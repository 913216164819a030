from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "governance.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from governance.core import (
            schema,  # noqa: F401  (registers the OpenAPI extension)
            security,  # noqa: F401  (registers the deploy checks)
        )
