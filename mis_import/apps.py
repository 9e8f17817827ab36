from django.apps import AppConfig


class MisImportConfig(AppConfig):
    name = "mis_import"
    verbose_name = "MIS import"

    def ready(self) -> None:
        from access.roles import IMPORT_ROLES
        from pastoral.registry import register_nav

        register_nav("MIS import", "mis_import:index", roles=IMPORT_ROLES, order=80)
