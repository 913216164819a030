from django.apps import AppConfig


class ClassificationConfig(AppConfig):
    name = "governance.classification"
    label = "classification"
    verbose_name = "EU AI Act classification"

    def ready(self):
        # The register calls this after an edit, so each system's obligation dates follow the
        # facts Art. 111 reads, without the register importing this app.
        from governance.classification import services
        from governance.register import services as register_services

        if services.facts_changed not in register_services.SYSTEM_CHANGED_HOOKS:
            register_services.SYSTEM_CHANGED_HOOKS.append(services.facts_changed)
