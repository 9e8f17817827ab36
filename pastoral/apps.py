from django.apps import AppConfig


class PastoralConfig(AppConfig):
    """The project: settings, URLs, the home page, the base templates (the shared kernel is `core`)."""

    name = "pastoral"
    verbose_name = "Pastoral"
