from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from audit.services import track

        from . import models

        track(models.GovernorsReport)
        from . import registrations  # noqa: F401
