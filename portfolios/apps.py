from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "portfolios"
    verbose_name = "Portfolios"

    def ready(self) -> None:
        from access.roles import Role
        from audit.services import track
        from demo.registry import register_demo_builder
        from pastoral.registry import register_home_panel, register_nav
        from portfolios import models
        from portfolios.demo import build_demo
        from portfolios.panels import home_panel

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
        register_nav(
            "Portfolios",
            "portfolios:home",
            roles={Role.PARTICIPANT, Role.MENTOR, Role.REVIEWER, Role.MODERATOR, Role.PROGRAMME_ADMIN},
            order=60,
        )
        register_nav(
            "Portfolio administration", "portfolios:provider_admin", roles={Role.PROGRAMME_ADMIN}, order=61
        )
        register_home_panel("portfolios", "portfolios/panels/home.html", home_panel, order=40)
        register_demo_builder("portfolios", build_demo, order=35)
