"""Fixtures shared with the sign-in tests."""

from accounts.tests.helpers import committed  # noqa: F401
