from django.apps import AppConfig


class PastoralConfig(AppConfig):
    name = "pastoral"
    verbose_name = "Pastoral"

    def ready(self) -> None:
        from pastoral import distribution  # noqa: F401  (registers the distribution-keys system check)
