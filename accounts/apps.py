from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from audit.services import track

        from .models import User

        track(User, exclude=("last_login",))
        # Sign-in attempts are not tracked: each is a sign-in event already, recorded by the sign-in service.
        from . import registrations  # noqa: F401
