from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Access control"

    def ready(self) -> None:
        from audit.services import track

        from .models import RoleAssignment

        track(RoleAssignment)
        from . import registrations  # noqa: F401
