from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "compliance.assessments"
    label = "assessments"
    verbose_name = "Gap analyses, responses, actions and review"
