from django.apps import AppConfig


class EarlyWarningConfig(AppConfig):
    name = "early_warning"
    verbose_name = "Early warning"

    def ready(self) -> None:
        from audit.services import track

        from . import models

        for model in (models.WarningSettings, models.Review, models.StudentFactor):
            track(model)
        from . import indicators, registrations  # noqa: F401  (the built-in indicators register themselves)

        self._watch_writes()

    def _watch_writes(self) -> None:
        """Move a school's watermark on with every write its kept list reads (`early_warning.kept`)."""
        from django.db.models.signals import post_delete, post_save

        from achievement.models import Result
        from attendance.models import AttendanceMark
        from audit.signals import event_recorded

        from . import kept

        event_recorded.connect(kept.on_audit_event, dispatch_uid="early-warning-watermark-audit")
        for model in (AttendanceMark, Result):
            uid = f"early-warning-watermark-{model._meta.label}"
            post_save.connect(kept.on_record_written, sender=model, dispatch_uid=uid + "-save")
            post_delete.connect(kept.on_record_written, sender=model, dispatch_uid=uid + "-delete")
