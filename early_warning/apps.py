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
