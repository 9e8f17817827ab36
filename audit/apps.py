from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from access.roles import AUDIT_ROLES
        from audit.services import track
        from pastoral.registry import register_nav

        from . import models

        track(models.AuditSettings)

        register_nav("Audit log", "audit:event_list", roles=AUDIT_ROLES, order=90)
