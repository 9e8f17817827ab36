from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel every app builds on (docs/architecture.md, "The kernel")."""

    name = "core"
    verbose_name = "Pastoral kernel"

    def ready(self) -> None:
        from django.db import connection

        from core import distribution  # registers the distribution-keys system check

        if connection.vendor == "postgresql":
            distribution.route_by_organisation()  # queries that Citus routes to one node (docs/scale-out.md)
            distribution.saves_stay_on_their_shard()  # on Citus, a save never writes organisation_id
