from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from audit.services import track

        from . import models

        for model in (
            models.StaffMember,
            models.Pupil,
            models.Contact,
            models.PupilContact,
            models.Group,
            models.GroupMembership,
        ):
            track(model)
        from . import registrations  # noqa: F401
