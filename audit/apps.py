from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from audit.services import track

        from . import models

        track(models.AuditSettings)
        from . import registrations  # noqa: F401
