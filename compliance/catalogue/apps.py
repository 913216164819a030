from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "compliance.catalogue"
    label = "catalogue"
    verbose_name = "Frameworks, requirements, questions and mappings"
