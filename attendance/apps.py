from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = "Attendance"

    def ready(self) -> None:
        from audit.services import track

        from . import models

        # Marks are bulk-written (registers, imports) and carry their own amendment log; the follow-up
        # records and settings are tracked one by one.
        for model in (
            models.AttendanceSettings,
            models.ContactLog,
            models.LetterTemplate,
            models.EscalationStage,
            models.PupilEscalation,
        ):
            track(model)
        from . import imports, registrations  # noqa: F401

        imports.register()
