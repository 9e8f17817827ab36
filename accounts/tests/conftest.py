"""Fixtures shared by the sign-in tests."""

from accounts.tests.helpers import committed  # noqa: F401
