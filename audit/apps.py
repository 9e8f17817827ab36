from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from audit.services import track

        from . import models, signals

        track(models.AuditSettings)
        post_save.connect(
            signals.on_event_saved, sender=models.AuditEvent, dispatch_uid="audit-event-recorded"
        )
        from . import registrations  # noqa: F401
