from django.apps import AppConfig


class SupportPlansConfig(AppConfig):
    name = "support_plans"
    verbose_name = "Pastoral Support Programmes"

    def ready(self) -> None:
        from audit.services import track

        from . import models

        for model in (
            models.PlanSettings,
            models.SupportPlan,
            models.Party,
            models.Assessment,
            models.Questionnaire,
            models.Target,
            models.TargetRevision,
            models.Meeting,
            models.TargetProgress,
            models.Signature,
            models.Alert,
            models.PlannedMeeting,
            models.Invitation,
            models.HomeContact,
            models.CommunicationPassport,
            models.PlanAction,
        ):
            track(model)
        track(models.SecureLink, exclude=("token_hash",))
        track(
            models.PlanDocument, exclude=("file",)
        )  # the stored name says nothing; the original name is kept
        from . import registrations  # noqa: F401
