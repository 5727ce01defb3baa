from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Fact-check annotations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import cached, permission_cache

        permission_cache.connect()
        cached.connect()
