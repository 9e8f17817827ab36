from django.apps import AppConfig


class BehaviourConfig(AppConfig):
    name = "behaviour"
    verbose_name = "Behaviour"

    def ready(self) -> None:
        from audit.services import track

        from . import models

        for model in (
            models.Incident,
            models.IncidentPupil,
            models.ReportCard,
            models.ReportEntry,
            models.Suspension,
            models.BehaviourCategory,
            models.NoticeAddresses,
            models.SuspensionNotice,
        ):
            track(model)
        from . import registrations  # noqa: F401
