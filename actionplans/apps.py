from django.apps import AppConfig


class ActionPlansConfig(AppConfig):
    name = "actionplans"
    verbose_name = "Action plans and learning dissemination"
