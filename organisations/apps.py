from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from audit.services import track

        from . import models

        for model in (
            models.Organisation,
            models.Site,
            models.AssociationMembership,
            models.Term,
            models.Closure,
        ):
            track(model)
        from . import registrations  # noqa: F401
