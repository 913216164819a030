from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "compliance.documents"
    label = "documents"
    verbose_name = "Documents and evidence packs built by jobs"
