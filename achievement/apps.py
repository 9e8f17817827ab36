from django.apps import AppConfig


class AchievementConfig(AppConfig):
    name = "achievement"
    verbose_name = "Achievement"

    def ready(self) -> None:
        from audit.services import track

        from . import models

        for model in (models.GradeScale, models.Course, models.AssessmentPoint, models.InitialAssessment):
            track(model)
        # Results arrive in bulk from the MIS import, which writes one audit event of counts.
        from . import registrations  # noqa: F401
