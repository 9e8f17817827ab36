from django.apps import AppConfig


class MisImportConfig(AppConfig):
    name = "mis_import"
    verbose_name = "MIS import"

    def ready(self) -> None:
        from . import registrations  # noqa: F401
