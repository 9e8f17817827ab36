from django.apps import AppConfig


class CaseloadsConfig(AppConfig):
    name = "caseloads"
    verbose_name = "Caseloads and the eLLP"

    def ready(self) -> None:
        from audit.services import track

        from . import models

        for model in (
            models.CaseloadSettings,
            models.Topic,
            models.GroupSession,
            models.ReviewWindow,
            models.Review,
            models.LearningTarget,
            models.TargetProgress,
            models.ReviewAction,
            models.Addendum,
            models.StageOneMeeting,
            models.CoachingSession,
            models.ListeningNote,
            models.Passport,
            models.PassportItem,
            models.PassportCompletion,
            models.Progression,
        ):
            track(model)
        from . import registrations  # noqa: F401
