from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from audit.services import track

        from .models import User

        track(User, exclude=("last_login",))
