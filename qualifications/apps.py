from django.apps import AppConfig


class QualificationsConfig(AppConfig):
    name = "qualifications"
    verbose_name = "Qualifications"

    def ready(self) -> None:
        from audit.services import track

        from . import models

        for model in (
            models.Programme,
            models.Edition,
            models.Activity,
            models.Cluster,
            models.ClusterFacilitator,
            models.TrainingDay,
            models.FeeRule,
            models.MentorTrainingSession,
            models.SafeguardingTraining,
            models.Booking,
            models.Enrolment,
            models.SessionAttendance,
            models.CreditNote,
        ):
            track(model, exclude=("ical_token", "uid"))
        from . import registrations  # noqa: F401
