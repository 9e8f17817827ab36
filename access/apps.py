from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Access control"

    def ready(self) -> None:
        from access.roles import IMPORT_ROLES, Role
        from audit.services import track
        from pastoral.registry import register_nav

        from .models import RoleAssignment

        track(RoleAssignment)
        register_nav(
            "Staff and roles", "access:staff_list", roles=IMPORT_ROLES | {Role.SENIOR_LEADER}, order=80
        )
