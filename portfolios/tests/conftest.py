"""Test settings for the portfolio tests.

pytest-django imports the settings before the root conftest sets PASTORAL_TESTING, so the test-only fast password
hasher and the immediate task backend are not in force; these fixtures put them in place for this app's tests.
"""

import pytest


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path):  # noqa: ANN001, ANN202
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield
