from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "portfolios"
    verbose_name = "Portfolios"

    def ready(self) -> None:
        from audit.services import track
        from portfolios import models

        for model in (
            models.Portfolio,
            models.Entry,
            models.Comment,
            models.MentorMeeting,
            models.SupportingStatement,
            models.Review,
            models.ModuleJudgement,
            models.ModerationSample,
            models.SampleItem,
            models.Certificate,
        ):
            track(
                model,
                exclude=("body", "reflection", "record", "credential_jwt")
                if model is models.Entry or model is models.Certificate
                else (),
            )
        track(models.Attachment, exclude=("file",))
        track(models.SigningKey, exclude=("private_pem_encrypted",))
        from portfolios import registrations  # noqa: F401
