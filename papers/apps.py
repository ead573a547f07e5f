from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = "Paper catalogue"

    def ready(self):
        from . import signals  # noqa: F401
