from django.apps import AppConfig


class PastoralConfig(AppConfig):
    name = "pastoral"
    verbose_name = "Pastoral"

    def ready(self) -> None:
        from django.db import connection

        from pastoral import distribution  # registers the distribution-keys system check

        if connection.vendor == "postgresql":
            distribution.route_by_organisation()  # queries that Citus routes to one node (docs/scale-out.md)
            distribution.saves_stay_on_their_shard()  # on Citus, a save never writes organisation_id
