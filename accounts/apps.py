from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from audit.services import track
        from pastoral.registry import register_nav

        from .models import User
        from .permissions import SIGN_IN_WATCHERS

        track(User, exclude=("last_login",))
        # Sign-in attempts are not tracked: each is a sign-in event already, recorded by the sign-in service.
        register_nav("Accounts under attack", "accounts:under_attack", roles=SIGN_IN_WATCHERS, order=91)
        register_nav("Your sign-ins", "accounts:my_sign_ins", order=99)
