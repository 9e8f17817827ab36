import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The personas hash a password per user; a fast hasher keeps these tests quick (sign-in still checks it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
