import pytest


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Run background tasks at once in tests.

    pastoral/settings.py picks the immediate backend when PASTORAL_TESTING is set, but pytest-django imports the
    settings before the root conftest sets it, so the tests would otherwise queue into the database backend.
    """
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Same cause: the fast test hasher of settings.py is not picked, and each persona's password would take ~0.5s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
