from django.apps import AppConfig


class AdvancementConfig(AppConfig):
    name = "tandem.advancement"
    label = "advancement"
