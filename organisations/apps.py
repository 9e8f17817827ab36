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
        from access.roles import PUPIL_ROLES, Role
        from pastoral.registry import register_nav

        register_nav(
            "Calendar", "organisations:calendar", roles=PUPIL_ROLES | {Role.CPD_COORDINATOR}, order=85
        )
