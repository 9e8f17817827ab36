from django.apps import AppConfig


class ProgrammeSupportConfig(AppConfig):
    name = "programme_support"
    verbose_name = "Programme support: course materials and questions"

    def ready(self) -> None:
        from audit.services import track
        from programme_support import models

        track(models.Resource, exclude=("file",))
        # The visit time moves on every visit: only the first visit is an event, not each page view.
        track(models.ResourceVisit, exclude=("last_visited_at",))
        track(models.Question)
        track(models.Message, exclude=("body",))
        track(models.MessageAttachment, exclude=("file",))
        from programme_support import registrations  # noqa: F401
