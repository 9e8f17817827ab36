from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from audit.services import track

        from . import models

        track(models.GovernorsReport, exclude=("pdf", "steps_done"))  # the PDF is bytes; progress is noise
        from . import registrations  # noqa: F401
